"""Amazon FSx backup copies as a Pulumi resource: ``from pulumi_fsx_backup_copy import BackupCopy, BackupCopyArgs``.

Also: ``find_latest_backup`` / ``find_latest_backup_output`` (the newest AVAILABLE backup, at program time) and
``BackupCopyRotation`` (keep copies of the newest K backups of a file system in DR Regions).
"""

from .backup_copy import BackupCopy, BackupCopyArgs, BackupCopyArgsError
from .latest import (
    BackupLookupError,
    LatestBackup,
    NoBackupFoundError,
    find_latest_backup,
    find_latest_backup_output,
)
from .rotation import BackupCopyRotation, RotationArgsError, RotationError

__all__ = [
    "BackupCopy",
    "BackupCopyArgs",
    "BackupCopyArgsError",
    "BackupCopyRotation",
    "BackupLookupError",
    "LatestBackup",
    "NoBackupFoundError",
    "RotationArgsError",
    "RotationError",
    "find_latest_backup",
    "find_latest_backup_output",
]
