"""Amazon FSx backup copies as a Pulumi resource: ``from pulumi_fsx_backup_copy import BackupCopy, BackupCopyArgs``."""

from .backup_copy import BackupCopy, BackupCopyArgs

__all__ = ["BackupCopy", "BackupCopyArgs"]
