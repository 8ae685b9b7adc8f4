"""Providers that differ from the real one on purpose: the engine scenarios must catch the broken ones
(tests/engine/test_broken.py), and the engine-rule tests use the others to show what the engine does with an answer
this provider never gives (tests/engine/test_engine_rules.py)."""

from typing import Any

from pulumi.dynamic import DiffResult, ReadResult, UpdateResult

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


class DeleteFirstProvider(BackupCopyProvider):
    """Asks for delete-before-replace on every replacement, as some providers' resources must."""

    def diff(self, _id: str, _olds: dict[str, Any], _news: dict[str, Any]) -> DiffResult:
        result = super().diff(_id, _olds, _news)
        return DiffResult(changes=result.changes, replaces=result.replaces, delete_before_replace=True)


class GoneProvider(BackupCopyProvider):
    """Reads every id as gone (an empty id), the way a provider reports a resource that no longer exists."""

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        return ReadResult(id_="", outs={})
