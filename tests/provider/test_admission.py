"""Admission per destination Region: never more copies in progress into one Region than FSx allows, so a fleet does
not spend CopyBackup calls on ServiceLimitExceeded; copies started elsewhere are still waited out by the backoff."""

import threading
from typing import Any

import pytest

from fsx_backup_copy_provider import BackupCopyProvider
from fsx_backup_copy_provider.admission import ENV, NoSlot, RegionAdmission, configured_limit
from fsx_backup_copy_provider.context import Context, ScaledClock
from fsx_backup_copy_provider.waiter import SystemClock, VirtualClock
from tests.provider.conftest import copy_inputs
from tests.support import FsxAccount

TIMEOUT = 30.0  # real seconds a test thread may block before the test fails instead of hanging


def test_a_full_region_makes_the_next_copy_wait_until_one_ends() -> None:
    admission = RegionAdmission(limit=2)
    queued, entered = threading.Event(), threading.Event()
    held = [admission.slot("us-west-2", lambda: 0.0, deadline=1.0) for _ in range(2)]
    for slot in held:
        slot.__enter__()

    def third() -> None:
        with admission.slot("us-west-2", lambda: 0.0, deadline=1.0, on_queue=lambda n: queued.set()):
            entered.set()

    waiting = threading.Thread(target=third)
    waiting.start()
    assert queued.wait(TIMEOUT) and not entered.is_set()  # both slots taken: it waits
    held[0].__exit__(None, None, None)
    assert entered.wait(TIMEOUT)
    waiting.join(TIMEOUT)
    held[1].__exit__(None, None, None)
    assert admission.peak == {"us-west-2": 2} and admission.in_progress == {}


def test_regions_do_not_share_slots_and_an_adopted_copy_is_never_held_back() -> None:
    admission = RegionAdmission(limit=1)
    # An adopted copy is already in progress at AWS: waiting would only delay noticing that it is done.
    with (
        admission.slot("us-west-2", lambda: 0.0, deadline=1.0),
        admission.slot("eu-west-1", lambda: 0.0, deadline=1.0),
        admission.slot("us-west-2", lambda: 0.0, deadline=1.0, adopted=True),
    ):
        assert admission.in_progress == {"us-west-2": 2, "eu-west-1": 1}


def test_no_slot_before_the_deadline_starts_nothing() -> None:
    admission = RegionAdmission(limit=1)
    queued: list[int] = []
    times = iter([0.0, 5.0])
    with (
        admission.slot("us-west-2", lambda: 0.0, deadline=1.0),
        pytest.raises(NoSlot),
        admission.slot("us-west-2", lambda: next(times), 1.0, on_queue=queued.append),
    ):
        raise AssertionError("admitted past a full Region")
    assert queued == [1] and admission.in_progress == {}


def test_the_limit_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV, "20")
    assert configured_limit() == 20 and RegionAdmission().limit == 20
    monkeypatch.setenv(ENV, "many")
    assert configured_limit() == 5


def test_creates_past_the_limit_queue_instead_of_hitting_service_limit_exceeded(
    fsx: FsxAccount,
) -> None:
    """Eight creates at once into one Region: five copy, three wait in this process; no CopyBackup is refused.
    Real threads and real time: copies of 0.5 s, polled on a clock that shrinks the provider's sleeps 100-fold."""
    source = fsx.source_backup("us-east-2")
    fsx.controls.set_pace(seconds=0.5)
    provider = BackupCopyProvider(Context(clock=ScaledClock(SystemClock(), 0.01)))
    errors: list[BaseException] = []

    def create(index: int) -> None:
        try:
            provider.create(copy_inputs(source, resourceIdentity=f"proj/dev/copy-{index}"))
        except BaseException as error:  # reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=create, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
    inspected: dict[str, Any] = fsx.controls.inspect()
    assert not errors and not any(t.is_alive() for t in threads)
    assert inspected["peak_copies_in_progress"]["us-west-2"] == 5
    assert inspected["calls"]["CopyBackup"] == 8  # each answered at once: none refused and retried
    assert len([b for b in inspected["backups"] if b["SourceBackupId"] == source]) == 8


def test_copies_of_other_stacks_are_still_waited_out_with_backoff(
    fsx: FsxAccount, shared_clock: VirtualClock, context: Context
) -> None:
    """This process holds no slot, but the Region is full of someone else's 10-minute copies: CopyBackup is refused
    and retried after backoffs until they end, then this copy starts."""
    source = fsx.source_backup("us-east-2")
    fsx.controls.set_pace(seconds=600)
    other = fsx.client("us-west-2")
    for _ in range(5):
        other.copy_backup(SourceBackupId=source, SourceRegion="us-east-2")
    fsx.controls.set_pace(seconds=60)
    BackupCopyProvider(context).create(copy_inputs(source))
    assert shared_clock.now() >= 600  # it waited for a slot to free up at AWS
    assert fsx.controls.inspect()["calls"]["CopyBackup"] > 5 + 1  # some of ours were refused, then retried
