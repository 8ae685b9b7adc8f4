"""The waiter: target, failure and timeout handling, and the poll schedule's bounds."""

from typing import Any

import pytest

from fsx_backup_copy_provider.waiter import (
    CopyFailed,
    PollSchedule,
    UnexpectedState,
    VirtualClock,
    Waiter,
    WaitTimedOut,
)


def states(*lifecycles: str, clock: VirtualClock) -> Any:
    answers = iter(lifecycles)
    return lambda: {"Lifecycle": next(answers), "ProgressPercent": 0}


@pytest.mark.parametrize("in_progress", ["PENDING", "CREATING", "TRANSFERRING", "COPYING"])
def test_every_documented_in_progress_state_is_waited_on(in_progress: str) -> None:
    clock = VirtualClock()
    waiter = Waiter(states(in_progress, in_progress, "AVAILABLE", clock=clock), timeout=3600, clock=clock)
    assert waiter.wait()["Lifecycle"] == "AVAILABLE" and waiter.polls == 3


def test_failed_raises_with_the_failure_details() -> None:
    clock = VirtualClock()
    fetch = lambda: {"Lifecycle": "FAILED", "FailureDetails": {"Message": "disk on fire"}}  # noqa: E731
    with pytest.raises(CopyFailed, match="disk on fire"):
        Waiter(fetch, timeout=3600, clock=clock).wait()


def test_a_state_it_does_not_know_is_not_taken_for_success() -> None:
    clock = VirtualClock()
    with pytest.raises(UnexpectedState):
        Waiter(states("COPYING", "DELETED", clock=clock), timeout=3600, clock=clock).wait()


def test_timeout_is_kept_without_sleeping_past_it() -> None:
    clock = VirtualClock()
    with pytest.raises(WaitTimedOut):
        Waiter(lambda: {"Lifecycle": "COPYING", "ProgressPercent": 0}, timeout=1000, clock=clock).wait()
    assert 1000 <= clock.now() <= 1000 + 1e-6


@pytest.mark.parametrize("waited", [1.0, 30.0, 600.0, 7200.0, 86400.0])
def test_without_progress_polls_are_at_most_a_minute_apart(waited: float) -> None:
    assert 5.0 <= PollSchedule().next_delay(waited, [(waited, 0)]) <= 60.0


@pytest.mark.parametrize(("waited", "percent"), [(60.0, 5), (600.0, 40), (3000.0, 90), (7128.0, 99)])
def test_with_progress_it_never_sleeps_past_the_earliest_possible_end(waited: float, percent: int) -> None:
    earliest_end = waited * 100 / (percent + 1)
    delay = PollSchedule().next_delay(waited, [(0.0, 0), (waited, percent)])
    assert waited + delay <= max(earliest_end, waited + 15.0)
