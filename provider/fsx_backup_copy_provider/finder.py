"""FindBackupByID: one DescribeBackups; "not found" is one outcome, whether FSx says BackupNotFound or DELETED."""

from typing import Any

from botocore.exceptions import ClientError


class BackupGone(Exception):
    def __init__(self, backup_id: str) -> None:
        super().__init__(f"backup {backup_id} does not exist")
        self.backup_id = backup_id


def find_backup(fsx: Any, backup_id: str) -> dict[str, Any]:
    try:
        backups = fsx.describe_backups(BackupIds=[backup_id])["Backups"]
    except ClientError as error:
        if error.response["Error"]["Code"] == "BackupNotFound":
            raise BackupGone(backup_id) from None
        raise
    if not backups or backups[0].get("Lifecycle") == "DELETED":
        raise BackupGone(backup_id)
    backup: dict[str, Any] = backups[0]
    return backup


def find_copies_of(fsx: Any, file_system_id: str) -> list[dict[str, Any]]:
    """User-initiated backups of a file system in the client's Region (copies keep the source's FileSystemId)."""
    pages = fsx.get_paginator("describe_backups").paginate(
        Filters=[
            {"Name": "file-system-id", "Values": [file_system_id]},
            {"Name": "backup-type", "Values": ["USER_INITIATED"]},
        ]
    )
    return [backup for page in pages for backup in page["Backups"] if backup.get("SourceBackupId")]
