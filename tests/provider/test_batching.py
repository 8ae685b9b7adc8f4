"""Waiters in one process share DescribeBackups calls, and never see an answer older than allowed."""

import threading
from typing import Any

from fsx_backup_copy_provider.batching import SharedDescribes
from fsx_backup_copy_provider.finder import BackupGone
from tests.support import FsxAccount


class Clock:
    def __init__(self) -> None:
        self.time = 0.0

    def now(self) -> float:
        return self.time


def _copies(account: FsxAccount, count: int, ticks: int = 1000) -> tuple[Any, list[str]]:
    """``count`` copies in progress; each becomes AVAILABLE after ``ticks`` describes (the emulator applies a pace
    to the copies started after it is set)."""
    source = account.source_backup("us-east-2")
    account.controls.set_pace(ticks=ticks)
    fsx = account.client("us-west-2")
    ids = [fsx.copy_backup(SourceBackupId=source, SourceRegion="us-east-2")["Backup"]["BackupId"] for _ in range(count)]
    return fsx, ids


def test_one_call_serves_every_watched_copy_while_fresh(inprocess_account: FsxAccount) -> None:
    fsx, ids = _copies(inprocess_account, 4)
    shared, clock = SharedDescribes(), Clock()
    for backup_id in ids:
        shared.watch(fsx, backup_id)
    views = [shared.fetch(fsx, backup_id, clock.now, freshness=2.5) for backup_id in ids]
    assert [v["BackupId"] for v in views] == ids and shared.calls == 1
    clock.time = 3.0  # older than the freshness: the next poll asks again
    shared.fetch(fsx, ids[0], clock.now, freshness=2.5)
    assert shared.calls == 2


def test_a_gone_copy_does_not_fail_its_neighbours(inprocess_account: FsxAccount) -> None:
    fsx, ids = _copies(inprocess_account, 3, ticks=1)
    inprocess_account.wait_available("us-west-2", ids[1])
    fsx.delete_backup(BackupId=ids[1])
    shared, clock = SharedDescribes(), Clock()
    for backup_id in ids:
        shared.watch(fsx, backup_id)
    assert shared.fetch(fsx, ids[0], clock.now, freshness=2.5)["BackupId"] == ids[0]
    try:
        shared.fetch(fsx, ids[1], clock.now, freshness=2.5)
        raise AssertionError("a deleted copy must be reported gone")
    except BackupGone:
        pass


def test_concurrent_waiters_single_flight(inprocess_account: FsxAccount) -> None:
    inprocess_account.controls.configure(max_copies_in_progress=20)
    fsx, ids = _copies(inprocess_account, 8)
    shared, clock = SharedDescribes(), Clock()
    for backup_id in ids:
        shared.watch(fsx, backup_id)
    seen: list[str] = []
    threads = [
        threading.Thread(target=lambda b=b: seen.append(shared.fetch(fsx, b, clock.now, 2.5)["BackupId"])) for b in ids
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(seen) == sorted(ids) and shared.calls <= 2
