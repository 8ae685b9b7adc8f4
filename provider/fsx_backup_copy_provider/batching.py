"""Copies waited on at the same time in one provider process share DescribeBackups calls.

One call describes up to 50 backup ids. A waiter that needs a fresh view of its copy triggers one call for *every*
copy being waited on through the same client, and keeps the answers; another waiter whose poll comes within
``freshness`` seconds uses that answer instead of calling again. Calls in flight are single-flight: a waiter that
arrives during one waits for it rather than starting a second.
"""

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from . import aws
from .finder import BackupGone, find_backup

MAX_IDS_PER_CALL = 50  # DescribeBackups' BackupIds limit


@dataclass
class _ClientView:
    watched: dict[str, int] = field(default_factory=dict)  # backup id -> number of waiters
    answers: dict[str, tuple[float, dict[str, Any] | None]] = field(default_factory=dict)  # None: gone
    in_flight: bool = False


class SharedDescribes:
    def __init__(self) -> None:
        self._lock = threading.Condition()
        # One view per client, keyed as aws.py caches clients: waiters share calls through the same client.
        self._views: dict[tuple[str, str, str | None, str | None] | int, _ClientView] = {}
        self.calls = 0

    def _view(self, fsx: Any) -> _ClientView:
        return self._views.setdefault(aws.cache_key(fsx), _ClientView())

    def watch(self, fsx: Any, backup_id: str) -> None:
        with self._lock:
            view = self._view(fsx)
            view.watched[backup_id] = view.watched.get(backup_id, 0) + 1

    def unwatch(self, fsx: Any, backup_id: str) -> None:
        with self._lock:
            view = self._view(fsx)
            view.watched[backup_id] -= 1
            if view.watched[backup_id] <= 0:
                del view.watched[backup_id]
                view.answers.pop(backup_id, None)

    def fetch(self, fsx: Any, backup_id: str, now: Callable[[], float], freshness: float) -> dict[str, Any]:
        """The copy's description, at most ``freshness`` seconds old; BackupGone if it no longer exists."""
        with self._lock:
            view = self._view(fsx)
            while True:
                answer = view.answers.get(backup_id)
                if answer is not None and now() - answer[0] <= freshness:
                    return _unwrap(backup_id, answer[1])
                if not view.in_flight:
                    break
                self._lock.wait()
            view.in_flight = True
            others = [i for i in view.watched if i != backup_id][: MAX_IDS_PER_CALL - 1]
        try:
            answers = self._describe(fsx, [backup_id, *others])
        finally:
            with self._lock:
                view.in_flight = False
                self._lock.notify_all()
        with self._lock:
            stamp = now()
            for described_id, description in answers.items():
                view.answers[described_id] = (stamp, description)
        return _unwrap(backup_id, answers[backup_id])

    def _describe(self, fsx: Any, ids: list[str]) -> dict[str, dict[str, Any] | None]:
        self.calls += 1
        try:
            backups = fsx.describe_backups(BackupIds=ids)["Backups"]
        except ClientError as error:
            if error.response["Error"]["Code"] != "BackupNotFound" or len(ids) == 1:
                if error.response["Error"]["Code"] == "BackupNotFound":
                    return {ids[0]: None}
                raise
            # One unknown id fails the whole call: ask for the one that matters alone.
            try:
                return {ids[0]: find_backup(fsx, ids[0])}
            except BackupGone:
                return {ids[0]: None}
        found: dict[str, dict[str, Any] | None] = {i: None for i in ids}
        for backup in backups:
            found[backup["BackupId"]] = None if backup.get("Lifecycle") == "DELETED" else backup
        return found


def _unwrap(backup_id: str, description: dict[str, Any] | None) -> dict[str, Any]:
    if description is None:
        raise BackupGone(backup_id)
    return description
