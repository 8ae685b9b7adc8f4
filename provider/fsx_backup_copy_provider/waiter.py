"""Waiting for a copy: explicit pending and target states, a timeout, an injectable clock, and a poll schedule.

botocore has no FSx waiters (the service model ships no waiters-2.json), so this is ours. The schedule:
- while ProgressPercent is reported, it sleeps until the *earliest* end the percent allows (FSx reports whole
  percents, so the true progress may be up to a point higher), never longer than a few times the time waited so far
  (progress need not be linear): a copy of hours costs a handful of DescribeBackups calls, and AVAILABLE is seen
  within seconds of the predicted end;
- past that point, or without progress (the service may report 0 throughout), it polls at a growing interval
  capped at ``max_blind_delay``, which bounds how late AVAILABLE is noticed.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

PENDING_STATES = frozenset({"PENDING", "CREATING", "TRANSFERRING", "COPYING"})
TARGET_STATES = frozenset({"AVAILABLE"})
FAILED_STATES = frozenset({"FAILED"})


class Clock(Protocol):
    def now(self) -> float: ...
    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    def now(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class CopyFailed(Exception):
    def __init__(self, backup: dict[str, Any]) -> None:
        self.backup = backup
        self.reason = (backup.get("FailureDetails") or {}).get("Message") or "FSx gave no failure details"
        super().__init__(self.reason)


class WaitTimedOut(Exception):
    def __init__(self, backup: dict[str, Any], waited: float) -> None:
        self.backup = backup
        self.waited = waited
        super().__init__(f"still {backup.get('Lifecycle')} after {waited:.0f}s")


class UnexpectedState(Exception):
    def __init__(self, backup: dict[str, Any]) -> None:
        self.backup = backup
        super().__init__(f"unexpected lifecycle {backup.get('Lifecycle')}")


@dataclass(frozen=True)
class PollSchedule:
    first_delay: float = 5.0
    min_delay: float = 5.0
    # Blind polling (no percent, or past the earliest predicted end): this fraction of the time waited, capped.
    blind_growth: float = 0.25
    max_blind_delay: float = 60.0
    # A predicted sleep is at most this many times the time waited so far (or max_blind_delay, if larger).
    max_growth: float = 4.0
    # Between the earliest and the latest predicted end, polls are at most this far apart.
    max_final_delay: float = 15.0

    def next_delay(self, elapsed: float, samples: list[tuple[float, int]]) -> float:
        """Seconds until the next poll, given (seconds waited, percent) samples of this wait."""
        if not samples:
            return self.first_delay
        waited, percent = samples[-1]
        if 0 < percent < 100 and waited > 0:
            earliest_end = waited * 100 / (percent + 1)
            if earliest_end - waited > self.min_delay:
                return min(earliest_end - waited, max(self.max_blind_delay, self.max_growth * waited))
            # Past the earliest end: the copy ends before waited * 100 / percent; poll that window finely.
            latest_end = waited * 100 / percent
            return min(self.max_final_delay, max(self.min_delay, (latest_end - waited) / 8))
        return min(self.max_blind_delay, max(self.min_delay, self.blind_growth * elapsed))


@dataclass
class Waiter:
    """Polls ``fetch`` until a target state; FAILED raises CopyFailed, the timeout raises WaitTimedOut."""

    fetch: Callable[[], dict[str, Any]]
    timeout: float
    clock: Clock = field(default_factory=SystemClock)
    schedule: PollSchedule = field(default_factory=PollSchedule)
    on_poll: Callable[[dict[str, Any], float], None] = lambda backup, elapsed: None
    polls: int = 0

    def wait(self, current: dict[str, Any] | None = None) -> dict[str, Any]:
        start = self.clock.now()
        samples: list[tuple[float, int]] = []
        backup = current
        while True:
            if backup is not None:
                lifecycle = backup.get("Lifecycle")
                elapsed = self.clock.now() - start
                if lifecycle in TARGET_STATES:
                    return backup
                if lifecycle in FAILED_STATES:
                    raise CopyFailed(backup)
                if lifecycle not in PENDING_STATES:
                    raise UnexpectedState(backup)
                self.on_poll(backup, elapsed)
                samples.append((elapsed, int(backup.get("ProgressPercent") or 0)))
            elapsed = self.clock.now() - start
            delay = self.schedule.next_delay(elapsed, samples)
            if elapsed >= self.timeout:
                raise WaitTimedOut(backup or {}, elapsed)
            # Never sleep past the deadline: the last poll lands on it.
            self.clock.sleep(min(delay, max(0.0, self.timeout - elapsed)))
            backup = self.fetch()
            self.polls += 1


class VirtualClock:
    """A clock whose sleeps return at once and only move its time on: hours of waiting in milliseconds."""

    def __init__(self, start: float = 0.0) -> None:
        self.time = start
        self.slept: list[float] = []

    def now(self) -> float:
        return self.time

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.time += seconds
