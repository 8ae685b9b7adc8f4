"""BackupCopyProvider's whole lifecycle against the in-process emulator (acceptance tests named by behaviour)."""

from typing import Any

import pulumi
import pytest
from moto.fsx.models import fsx_backends

from fsx_backup_copy_provider import BackupCopyProvider
from fsx_backup_copy_provider.context import Context
from fsx_backup_copy_provider.errors import BackupCopyError
from fsx_backup_copy_provider.schema import OUTPUTS
from fsx_backup_copy_provider.waiter import VirtualClock
from tests.provider.conftest import copy_inputs, on_provider_calls
from tests.support import ACCOUNT_ID, FsxAccount

SRC, DST = "us-east-2", "us-west-2"


def checked(**inputs: Any) -> dict[str, Any]:
    result = BackupCopyProvider().check({}, inputs)
    assert result.failures == [], [(f.property, f.reason) for f in result.failures]
    return result.inputs


def copies_of(fsx: FsxAccount, source: str) -> list[dict[str, Any]]:
    return [b for b in fsx.backups() if b["SourceBackupId"] == source]


def test_basic_in_region_copy_has_every_output(fsx: FsxAccount, context: Context) -> None:
    source = fsx.source_backup(DST)
    provider = BackupCopyProvider(context)
    created = provider.create(checked(**copy_inputs(source, sourceRegion=None)))

    outs = created.outs or {}
    assert created.id == outs["backupId"]
    assert {o.wire_name for o in OUTPUTS} <= set(outs)
    aws_view = fsx.client(DST).describe_backups(BackupIds=[created.id])["Backups"][0]
    assert outs["arn"] == aws_view["ResourceARN"] == f"arn:aws:fsx:{DST}:{ACCOUNT_ID}:backup/{created.id}"
    assert outs["lifecycle"] == "AVAILABLE" and outs["progressPercent"] == 100
    assert outs["kmsKeyId"] == aws_view["KmsKeyId"]
    assert outs["sourceBackupId"] == source and outs["sourceRegion"] == DST and outs["region"] == DST
    assert outs["fileSystemId"] == aws_view["FileSystem"]["FileSystemId"]
    assert outs["fileSystemType"] == "LUSTRE" and outs["resourceType"] == "FILE_SYSTEM"
    assert outs["ownerId"] == ACCOUNT_ID and outs["backupType"] == "USER_INITIATED"
    assert outs["creationTime"].startswith("20") and "T" in outs["creationTime"]
    assert outs["tags"] == {} and outs["copyTags"] is False


@pytest.mark.parametrize("with_kms", [False, True])
@pytest.mark.parametrize("copy_tags", [False, True])
def test_cross_region_copy(fsx: FsxAccount, with_kms: bool, copy_tags: bool, context: Context) -> None:
    source = fsx.source_backup(SRC, tags={"team": "storage", "env": "prod"})
    key = fsx.kms_key(DST, alias="alias/dr") if with_kms else None
    inputs = checked(
        **copy_inputs(source, kmsKeyId="alias/dr" if with_kms else None, copyTags=copy_tags, tags={"env": "dr"})
    )
    outs = BackupCopyProvider(context).create(inputs).outs or {}

    assert outs["sourceRegion"] == SRC and outs["region"] == DST
    assert outs["arn"].startswith(f"arn:aws:fsx:{DST}:")
    if key:
        assert outs["kmsKeyId"] == key["Arn"]
    assert outs["tags"] == ({"team": "storage", "env": "dr"} if copy_tags else {"env": "dr"})
    assert len(copies_of(fsx, source)) == 1


def test_progress_is_logged_while_waiting(
    fsx: FsxAccount, shared_clock: VirtualClock, monkeypatch: pytest.MonkeyPatch, context: Context
) -> None:
    logged: list[str] = []
    monkeypatch.setattr(pulumi.log, "info", lambda message, *args, **kwargs: logged.append(message))
    source = fsx.source_backup(SRC)
    fsx.controls.set_pace(seconds=2 * 3600)
    BackupCopyProvider(context).create(checked(**copy_inputs(source)))
    assert any("copying " + source in line for line in logged)
    polls = [line for line in logged if "COPYING" in line and " still " not in line]  # heartbeats aside
    assert polls and all("%" in line and "after" in line for line in polls)
    assert len(polls) <= 30  # a 2-hour copy: polling every 30 s would report 240 times


def test_tags_update_in_place_and_leave_aws_tags_alone(fsx: FsxAccount, context: Context) -> None:
    source = fsx.source_backup(SRC, tags={"team": "storage"})
    provider = BackupCopyProvider(context)
    inputs = checked(**copy_inputs(source, copyTags=True, tags={"env": "dr", "old": "x"}))
    created = provider.create(inputs)
    arn = (created.outs or {})["arn"]
    fsx_backends[ACCOUNT_ID][DST].tagger.tag_resource(arn, [{"Key": "aws:backup:source", "Value": "plan"}])

    news = {**inputs, "tags": {"env": "prod", "team": "mine"}}
    assert provider.diff(created.id, created.outs or {}, news).changes is True
    updated = provider.update(created.id, created.outs or {}, news)
    outs = updated.outs or {}

    assert outs["backupId"] == created.id  # in place
    assert outs["tags"] == {"env": "prod", "team": "mine"}  # user's value overrides the inherited one
    actual = {t["Key"]: t["Value"] for t in fsx.client(DST).list_tags_for_resource(ResourceARN=arn)["Tags"]}
    assert actual["aws:backup:source"] == "plan" and "old" not in actual
    assert provider.diff(created.id, outs, news).changes is False


def test_copy_tags_turned_off_removes_inherited_tags(fsx: FsxAccount, context: Context) -> None:
    source = fsx.source_backup(SRC, tags={"team": "storage"})
    provider = BackupCopyProvider(context)
    inputs = checked(**copy_inputs(source, copyTags=True, tags={"env": "dr"}))
    created = provider.create(inputs)
    news = {**inputs, "copyTags": False}
    assert provider.diff(created.id, created.outs or {}, news).replaces == []
    outs = provider.update(created.id, created.outs or {}, news).outs or {}
    assert outs["tags"] == {"env": "dr"} and outs["copyTags"] is False


def test_kms_change_replaces_create_before_delete(fsx: FsxAccount, context: Context) -> None:
    source = fsx.source_backup(SRC)
    fsx.kms_key(DST, alias="alias/one")
    fsx.kms_key(DST, alias="alias/two")
    provider = BackupCopyProvider(context)
    inputs = checked(**copy_inputs(source, kmsKeyId="alias/one"))
    old = provider.create(inputs)
    news = {**inputs, "kmsKeyId": "alias/two"}

    diff = provider.diff(old.id, old.outs or {}, news)
    assert diff.changes and diff.replaces == ["kmsKeyId"] and not diff.delete_before_replace
    new = provider.create(checked(**{k: v for k, v in news.items()}))
    assert new.id != old.id
    provider.delete(old.id, old.outs or {})
    assert [b["BackupId"] for b in copies_of(fsx, source)] == [new.id]


def test_replacement_with_unchanged_inputs_makes_a_new_copy(fsx: FsxAccount, context: Context) -> None:
    source = fsx.source_backup(SRC)
    provider = BackupCopyProvider(context)
    inputs = checked(**copy_inputs(source))
    old = provider.create(inputs)
    new = provider.create(inputs)  # `pulumi up --replace`: same inputs, same resource
    assert new.id != old.id
    provider.delete(old.id, old.outs or {})
    assert [b["BackupId"] for b in copies_of(fsx, source)] == [new.id]


def test_two_resources_with_identical_inputs_get_two_copies(fsx: FsxAccount, context: Context) -> None:
    source = fsx.source_backup(SRC)
    provider = BackupCopyProvider(context)
    first = provider.create(checked(**copy_inputs(source, resourceIdentity="p/s/a")))
    second = provider.create(checked(**copy_inputs(source, resourceIdentity="p/s/b")))
    assert first.id != second.id


def test_read_sees_a_tag_changed_by_hand_as_drift(fsx: FsxAccount, context: Context) -> None:
    source = fsx.source_backup(SRC)
    provider = BackupCopyProvider(context)
    inputs = checked(**copy_inputs(source, tags={"env": "dr"}))
    created = provider.create(inputs)
    fsx.client(DST).tag_resource(ResourceARN=(created.outs or {})["arn"], Tags=[{"Key": "env", "Value": "hand"}])

    read = provider.read(created.id, created.outs or {})
    assert read.id == created.id and (read.outs or {})["tags"] == {"env": "hand"}
    # the engine's refresh Diff: olds = refreshed outputs, news = the inputs in state
    assert provider.diff(created.id, read.outs or {}, inputs).changes is True


def test_disappears(fsx: FsxAccount, context: Context) -> None:
    source = fsx.source_backup(SRC)
    provider = BackupCopyProvider(context)
    created = provider.create(checked(**copy_inputs(source)))
    fsx.client(DST).delete_backup(BackupId=created.id)
    read = provider.read(created.id, created.outs or {})
    assert read.id == "" and read.outs == {}
    provider.delete(created.id, created.outs or {})  # already gone: success


def test_get_reads_a_copy_from_its_id_and_region(fsx: FsxAccount, context: Context) -> None:
    source = fsx.source_backup(SRC)
    backup_id = fsx.client(DST).copy_backup(SourceBackupId=source, SourceRegion=SRC)["Backup"]["BackupId"]
    fsx.wait_available(DST, backup_id)
    read = BackupCopyProvider(context).read(backup_id, {"region": DST})
    outs = read.outs or {}
    assert read.id == backup_id
    assert outs["sourceBackupId"] == source and outs["sourceRegion"] == SRC and outs["region"] == DST


def test_failed_copy_is_deleted_and_the_error_has_failure_details(fsx: FsxAccount, context: Context) -> None:
    source = fsx.source_backup(SRC)
    fsx.controls.fail_next_copy("The source backup's data could not be read.")
    provider = BackupCopyProvider(context)
    with pytest.raises(BackupCopyError, match="ended FAILED: The source backup's data could not be read"):
        provider.create(checked(**copy_inputs(source)))
    assert copies_of(fsx, source) == []
    assert provider.create(checked(**copy_inputs(source))).id  # the next up makes a new copy


def test_create_timeout_leaves_the_copy_and_the_next_create_adopts_it(fsx: FsxAccount, context: Context) -> None:
    source = fsx.source_backup(SRC)
    fsx.controls.set_pace(ticks=6)
    provider = BackupCopyProvider(context)
    inputs = checked(**copy_inputs(source, customTimeouts={"create": "10s"}))
    with pytest.raises(BackupCopyError, match="next `pulumi up` adopts it"):
        provider.create(inputs)
    left = copies_of(fsx, source)
    assert len(left) == 1 and left[0]["Lifecycle"] == "COPYING"

    adopted = provider.create(checked(**copy_inputs(source)))
    assert adopted.id == left[0]["BackupId"] and len(copies_of(fsx, source)) == 1


def test_delete_waits_while_the_copy_is_in_progress(fsx: FsxAccount, clock: VirtualClock, context: Context) -> None:
    source = fsx.source_backup(SRC)
    fsx.controls.set_pace(ticks=3)
    backup_id = fsx.client(DST).copy_backup(SourceBackupId=source, SourceRegion=SRC)["Backup"]["BackupId"]

    def sleep_and_let_time_pass(seconds: float) -> None:
        VirtualClock.sleep(clock, seconds)
        fsx.lifecycle(DST, backup_id)  # someone polls: the copy moves on one tick

    clock.sleep = sleep_and_let_time_pass  # type: ignore[method-assign]
    BackupCopyProvider(context).delete(backup_id, {"region": DST})
    assert copies_of(fsx, source) == []
    assert len(clock.slept) >= 2


def test_delete_gives_up_after_the_delete_timeout(fsx: FsxAccount, context: Context) -> None:
    source = fsx.source_backup(SRC)
    fsx.controls.set_pace(ticks=1000)
    backup_id = fsx.client(DST).copy_backup(SourceBackupId=source, SourceRegion=SRC)["Backup"]["BackupId"]
    props = {"region": DST, "appliedInputs": {"region": DST, "customTimeouts": {"delete": "2m"}}}
    with pytest.raises(BackupCopyError, match="BackupInProgress for the whole delete timeout"):
        BackupCopyProvider(context).delete(backup_id, props)
    assert len(copies_of(fsx, source)) == 1


def test_49_tags_and_the_claim_make_a_copy_with_50(fsx: FsxAccount, context: Context) -> None:
    source = fsx.source_backup(SRC)
    tags = {f"k{i}": "v" for i in range(49)}
    outs = BackupCopyProvider(context).create(checked(**copy_inputs(source, tags=tags))).outs or {}
    assert outs["tags"] == tags
    [copy] = copies_of(fsx, source)
    assert len(copy["Tags"]) == 50 and claim_in(copy) is not None


def test_no_copy_is_made_without_room_for_its_claim(fsx: FsxAccount, context: Context) -> None:
    """The source's 45 tags (copyTags) and 5 of the user's leave no room: refused before CopyBackup, naming tags."""
    source = fsx.source_backup(SRC, tags={f"s{i:02d}": "v" for i in range(45)})
    inputs = checked(**copy_inputs(source, copyTags=True, tags={f"n{i}": "v" for i in range(5)}))
    with pytest.raises(BackupCopyError, match=r"would get 51 tags.*Drop 1 of your tags \(yours: n0, n1, n2, n3, n4\)"):
        BackupCopyProvider(context).create(inputs)
    assert copies_of(fsx, source) == [] and "CopyBackup" not in fsx.controls.inspect()["calls"]


def test_a_copy_kept_by_retain_on_delete_is_never_adopted_or_deleted_by_a_later_create(
    fsx: FsxAccount, monkeypatch: pytest.MonkeyPatch, context: Context
) -> None:
    """`pulumi destroy` with retainOnDelete (or `pulumi state delete`) keeps the copy and forgets it; adding the
    resource back sends the same olds-less Check and Create as a first create, with the same or other inputs."""
    source = fsx.source_backup(SRC)
    fsx.kms_key(DST, alias="alias/one")
    fsx.kms_key(DST, alias="alias/two")
    kept = BackupCopyProvider(context).create(checked(**copy_inputs(source, kmsKeyId="alias/one")))
    logged: list[str] = []
    monkeypatch.setattr(pulumi.log, "info", lambda message, *a, **k: logged.append(message))

    same = BackupCopyProvider(context).create(checked(**copy_inputs(source, kmsKeyId="alias/one")))
    other = BackupCopyProvider(context).create(checked(**copy_inputs(source, kmsKeyId="alias/two")))
    assert len({kept.id, same.id, other.id}) == 3
    assert {c["BackupId"] for c in copies_of(fsx, source)} == {kept.id, same.id, other.id}
    assert any(kept.id in line and "leaving" in line for line in logged)


def claim_in(backup: dict[str, Any]) -> Any:
    """The claim of a backup as the emulator's inspection lists it (tags as a map)."""
    from fsx_backup_copy_provider import claims

    return claims.Claim.parse(backup["Tags"].get(claims.CLAIM_TAG))


class Crash(BaseException):
    """The host is killed here: nothing after this point of create runs (BaseException: no handler catches it)."""


def create_killed_at(point: str, inputs: dict[str, Any], context: Context) -> None:
    """A create whose host dies at ``point``: "just_after_available" (the wait saw AVAILABLE, nothing after it ran)
    or "just_after_the_mark" (FSx marked the copy returned; create never returned it)."""
    fired: list[str] = []

    def after_describe(parsed: dict[str, Any], **_: Any) -> None:
        available = [b for b in parsed.get("Backups", []) if b.get("SourceBackupId") and b["Lifecycle"] == "AVAILABLE"]
        if point == "just_after_available" and available and not fired:
            fired.append(point)
            raise Crash

    def before_tag(params: dict[str, Any], **_: Any) -> None:
        marking = any(".returned" in str(t.get("Value", "")) for t in params.get("Tags", []))
        if point == "just_after_the_mark" and marking and not fired:
            fired.append("marking")

    def after_tag(**_: Any) -> None:
        if fired == ["marking"]:
            fired.append(point)
            raise Crash

    on_provider_calls("after-call.fsx.DescribeBackups", "us-west-2", after_describe)
    on_provider_calls("provide-client-params.fsx.TagResource", "us-west-2", before_tag)
    on_provider_calls("after-call.fsx.TagResource", "us-west-2", after_tag)
    with pytest.raises(Crash):
        BackupCopyProvider(context).create(inputs)
    assert fired[-1] == point


def test_rerun_after_a_crash_just_after_available_adopts_the_unfinished_copy(fsx: FsxAccount, context: Context) -> None:
    from fsx_backup_copy_provider import claims

    source = fsx.source_backup(SRC)
    inputs = checked(**copy_inputs(source))
    create_killed_at("just_after_available", inputs, context)
    [left] = copies_of(fsx, source)
    assert left["Lifecycle"] == "AVAILABLE" and claim_in(left).stage is claims.Stage.CREATING

    rerun = BackupCopyProvider(context).create(inputs)  # a new host process: nothing remembered
    [copy] = copies_of(fsx, source)
    assert rerun.id == copy["BackupId"] == left["BackupId"]
    assert claim_in(copy).stage is claims.Stage.RETURNED


def test_a_crash_after_the_copy_was_marked_returned_leaves_it_findable_and_reported(
    fsx: FsxAccount, monkeypatch: pytest.MonkeyPatch, context: Context
) -> None:
    """The one window left (claims.py): the copy is marked returned, the engine never saved the answer."""
    from fsx_backup_copy_provider import claims

    source = fsx.source_backup(SRC)
    inputs = checked(**copy_inputs(source))
    create_killed_at("just_after_the_mark", inputs, context)
    [leftover] = copies_of(fsx, source)
    logged: list[str] = []
    monkeypatch.setattr(pulumi.log, "info", lambda message, *a, **k: logged.append(message))

    rerun = BackupCopyProvider(context).create(inputs)
    assert rerun.id != leftover["BackupId"]
    assert {c["BackupId"] for c in copies_of(fsx, source)} == {leftover["BackupId"], rerun.id}  # never deleted
    assert any(leftover["BackupId"] in line and "leaving" in line for line in logged)
    found = claim_in(leftover)
    assert found is not None and found.identity == claims.identity_hash("proj/dev/copy")  # findable by its tag


def test_claim_tag_says_creating_while_copying_and_returned_once_handed_over(fsx: FsxAccount, context: Context) -> None:
    from fsx_backup_copy_provider import claims

    source = fsx.source_backup(SRC)
    fsx.controls.set_pace(ticks=6)
    with pytest.raises(BackupCopyError, match="left running"):
        BackupCopyProvider(context).create(checked(**copy_inputs(source, customTimeouts={"create": "10s"})))
    [copying] = copies_of(fsx, source)
    assert claim_in(copying).stage is claims.Stage.CREATING
    fsx.controls.set_pace(ticks=1)
    BackupCopyProvider(context).create(checked(**copy_inputs(source)))
    [done] = copies_of(fsx, source)
    assert claim_in(done).stage is claims.Stage.RETURNED


def test_get_of_a_backup_that_does_not_exist_names_the_id_and_region(fsx: FsxAccount, context: Context) -> None:
    with pytest.raises(BackupCopyError) as caught:
        BackupCopyProvider(context).read("backup-0123456789abcdef0", {"region": DST})
    assert "backup-0123456789abcdef0" in str(caught.value) and DST in str(caught.value)


def test_outputs_hold_no_input_value_under_another_key(fsx: FsxAccount, context: Context) -> None:
    """The engine re-marks an output secret only when its key equals a secret input's key (annotateSecrets)."""
    source = fsx.source_backup(SRC)
    fsx.kms_key(DST, alias="alias/secret-key")
    inputs = checked(**copy_inputs(source, kmsKeyId="alias/secret-key", tags={"pw": "hunter2"}))
    outs = BackupCopyProvider(context).create(inputs).outs or {}
    for key, value in outs.items():
        for secret_input in ("kmsKeyId", "sourceBackupId", "tags"):
            if key != secret_input:
                assert str(inputs[secret_input]) not in str(value) or str(value) == str(outs.get(secret_input)), key
    assert "alias/secret-key" not in str(outs) and "hunter2" not in str({k: v for k, v in outs.items() if k != "tags"})
