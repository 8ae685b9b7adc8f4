"""adoptBackupId: a copy made outside Pulumi is checked, tagged and recorded instead of copied again."""

from typing import Any

import pytest

from fsx_backup_copy_provider import BackupCopyProvider
from fsx_backup_copy_provider.context import Context
from fsx_backup_copy_provider.errors import BackupCopyError
from tests.provider.conftest import copy_inputs
from tests.support import FsxAccount

SRC, DST = "us-east-2", "us-west-2"


def hand_made_copy(fsx: FsxAccount, source: str, **extra: Any) -> str:
    backup_id: str = fsx.client(DST).copy_backup(SourceBackupId=source, SourceRegion=SRC, **extra)["Backup"]["BackupId"]
    return backup_id


def adopting(source: str, backup_id: str, **extra: Any) -> dict[str, Any]:
    result = BackupCopyProvider().check({}, copy_inputs(source, adoptBackupId=backup_id, **extra))
    assert result.failures == []
    return result.inputs


def copies(fsx: FsxAccount, source: str) -> list[str]:
    return sorted(b["BackupId"] for b in fsx.backups() if b["SourceBackupId"] == source)


def test_adopting_a_matching_copy_records_it_without_copying(fsx: FsxAccount, context: Context) -> None:
    source = fsx.source_backup(SRC)
    key = fsx.kms_key(DST, alias="alias/dr")
    made = hand_made_copy(fsx, source, KmsKeyId=key["Arn"])
    calls_before = fsx.controls.inspect()["calls"].get("CopyBackup", 0)

    created = BackupCopyProvider(context).create(adopting(source, made, kmsKeyId="alias/dr", tags={"env": "dr"}))

    assert created.id == made and copies(fsx, source) == [made]
    assert fsx.controls.inspect()["calls"].get("CopyBackup", 0) == calls_before
    outs = created.outs or {}
    assert outs["lifecycle"] == "AVAILABLE" and outs["tags"] == {"env": "dr"} and outs["kmsKeyId"] == key["Arn"]


@pytest.mark.parametrize(
    ("case", "make", "inputs", "says"),
    [
        ("another source", lambda fsx, src, other: hand_made_copy(fsx, other), {}, "not of sourceBackupId"),
        ("not a copy at all", lambda fsx, src, other: fsx.source_backup(DST), {}, "nothing (it is not a copy)"),
        (
            "another key",
            lambda fsx, src, other: hand_made_copy(fsx, src, KmsKeyId=fsx.kms_key(DST)["Arn"]),
            {"kmsKeyId": "alias/dr"},
            "another key than the one kmsKeyId names",
        ),
        ("another source Region", lambda fsx, src, other: hand_made_copy(fsx, src), {"sourceRegion": "us-east-1"}, ""),
    ],
    ids=["another-source", "not-a-copy", "another-key", "another-source-region"],
)
def test_adopting_a_backup_that_is_not_the_declared_copy_fails_naming_what_differs(
    fsx: FsxAccount, case: str, make: Any, inputs: dict[str, Any], says: str, context: Context
) -> None:
    source, other = fsx.source_backup(SRC), fsx.source_backup(SRC)
    fsx.kms_key(DST, alias="alias/dr")
    backup_id = make(fsx, source, other)
    with pytest.raises(BackupCopyError) as caught:
        BackupCopyProvider(context).create(adopting(source, backup_id, **inputs))
    message = str(caught.value)
    assert f"adoptBackupId {backup_id}" in message and says in message, case
    if case == "another source Region":
        assert "not in sourceRegion us-east-1" in message
    assert fsx.controls.inspect()["calls"].get("CopyBackup", 0) <= 2  # only the hand-made copies


def test_adopting_a_backup_that_does_not_exist_fails(fsx: FsxAccount, context: Context) -> None:
    source = fsx.source_backup(SRC)
    with pytest.raises(BackupCopyError, match=f"backup-0123456789abcdef0 does not exist in {DST}"):
        BackupCopyProvider(context).create(adopting(source, "backup-0123456789abcdef0"))


def test_adopted_then_updated_then_deleted(fsx: FsxAccount, context: Context) -> None:
    source = fsx.source_backup(SRC)
    made = hand_made_copy(fsx, source)
    provider = BackupCopyProvider(context)
    inputs = adopting(source, made, tags={"env": "dr"})
    created = provider.create(inputs)
    # Once recorded, removing adoptBackupId is no change; a tag change updates the same copy in place.
    news = {k: v for k, v in inputs.items() if k != "adoptBackupId"}
    assert provider.diff(created.id, created.outs or {}, news).changes is False
    news["tags"] = {"env": "prod"}
    assert provider.diff(created.id, created.outs or {}, news).replaces == []
    updated = provider.update(created.id, created.outs or {}, news)
    assert (updated.outs or {})["tags"] == {"env": "prod"} and (updated.outs or {})["backupId"] == made
    provider.delete(made, updated.outs or {})
    assert copies(fsx, source) == []


def test_an_adopted_copy_is_never_adopted_again_as_an_unfinished_create(fsx: FsxAccount, context: Context) -> None:
    """After adoption the copy carries this resource's claim, marked returned: `up --replace` makes a new one."""
    source = fsx.source_backup(SRC)
    made = hand_made_copy(fsx, source)
    BackupCopyProvider(context).create(adopting(source, made))
    replacement = BackupCopyProvider(context).create(BackupCopyProvider(context).check({}, copy_inputs(source)).inputs)
    assert replacement.id != made and copies(fsx, source) == sorted([made, replacement.id])


def test_adopt_backup_id_is_checked_like_any_backup_id(context: Context) -> None:
    result = BackupCopyProvider(context).check({}, copy_inputs("backup-0123456789abcdef0", adoptBackupId="bkp-1"))
    assert [f.property for f in result.failures] == ["adoptBackupId"]


@pytest.mark.parametrize(
    ("owner", "says", "tag_key"),
    [
        ("another resource", "is managed by another BackupCopy resource", "pulumi-fsx-backup-copy:claim"),
        ("a rotation", "belongs to a BackupCopyRotation", "pulumi-fsx-rotation:name"),
    ],
)
def test_adopting_a_copy_that_belongs_to_someone_else_fails_and_says_how_to_release_it(
    fsx: FsxAccount, context: Context, owner: str, says: str, tag_key: str
) -> None:
    """The owner's copy keeps its tags and its claim; only removing the named tag by hand releases it."""
    source = fsx.source_backup(SRC)
    if owner == "another resource":
        theirs = BackupCopyProvider(context).create(
            BackupCopyProvider().check({}, copy_inputs(source, resourceIdentity="other/prod/their-copy")).inputs
        )
        backup_id = theirs.id or ""
    else:
        backup_id = hand_made_copy(fsx, source, Tags=[{"Key": tag_key, "Value": "proj/prod/nightly"}])
        fsx.wait_available(DST, backup_id)
    before = fsx.client(DST).describe_backups(BackupIds=[backup_id])["Backups"][0]["Tags"]
    with pytest.raises(BackupCopyError) as caught:
        BackupCopyProvider(context).create(adopting(source, backup_id, tags={"env": "mine"}))
    message = str(caught.value)
    assert says in message and "not adopted" in message, message
    assert f"untag-resource --resource-arn arn:aws:fsx:{DST}:" in message and f"--tag-keys {tag_key}" in message
    assert fsx.client(DST).describe_backups(BackupIds=[backup_id])["Backups"][0]["Tags"] == before

    arn = fsx.client(DST).describe_backups(BackupIds=[backup_id])["Backups"][0]["ResourceARN"]
    fsx.client(DST).untag_resource(ResourceARN=arn, TagKeys=[tag_key])  # released deliberately
    assert BackupCopyProvider(context).create(adopting(source, backup_id)).id == backup_id


def test_adopting_with_no_room_for_the_claim_fails_naming_the_tags(fsx: FsxAccount, context: Context) -> None:
    source = fsx.source_backup(SRC, tags={f"s{i:02d}": "v" for i in range(49)})
    made = hand_made_copy(fsx, source)
    with pytest.raises(BackupCopyError, match=r"was not adopted: the copy would get 51 tags.*set copyTags to false"):
        BackupCopyProvider(context).create(adopting(source, made, copyTags=True, tags={"env": "dr"}))
