"""The engine-side code of BackupCopy: FSx calls, waiting, and check/diff/CRUD for the dynamic host."""

from .provider import BackupCopyProvider

__all__ = ["BackupCopyProvider"]
