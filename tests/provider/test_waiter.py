"""The waiter: target, failure and timeout handling, and the poll schedule's bounds."""

from datetime import UTC, datetime
from typing import Any

import pytest

from fsx_backup_copy_provider.wait import copy_age
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


class LinearCopy:
    """A copy that started at ``born`` on ``clock``, reports whole percents, and is AVAILABLE after ``duration``."""

    def __init__(self, clock: VirtualClock, duration: float, born: float, progress: bool = True) -> None:
        self.clock, self.duration, self.born, self.progress = clock, duration, born, progress

    def describe(self) -> dict[str, Any]:
        running = self.clock.now() - self.born
        if running >= self.duration:
            return {"Lifecycle": "AVAILABLE", "ProgressPercent": 100}
        return {"Lifecycle": "COPYING", "ProgressPercent": int(100 * running / self.duration) if self.progress else 0}


def _wait(duration: float, resumed_at: float, progress: bool = True) -> tuple[int, float]:
    """(polls, detection lag) of a wait for a copy of ``duration`` seconds that starts ``resumed_at`` seconds after
    the copy began (as an adopting create does), with the copy's age known from its CreationTime."""
    clock = VirtualClock(start=resumed_at)
    copy = LinearCopy(clock, duration, born=0.0, progress=progress)
    waiter = Waiter(copy.describe, timeout=86400, clock=clock, age=resumed_at)
    waiter.wait(copy.describe())
    return waiter.polls, clock.now() - duration


@pytest.mark.parametrize("resumed_hours", [1, 4, 7])
@pytest.mark.parametrize("progress", [True, False])
def test_resuming_a_long_copy_costs_no_more_than_a_fresh_wait_for_the_rest(resumed_hours: int, progress: bool) -> None:
    eight_hours, resumed_at = 8 * 3600.0, resumed_hours * 3600.0
    polls, lag = _wait(eight_hours, resumed_at, progress)
    fresh_polls, _ = _wait(eight_hours - resumed_at, 0.0, progress)
    assert polls <= fresh_polls
    assert 0 <= lag <= 60


def test_without_the_copys_age_a_resumed_wait_polls_blind() -> None:
    """What the age buys: 87 % "after 0 s" predicts nothing, 87 % after 7 h predicts the end."""
    clock = VirtualClock(start=7 * 3600.0)
    copy = LinearCopy(clock, 8 * 3600.0, born=0.0)
    unaware = Waiter(copy.describe, timeout=86400, clock=clock)
    unaware.wait(copy.describe())
    assert _wait(8 * 3600.0, 7 * 3600.0)[0] * 3 < unaware.polls


@pytest.mark.parametrize("progress", [True, False])
def test_heartbeats_keep_every_gap_under_five_minutes_without_extra_polls(progress: bool) -> None:
    clock = VirtualClock()
    copy = LinearCopy(clock, 8 * 3600.0, born=0.0, progress=progress)
    lines: list[float] = []
    remaining: list[float | None] = []

    def poll(backup: dict[str, Any], elapsed: float) -> bool:
        lines.append(clock.now())
        return True

    def beat(backup: dict[str, Any] | None, elapsed: float, left: float | None) -> None:
        lines.append(clock.now())
        remaining.append(left)

    waiter = Waiter(
        copy.describe,
        timeout=86400,
        clock=clock,
        heartbeat=300,
        on_poll=poll,
        on_heartbeat=beat,
    )
    waiter.wait(copy.describe())
    quiet_clock = VirtualClock()
    quiet_copy = LinearCopy(quiet_clock, 8 * 3600.0, born=0.0, progress=progress)
    silent = Waiter(quiet_copy.describe, timeout=86400, clock=quiet_clock)
    silent.wait(quiet_copy.describe())
    gaps = [later - earlier for earlier, later in zip([0.0, *lines], [*lines, clock.now()], strict=True)]
    assert max(gaps) <= 300 + 1e-6
    assert waiter.polls == silent.polls and clock.now() == quiet_clock.now()
    if progress:
        late = [left for left in remaining[-5:] if left is not None]
        assert late and all(0 <= left <= 3600 for left in late)
    else:
        assert all(left is None for left in remaining)


def test_poll_lines_that_were_not_logged_do_not_count_as_heard() -> None:
    clock = VirtualClock()
    copy = LinearCopy(clock, 3600.0, born=0.0, progress=False)
    beats: list[float] = []
    Waiter(
        copy.describe,
        timeout=86400,
        clock=clock,
        heartbeat=300,
        on_poll=lambda backup, elapsed: False,
        on_heartbeat=lambda backup, elapsed, left: beats.append(clock.now()),
    ).wait()
    assert beats and max(b - a for a, b in zip([0.0, *beats], beats, strict=False)) <= 300 + 1e-6
    assert len(beats) >= 3600 // 300 - 1


def test_a_copys_age_comes_from_its_creation_time() -> None:
    created = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)
    now = created.timestamp() + 7 * 3600
    assert copy_age({"CreationTime": created}, now) == 7 * 3600
    assert copy_age({"CreationTime": created.timestamp()}, now) == 7 * 3600
    assert copy_age({}, now) == 0.0  # unknown: measured from the start of this wait, as before
    assert copy_age({"CreationTime": created}, created.timestamp() - 60) == 0.0  # skewed clocks: never negative
