"""FindBackupByID: one DescribeBackups; "not found" is one outcome, whether FSx says BackupNotFound or DELETED."""

from typing import Any

from botocore.exceptions import ClientError

from .claims import CLAIM_TAG


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


def find_claimed(fsx: Any) -> list[dict[str, Any]]:
    """Every backup in the client's Region that carries a claim tag (claims.py).

    DescribeBackups without BackupIds "returns all backups owned by your Amazon Web Services account in the Amazon
    Web Services Region of the endpoint that you're calling", paginated by NextToken, each with its Tags (the FSx API
    reference, DescribeBackups and Backup). No filter is used: which backups the file-system-id or backup-type filters
    match for a cross-Region copy is not documented (emulator/README.md, "How the claim lookup is documented").
    """
    pages = fsx.get_paginator("describe_backups").paginate()
    return [
        backup
        for page in pages
        for backup in page["Backups"]
        if any(tag.get("Key") == CLAIM_TAG for tag in backup.get("Tags") or [])
    ]
