"""Documented FSx behaviours and wire details the emulator adds to moto (issue 15, and the emulator part of 13).

Each runs in-process and against a separate fsx-emulator process (the ``account`` fixture); the suite-wide wire
check (tests/conftest.py) validates every response these tests make the emulator send.
"""

import json
import re
import urllib.request
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.support import FsxAccount

REGION = "us-east-1"


def error_of(call: Any, **kwargs: Any) -> dict[str, Any]:
    with pytest.raises(ClientError) as raised:
        call(**kwargs)
    response: dict[str, Any] = raised.value.response
    return response


def new_file_system(fsx: Any, **extra: Any) -> dict[str, Any]:
    created: dict[str, Any] = fsx.create_file_system(
        FileSystemType=extra.pop("FileSystemType", "LUSTRE"),
        StorageCapacity=1200,
        SubnetIds=["subnet-0123456789abcdef0"],
        **extra,
    )["FileSystem"]
    return created


def test_file_system_ids_have_17_hex_digits(account: FsxAccount) -> None:
    fs_id = new_file_system(account.client(REGION))["FileSystemId"]
    assert re.fullmatch(r"fs-[0-9a-f]{17}", fs_id)


def test_arns_use_the_regions_partition(account: FsxAccount) -> None:
    source = account.source_backup("cn-north-1")
    backup = account.client("cn-north-1").describe_backups(BackupIds=[source])["Backups"][0]
    assert backup["ResourceARN"].startswith("arn:aws-cn:fsx:cn-north-1:")
    assert backup["FileSystem"]["ResourceARN"].startswith("arn:aws-cn:fsx:cn-north-1:")


def test_absent_members_are_omitted_and_request_only_members_not_echoed(account: FsxAccount) -> None:
    fsx = account.client(REGION)
    lustre = new_file_system(fsx, LustreConfiguration={"ImportPath": "s3://bucket/prefix"})
    zfs = new_file_system(
        fsx,
        FileSystemType="OPENZFS",
        OpenZFSConfiguration={
            "DeploymentType": "SINGLE_AZ_1",
            "ThroughputCapacity": 64,
            "RootVolumeConfiguration": {"RecordSizeKiB": 128},
        },
    )
    assert "ImportPath" not in lustre.get("LustreConfiguration", {})
    assert "RootVolumeConfiguration" not in zfs.get("OpenZFSConfiguration", {})
    assert "Tags" not in lustre  # no tags: omitted, not [] (the model's Tags has min 1)

    account.controls.set_pace(ticks=0, model="fsx::backup")
    fsx.create_backup(FileSystemId=lustre["FileSystemId"])
    page = fsx.describe_backups()
    assert "NextToken" not in page  # last page: omitted, not null
    assert "ImportPath" not in page["Backups"][0]["FileSystem"].get("LustreConfiguration", {})


def test_responses_are_json_1_1(server_account: FsxAccount) -> None:
    fsx = server_account.client(REGION)
    seen: list[str] = []
    fsx.meta.events.register(
        "after-call.fsx", lambda http_response, **_: seen.append(http_response.headers["Content-Type"])
    )
    fsx.describe_backups()
    error_of(fsx.delete_backup, BackupId="backup-0123456789abcdef0")
    assert seen == ["application/x-amz-json-1.1", "application/x-amz-json-1.1"]


def test_create_backup_while_one_is_in_progress_is_refused(account: FsxAccount) -> None:
    fsx = account.client(REGION)
    fs_id = new_file_system(fsx)["FileSystemId"]
    account.controls.set_pace(ticks=2, model="fsx::backup")
    first = fsx.create_backup(FileSystemId=fs_id)["Backup"]["BackupId"]
    refused = error_of(fsx.create_backup, FileSystemId=fs_id)
    assert refused["Error"]["Code"] == "BackupInProgress"
    assert first in refused["Error"]["Message"]
    account.wait_available(REGION, first)
    assert fsx.create_backup(FileSystemId=fs_id)["Backup"]["BackupId"] != first


def test_create_backup_of_an_unknown_volume(account: FsxAccount) -> None:
    fsx = account.client(REGION)
    refused = error_of(fsx.create_backup, VolumeId="fsvol-0123456789abcdef0")
    assert refused["Error"]["Code"] == "VolumeNotFound"
    assert isinstance(refused["Error"]["Message"], str)


def test_backup_ids_override_filters(account: FsxAccount) -> None:
    source = account.source_backup(REGION)
    fsx = account.client(REGION)
    found = fsx.describe_backups(
        BackupIds=[source], Filters=[{"Name": "file-system-id", "Values": ["fs-0123456789abcdef0"]}]
    )["Backups"]
    assert [b["BackupId"] for b in found] == [source]


@pytest.mark.parametrize(
    ("operation", "call", "error", "member"),
    [
        ("DeleteBackup", "delete_backup", "BackupRestoring", "FileSystemId"),
        ("CreateBackup", "create_backup", "VolumeNotFound", None),
    ],
)
def test_documented_errors_can_be_injected(
    account: FsxAccount, operation: str, call: str, error: str, member: str | None
) -> None:
    source = account.source_backup(REGION)
    fsx = account.client(REGION)
    account.controls.inject_fault(operation, error)
    kwargs = {"BackupId": source} if call == "delete_backup" else {"FileSystemId": "fs-0123456789abcdef0"}
    refused = error_of(getattr(fsx, call), **kwargs)
    assert refused["Error"]["Code"] == error
    if member:
        assert refused[member].startswith("fs-")
    assert getattr(fsx.exceptions, error)  # botocore knows it: client.exceptions.<Code> matches


def test_throttling_is_a_json_client_error_botocore_retries(account: FsxAccount) -> None:
    fsx = account.client(REGION, attempts=3)
    account.controls.inject_fault("DescribeBackups", "ThrottlingException", count=2)
    assert fsx.describe_backups()["Backups"] == []  # retried twice, then answered
    fsx_once = account.client(REGION)
    account.controls.inject_fault("DescribeBackups", "ThrottlingException")
    throttled = error_of(fsx_once.describe_backups)
    assert throttled["Error"] == {"Code": "ThrottlingException", "Message": "Rate exceeded"}
    assert throttled["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_a_bad_next_token_is_a_bad_request(account: FsxAccount) -> None:
    refused = error_of(
        account.client(REGION).describe_backups, NextToken="bm90LWEtdG9rZW4="
    )  # base64, as the model requires, but no token moto gave
    assert refused["Error"]["Code"] == "BadRequest"
    assert "NextToken" in refused["Error"]["Message"]


def test_tag_resource_over_50_tags_is_an_error_its_model_lists(account: FsxAccount) -> None:
    source = account.source_backup(REGION, tags={"team": "storage"})
    fsx = account.client(REGION)
    arn = fsx.describe_backups(BackupIds=[source])["Backups"][0]["ResourceARN"]
    refused = error_of(fsx.tag_resource, ResourceARN=arn, Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(50)])
    listed = {e.name for e in fsx.meta.service_model.operation_model("TagResource").error_shapes}
    assert refused["Error"]["Code"] in listed
    assert refused["Error"]["Code"] == "BadRequest"


def test_an_unknown_region_is_a_client_error_naming_it(account: FsxAccount) -> None:
    refused = error_of(account.client("us-west-9").describe_backups)
    assert refused["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert refused["Error"]["Code"] == "BadRequest"
    assert "us-west-9" in refused["Error"]["Message"]


def test_set_pace_applies_to_copies_started_after_it(account: FsxAccount) -> None:
    source = account.source_backup("us-east-2")
    fsx = account.client("us-west-2")
    account.controls.set_pace(ticks=1000)
    slow = fsx.copy_backup(SourceBackupId=source, SourceRegion="us-east-2")["Backup"]["BackupId"]
    account.controls.set_pace(ticks=1)
    fast = fsx.copy_backup(SourceBackupId=source, SourceRegion="us-east-2")["Backup"]["BackupId"]
    assert account.wait_available("us-west-2", fast)["Lifecycle"] == "AVAILABLE"
    for _ in range(5):
        assert account.lifecycle("us-west-2", slow) == "COPYING"


def test_unsigned_requests_are_not_answered_as_s3(emulator_process: Any) -> None:
    request = urllib.request.Request(
        f"{emulator_process.endpoint}/",
        data=b"{}",
        method="POST",
        headers={
            "X-Amz-Target": "AWSSimbaAPIService_v20180301.DescribeBackups",
            "Content-Type": "application/x-amz-json-1.1",
        },
    )
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(request, timeout=30)
    assert raised.value.code == 403
    assert json.loads(raised.value.read())["__type"] == "MissingAuthenticationTokenException"


def test_set_pace_in_progress_changes_copies_already_running(account: FsxAccount) -> None:
    source = account.source_backup("us-east-2")
    fsx = account.client("us-west-2")
    account.controls.set_pace(ticks=1000)
    held = fsx.copy_backup(SourceBackupId=source, SourceRegion="us-east-2")["Backup"]["BackupId"]
    assert account.lifecycle("us-west-2", held) == "COPYING"
    account.controls.set_pace(ticks=1, in_progress=True)
    assert account.wait_available("us-west-2", held)["Lifecycle"] == "AVAILABLE"
