"""find_latest_backup: the newest AVAILABLE matching backup, or a clear error; never None."""

from typing import Any

import pulumi
import pytest
from botocore.stub import Stubber

from fsx_backup_copy_provider import aws
from pulumi_fsx_backup_copy import (
    BackupLookupError,
    LatestBackup,
    NoBackupFoundError,
    find_latest_backup,
    find_latest_backup_output,
)
from tests.support import ACCOUNT_ID, FsxAccount

REGION = "us-east-2"


def new_file_system(account: FsxAccount, region: str = REGION) -> str:
    fs = account.client(region).create_file_system(
        FileSystemType="LUSTRE", StorageCapacity=1200, SubnetIds=["subnet-0123456789abcdef0"]
    )
    return str(fs["FileSystem"]["FileSystemId"])


def backup(account: FsxAccount, file_system_id: str, tags: dict[str, str] | None = None, **attrs: Any) -> str:
    """An AVAILABLE backup; ``attrs`` set what the emulator's CreateBackup cannot (Type, volume) in-process."""
    extra = {"Tags": [{"Key": k, "Value": v} for k, v in tags.items()]} if tags else {}
    made = account.client(REGION).create_backup(FileSystemId=file_system_id, **extra)["Backup"]
    account.wait_available(REGION, made["BackupId"])
    if attrs:
        from moto.fsx.models import fsx_backends

        stored = fsx_backends[ACCOUNT_ID][REGION].backups[made["BackupId"]]
        for name, value in attrs.items():
            setattr(stored, name, value)
    return str(made["BackupId"])


def test_newest_available_backup_of_the_file_system(fsx: FsxAccount) -> None:
    fs, other = new_file_system(fsx), new_file_system(fsx)
    older = backup(fsx, fs)
    newest = backup(fsx, fs, tags={"team": "storage"})
    backup(fsx, other)  # newer, but another file system
    fsx.controls.set_pace(ticks=100, model="fsx::backup")
    fsx.client(REGION).create_backup(FileSystemId=fs)  # newer still, but CREATING

    found = find_latest_backup(file_system_id=fs, region=REGION)

    assert isinstance(found, LatestBackup)
    assert found.backup_id == found.id == newest != older
    assert found.file_system_id == fs and found.region == REGION and found.backup_type == "USER_INITIATED"
    assert found.tags == {"team": "storage"} and found.arn.endswith(newest)
    assert found.creation_time.tzinfo is not None
    described = fsx.client(REGION).describe_backups(BackupIds=[newest])["Backups"][0]
    assert found.creation_time == described["CreationTime"]


def test_backup_types_select_automatic_or_user_initiated(fsx: FsxAccount) -> None:
    fs = new_file_system(fsx)
    user = backup(fsx, fs)
    automatic = backup(fsx, fs, backup_type="AUTOMATIC")
    backup(fsx, fs, backup_type="AWS_BACKUP")  # newest, excluded by default

    assert find_latest_backup(file_system_id=fs, region=REGION).backup_id == automatic
    assert find_latest_backup(fs, region=REGION, backup_types=["USER_INITIATED"]).backup_id == user
    assert find_latest_backup(fs, region=REGION, backup_types=["AUTOMATIC"]).backup_type == "AUTOMATIC"
    with pytest.raises(ValueError, match="backup_types"):
        find_latest_backup(fs, region=REGION, backup_types=["NIGHTLY"])


def test_tags_must_all_match(fsx: FsxAccount) -> None:
    fs = new_file_system(fsx)
    nightly = backup(fsx, fs, tags={"schedule": "nightly", "team": "storage"})
    backup(fsx, fs, tags={"schedule": "hourly", "team": "storage"})
    backup(fsx, fs)

    assert find_latest_backup(fs, region=REGION, tags={"schedule": "nightly"}).backup_id == nightly
    assert find_latest_backup(fs, region=REGION, tags={"schedule": "nightly", "team": "storage"}).backup_id == nightly
    with pytest.raises(NoBackupFoundError, match="schedule=nightly, team=ops"):
        find_latest_backup(fs, region=REGION, tags={"schedule": "nightly", "team": "ops"})


def test_volume_selects_that_volumes_backups(fsx: FsxAccount) -> None:
    fs = new_file_system(fsx)
    of_volume = backup(fsx, fs, volume_id="fsvol-0123456789abcdef0")
    backup(fsx, fs, volume_id="fsvol-0fedcba9876543210")  # newer, another volume
    backup(fsx, fs)

    assert find_latest_backup(volume_id="fsvol-0123456789abcdef0", region=REGION).backup_id == of_volume
    with pytest.raises(NoBackupFoundError, match="volume fsvol-00000000000000000"):
        find_latest_backup(volume_id="fsvol-00000000000000000", region=REGION)


def test_no_match_is_an_error_not_none(fsx: FsxAccount) -> None:
    fs = new_file_system(fsx)
    with pytest.raises(NoBackupFoundError) as raised:
        find_latest_backup(file_system_id=fs, region=REGION)
    assert fs in str(raised.value) and REGION in str(raised.value)
    assert isinstance(raised.value, BackupLookupError)


def test_access_denied_is_a_clear_error(fsx: FsxAccount) -> None:
    # The emulator cannot answer AccessDeniedException, so botocore's own Stubber plays the refusal on the very
    # client the look-up uses (the provider's cached client).
    client = aws.client("fsx", REGION, None)
    with Stubber(client) as stub:
        stub.add_client_error(
            "describe_backups",
            service_error_code="AccessDeniedException",
            service_message="User is not authorized to perform: fsx:DescribeBackups",
            http_status_code=400,
        )
        with pytest.raises(BackupLookupError) as raised:
            find_latest_backup(file_system_id="fs-0123456789abcdef0", region=REGION)
    message = str(raised.value)
    assert not isinstance(raised.value, NoBackupFoundError)
    assert "AccessDeniedException" in message and "fsx:DescribeBackups" in message and REGION in message


def test_a_failed_describe_is_an_error_not_an_empty_answer(fsx: FsxAccount) -> None:
    fs = new_file_system(fsx)
    backup(fsx, fs)
    fsx.controls.inject_fault("DescribeBackups", "BadRequest", message="Injected refusal")
    with pytest.raises(BackupLookupError, match=r"BadRequest.*Injected refusal") as raised:
        find_latest_backup(file_system_id=fs, region=REGION)
    assert not isinstance(raised.value, NoBackupFoundError)


def test_region_from_stack_config_then_environment(fsx: FsxAccount, monkeypatch: pytest.MonkeyPatch) -> None:
    fs = new_file_system(fsx)
    made = backup(fsx, fs)
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    with pytest.raises(BackupLookupError, match="aws:region"):
        find_latest_backup(file_system_id=fs)
    monkeypatch.setenv("AWS_REGION", REGION)
    assert find_latest_backup(file_system_id=fs).backup_id == made
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    pulumi.runtime.set_all_config({"aws:region": REGION})
    try:
        assert find_latest_backup(file_system_id=fs).region == REGION  # stack config wins over AWS_REGION
    finally:
        pulumi.runtime.set_all_config({})


def test_endpoint_url_reaches_a_separate_emulator(server_account: FsxAccount, monkeypatch: pytest.MonkeyPatch) -> None:
    assert server_account.endpoint_url
    monkeypatch.setenv("AWS_ENDPOINT_URL", server_account.endpoint_url)
    made = server_account.source_backup(REGION)
    assert find_latest_backup(region=REGION).backup_id == made


class NoResources(pulumi.runtime.Mocks):
    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], None]:
        return {}, None


@pytest.fixture
def mocks() -> None:
    pulumi.runtime.set_mocks(NoResources(), project="proj", stack="dev", preview=False)


@pulumi.runtime.test
def test_output_form_takes_outputs(fsx: FsxAccount, mocks: None) -> Any:
    fs = new_file_system(fsx)
    made = backup(fsx, fs, tags={"schedule": "nightly"})
    found = find_latest_backup_output(
        file_system_id=pulumi.Output.from_input(fs),
        region=REGION,
        tags=pulumi.Output.from_input({"schedule": "nightly"}),
    )

    def check(result: LatestBackup) -> None:
        assert result.backup_id == made and result.tags == {"schedule": "nightly"}

    return found.apply(check)


def test_copies_and_backups_this_tool_tagged_are_never_the_latest(fsx: FsxAccount) -> None:
    fs = new_file_system(fsx)
    own = backup(fsx, fs)
    in_region_copy = fsx.client(REGION).copy_backup(SourceBackupId=own, SourceRegion=REGION)["Backup"]["BackupId"]
    fsx.wait_available(REGION, in_region_copy)  # newer, a copy (it has a SourceBackupId)
    backup(fsx, fs, tags={"pulumi-fsx-rotation:name": "proj/dev/dr"})  # newer, tagged by this tool
    backup(fsx, fs, tags={"pulumi-fsx-backup-copy:claim": "a.b.returned"})

    found = find_latest_backup(file_system_id=fs, region=REGION)

    assert found.backup_id == own and found.source_backup_id is None


def test_bad_arguments_fail_before_any_aws_call(fsx: FsxAccount) -> None:
    before = dict(fsx.controls.inspect()["calls"])
    with pytest.raises(ValueError, match="region 'us-west-9' is not a Region where FSx is available") as raised:
        find_latest_backup(file_system_id="fs-0123456789abcdef0", region="us-west-9")
    assert isinstance(raised.value, pulumi.RunError)
    with pytest.raises(ValueError, match="file_system_id 'fs-xyz' is not an FSx file system id"):
        find_latest_backup(file_system_id="fs-xyz", region=REGION)
    with pytest.raises(ValueError, match="volume_id 'vol-1' is not an FSx volume id"):
        find_latest_backup(volume_id="vol-1", region=REGION)
    assert dict(fsx.controls.inspect()["calls"]) == before


def test_under_mocks_without_the_emulator_it_fails_at_once(monkeypatch: pytest.MonkeyPatch, mocks: None) -> None:
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL_FSX", raising=False)
    with pytest.raises(BackupLookupError, match="find_latest_backup: DescribeBackups in us-east-2 would call AWS"):
        find_latest_backup(file_system_id="fs-0123456789abcdef0", region=REGION)
    assert aws.cached_clients() == 0


def test_a_failed_look_up_is_one_paragraph(fsx: FsxAccount) -> None:
    fs = new_file_system(fsx)
    fsx.controls.inject_fault("DescribeBackups", "BadRequest", message="Injected refusal")
    with pytest.raises(BackupLookupError) as raised:
        find_latest_backup(file_system_id=fs, region=REGION)
    assert isinstance(raised.value, pulumi.RunError)
    assert raised.value.__cause__ is None and raised.value.__suppress_context__
