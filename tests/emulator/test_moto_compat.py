"""Stock moto FSx behaviour that the real service shares keeps working with the emulator installed.

Deliberate differences (BackupNotFound instead of [] or ResourceNotFoundException, FileSystemNotFound on
CreateBackup) are listed with sources in emulator/README.md and asserted in test_copy_backup.py.
"""

import boto3
import pytest

from tests.support import FsxAccount

REGION = "us-east-1"


@pytest.fixture
def fsx(inprocess_account: FsxAccount) -> object:
    # Backups finish at once here: FSx refuses a second backup of a file system while one is in progress.
    inprocess_account.controls.set_pace(ticks=0, model="fsx::backup")
    return inprocess_account.client(REGION)


def _file_system(fsx: object, tags: list[dict[str, str]] | None = None) -> str:
    fs = fsx.create_file_system(  # type: ignore[attr-defined]
        FileSystemType="LUSTRE",
        StorageCapacity=1200,
        SubnetIds=["subnet-0123456789abcdef0"],
        Tags=tags or [{"Key": "Name", "Value": "fs"}],
    )
    return str(fs["FileSystem"]["FileSystemId"])


def test_file_systems_create_describe_delete(fsx: object) -> None:
    fs_id = _file_system(fsx)
    assert fs_id.startswith("fs-")
    described = fsx.describe_file_systems(FileSystemIds=[fs_id])["FileSystems"]  # type: ignore[attr-defined]
    assert described[0]["FileSystemType"] == "LUSTRE"
    assert fsx.delete_file_system(FileSystemId=fs_id)["Lifecycle"] == "DELETING"  # type: ignore[attr-defined]


def test_backups_listing_and_filters(fsx: object) -> None:
    first, second = _file_system(fsx), _file_system(fsx)
    for fs_id in (first, first, second):
        fsx.create_backup(FileSystemId=fs_id)  # type: ignore[attr-defined]
    assert len(fsx.describe_backups()["Backups"]) == 3  # type: ignore[attr-defined]
    filtered = fsx.describe_backups(Filters=[{"Name": "file-system-id", "Values": [first]}])  # type: ignore[attr-defined]
    assert len(filtered["Backups"]) == 2
    by_type = fsx.describe_backups(Filters=[{"Name": "backup-type", "Values": ["USER_INITIATED"]}])  # type: ignore[attr-defined]
    assert len(by_type["Backups"]) == 3


def test_backups_paginate(fsx: object) -> None:
    fs_id = _file_system(fsx)
    for _ in range(5):
        fsx.create_backup(FileSystemId=fs_id)  # type: ignore[attr-defined]
    pages = fsx.get_paginator("describe_backups").paginate(PaginationConfig={"PageSize": 2})  # type: ignore[attr-defined]
    assert sum(len(page["Backups"]) for page in pages) == 5


def test_resource_groups_tagging_api_sees_backups(inprocess_account: FsxAccount, fsx: object) -> None:
    fs_id = _file_system(fsx)
    fsx.create_backup(FileSystemId=fs_id, Tags=[{"Key": "team", "Value": "storage"}])  # type: ignore[attr-defined]
    tagging = boto3.client("resourcegroupstaggingapi", region_name=REGION)
    resources = tagging.get_resources(ResourceTypeFilters=["fsx:backup"])["ResourceTagMappingList"]
    assert [r["Tags"] for r in resources] == [[{"Key": "team", "Value": "storage"}]]
