"""Deliberately broken providers: the engine scenarios must catch each of them (tests/engine/test_broken.py)."""

from typing import Any

from pulumi.dynamic import DiffResult, UpdateResult

from fsx_backup_copy_provider import BackupCopyProvider


class UnknownDiffProvider(BackupCopyProvider):
    """Answers "unknown" from diff (the default DiffResult), so the engine diffs inputs, __provider included."""

    def diff(self, _id: str, _olds: dict[str, Any], _news: dict[str, Any]) -> DiffResult:
        return DiffResult()


class NoUpdateOutputsProvider(BackupCopyProvider):
    """Updates the tags but returns no outputs (pulumi/pulumi#7809): the state loses every output."""

    def update(self, _id: str, _olds: dict[str, Any], _news: dict[str, Any]) -> UpdateResult:
        super().update(_id, _olds, _news)
        return UpdateResult()


class EveryChangeReplacesProvider(BackupCopyProvider):
    """Treats a tag change as a replacement: a new copy for what should be an in-place update."""

    def diff(self, _id: str, _olds: dict[str, Any], _news: dict[str, Any]) -> DiffResult:
        result = super().diff(_id, _olds, _news)
        return DiffResult(changes=result.changes, replaces=["tags"] if result.changes else [])
