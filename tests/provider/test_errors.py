"""Every CopyBackup error, and missing credentials, become one paragraph naming the resource, the code and a fix."""

from collections.abc import Callable
from typing import Any

import botocore.endpoint
import pytest

from fsx_backup_copy_provider import BackupCopyProvider
from fsx_backup_copy_provider.context import Context
from fsx_backup_copy_provider.errors import BackupCopyError
from tests.provider.conftest import copy_inputs, on_provider_calls
from tests.support import FsxAccount

SRC, DST = "us-east-2", "us-west-2"


def _unknown_source(fsx: FsxAccount) -> dict[str, Any]:
    return copy_inputs("backup-0123456789abcdef0")


def _injected(code: str) -> Callable[[FsxAccount], dict[str, Any]]:
    def scenario(fsx: FsxAccount) -> dict[str, Any]:
        source = fsx.source_backup(SRC)
        fsx.controls.inject_fault("CopyBackup", code, count=20, message=f"Injected {code} for the test.")
        return copy_inputs(source)

    return scenario


def _multi_az(fsx: FsxAccount) -> dict[str, Any]:
    fsx.controls.configure(regions_without_multi_az_windows=[DST])
    return copy_inputs(fsx.source_backup(SRC, fs_type="WINDOWS", windows_deployment="MULTI_AZ_1"))


def _bad_destination_key(fsx: FsxAccount) -> dict[str, Any]:
    return copy_inputs(fsx.source_backup(SRC), kmsKeyId="alias/does-not-exist")


def _opt_in_region(fsx: FsxAccount) -> dict[str, Any]:
    return copy_inputs(fsx.source_backup(SRC), region="af-south-1")


def _disabled_source_key(fsx: FsxAccount) -> dict[str, Any]:
    key = fsx.kms_key(SRC)
    source = fsx.source_backup(SRC, kms_key_id=key["Arn"])
    fsx.client(SRC, "kms").disable_key(KeyId=key["KeyId"])
    return copy_inputs(source)


def _limit(fsx: FsxAccount) -> dict[str, Any]:
    source = fsx.source_backup(SRC)
    fsx.controls.configure(max_copies_in_progress=0)
    return copy_inputs(source, customTimeouts={"create": "10m"})


def _source_not_available(fsx: FsxAccount) -> dict[str, Any]:
    fsx.controls.set_pace(ticks=100, model="fsx::backup")
    client = fsx.client(SRC)
    fs = client.create_file_system(
        FileSystemType="LUSTRE", StorageCapacity=1200, SubnetIds=["subnet-0123456789abcdef0"]
    )
    return copy_inputs(client.create_backup(FileSystemId=fs["FileSystem"]["FileSystemId"])["Backup"]["BackupId"])


def _ontap(fsx: FsxAccount) -> dict[str, Any]:
    return copy_inputs(fsx.source_backup(SRC, fs_type="ONTAP"))


SCENARIOS: dict[str, tuple[Callable[[FsxAccount], dict[str, Any]], str]] = {
    "BackupNotFound": (_unknown_source, "Check sourceBackupId and sourceRegion"),
    "BadRequest": (_injected("BadRequest"), "malformed"),
    "IncompatibleParameterError": (_injected("IncompatibleParameterError"), "same client request token"),
    "IncompatibleRegionForMultiAZ": (_multi_az, "Multi-AZ"),
    "InternalServerError": (_injected("InternalServerError"), "internal error"),
    "InvalidDestinationKmsKey": (_bad_destination_key, "enabled symmetric key in us-west-2"),
    "InvalidRegion": (_opt_in_region, "same partition"),
    "InvalidSourceKmsKey": (_disabled_source_key, "Re-enable the key"),
    "ServiceLimitExceeded": (_limit, "at most 5 copies in progress"),
    "SourceBackupUnavailable": (_source_not_available, "not AVAILABLE yet"),
    "UnsupportedOperation": (_ontap, "ONTAP"),
}


@pytest.mark.parametrize("code", sorted(SCENARIOS))
def test_copy_backup_error_is_one_clear_paragraph(
    fsx: FsxAccount, code: str, monkeypatch: pytest.MonkeyPatch, context: Context
) -> None:
    monkeypatch.setattr(botocore.endpoint.time, "sleep", lambda seconds: None)  # botocore's retry backoff
    scenario, advice = SCENARIOS[code]
    inputs = BackupCopyProvider(context).check({}, scenario(fsx)).inputs
    with pytest.raises(BackupCopyError) as caught:
        BackupCopyProvider(context).create(inputs)
    message = str(caught.value)
    assert message.startswith("BackupCopy 'copy': CopyBackup failed with " + code), message
    assert advice in message
    assert "\n" not in message and "Traceback" not in message
    assert caught.value.__cause__ is None and caught.value.__suppress_context__
    assert [b for b in fsx.backups() if b["SourceBackupId"]] == []  # nothing left behind


def test_missing_credentials(monkeypatch: pytest.MonkeyPatch, context: Context) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # never reached: signing fails first
    with pytest.raises(BackupCopyError) as caught:
        BackupCopyProvider(context).create(copy_inputs("backup-0123456789abcdef0"))
    message = str(caught.value)
    # The first AWS call of a create reads the source backup; the message names that call.
    assert message.startswith(
        "BackupCopy 'copy': DescribeBackups of the source backup in us-east-2 failed: no usable AWS credentials were "
        "found."
    ), message
    assert "AWS_PROFILE" in message and "\n" not in message


def test_unknown_profile(monkeypatch: pytest.MonkeyPatch, context: Context) -> None:
    provider = BackupCopyProvider(context)
    provider._config_profile = "no-such-profile"  # what configure() stores from aws:profile
    with pytest.raises(BackupCopyError, match="profile named in aws:profile or AWS_PROFILE does not exist"):
        provider.create(copy_inputs("backup-0123456789abcdef0"))


def test_copy_tags_over_fifty_tags_is_refused_before_copying(fsx: FsxAccount, context: Context) -> None:
    """30 source tags (copyTags) plus 30 of the user's: one clear message, no copy started, no misleading warning."""
    source = fsx.source_backup(SRC, tags={f"s{i}": "v" for i in range(30)})
    inputs = copy_inputs(source, copyTags=True, tags={f"n{i}": "v" for i in range(30)})
    with pytest.raises(BackupCopyError) as caught:
        BackupCopyProvider(context).create(BackupCopyProvider(context).check({}, inputs).inputs)
    yours = ", ".join(sorted(f"n{i}" for i in range(30)))
    theirs = ", ".join(sorted(f"s{i}" for i in range(30)))
    assert str(caught.value) == (
        "BackupCopy 'copy': nothing was copied: the copy would get 61 tags: 30 of yours, 30 of the source backup's "
        "(copyTags) and the provider's claim tag, which every copy carries; FSx allows 50. Drop 11 of your tags "
        f"(yours: {yours}); or set copyTags to false to leave out the source's 30 ({theirs})."
    )
    assert [b for b in fsx.backups() if b["SourceBackupId"]] == []
    assert "CopyBackup" not in fsx.controls.inspect()["calls"]


def test_an_error_from_tag_resource_inside_create_names_that_call(
    fsx: FsxAccount, monkeypatch: pytest.MonkeyPatch, context: Context
) -> None:
    monkeypatch.setattr(botocore.endpoint.time, "sleep", lambda seconds: None)
    source = fsx.source_backup(SRC)
    fsx.controls.inject_fault("TagResource", "ResourceNotFound", count=20, message="Injected for the test.")
    with pytest.raises(BackupCopyError) as caught:
        BackupCopyProvider(context).create(
            BackupCopyProvider(context).check({}, copy_inputs(source, tags={"env": "dr"})).inputs
        )
    message = str(caught.value)
    assert message.startswith(
        "BackupCopy 'copy': TagResource (marking the copy as handed to Pulumi) failed with ResourceNotFound"
    ), message
    assert "CopyBackup" not in message


def test_a_copy_deleted_between_available_and_the_final_read_gives_the_usual_message(
    fsx: FsxAccount, context: Context
) -> None:
    source = fsx.source_backup(SRC)

    def someone_deletes_it(parsed: dict[str, Any], **_: Any) -> None:
        for backup in parsed.get("Backups", []):
            if backup.get("SourceBackupId") == source and backup["Lifecycle"] == "AVAILABLE":
                fsx.client(DST).delete_backup(BackupId=backup["BackupId"])  # the moment the waiter sees AVAILABLE

    on_provider_calls("after-call.fsx.DescribeBackups", DST, someone_deletes_it)
    with pytest.raises(BackupCopyError, match="was deleted by someone else while it was being made"):
        BackupCopyProvider(context).create(BackupCopyProvider(context).check({}, copy_inputs(source)).inputs)
