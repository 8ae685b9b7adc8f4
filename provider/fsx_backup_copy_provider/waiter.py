"""Waiting for a copy: explicit pending and target states, a timeout, an injectable clock, and a poll schedule.

botocore has no FSx waiters (the service model ships no waiters-2.json), so this is ours. The schedule:
- while ProgressPercent is reported, it sleeps until the *earliest* end the percent allows (FSx reports whole
  percents, so the true progress may be up to a point higher), never longer than a few times the time waited so far
  (progress need not be linear): a copy of hours costs a handful of DescribeBackups calls, and AVAILABLE is seen
  within seconds of the predicted end;
- past that point, or without progress (the service may report 0 throughout), it polls at a growing interval
  capped at ``max_blind_delay``, which bounds how late AVAILABLE is noticed.

Progress is measured from the copy's CreationTime when the caller knows it (``age``): a copy adopted at 7 h of 8 h
reports 87 %, and 87 % after 7 h predicts the end as well as it does in a wait that began at 0 h. Measured from the
start of this wait instead, 87 % "after 0 s" predicts nothing, and the wait falls back to blind polling.

Sleeps are cut so that ``on_heartbeat`` is called (no AWS call) whenever ``heartbeat`` seconds of sleep have passed
since the last line ``on_poll`` said it logged (it returns False when it logged nothing): the log never goes quiet
for longer than that, and polls stay exactly as sparse as without it.
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

    @staticmethod
    def predicted_end(samples: list[tuple[float, int]]) -> float | None:
        """When the copy should end (seconds since it started, like the samples), or None without progress: the
        middle of the window the last whole percent allows."""
        if not samples:
            return None
        waited, percent = samples[-1]
        if not 0 < percent < 100 or waited <= 0:
            return None
        return (waited * 100 / (percent + 1) + waited * 100 / percent) / 2


Heartbeat = Callable[[dict[str, Any] | None, float, float | None], None]
"""(last description, seconds since the copy started, seconds until its predicted end or None)"""


@dataclass
class Waiter:
    """Polls ``fetch`` until a target state; FAILED raises CopyFailed, the timeout raises WaitTimedOut."""

    fetch: Callable[[], dict[str, Any]]
    timeout: float
    clock: Clock = field(default_factory=SystemClock)
    schedule: PollSchedule = field(default_factory=PollSchedule)
    # (description, seconds since the copy started) after each poll that did not end the wait; False: nothing logged.
    on_poll: Callable[[dict[str, Any], float], bool | None] = lambda backup, elapsed: None
    # Seconds the copy had been in progress when this wait began (from its CreationTime; 0 if unknown).
    age: float = 0.0
    # Longest sleep without calling on_heartbeat (float("inf"): never).
    heartbeat: float = float("inf")
    on_heartbeat: Heartbeat = lambda backup, elapsed, remaining: None
    polls: int = 0
    _quiet: float = field(default=0.0, init=False, repr=False)

    def wait(self, current: dict[str, Any] | None = None) -> dict[str, Any]:
        start = self.clock.now()
        age = max(0.0, self.age)
        samples: list[tuple[float, int]] = []
        backup = current
        self._quiet = 0.0  # seconds slept since the last logged line
        while True:
            if backup is not None:
                lifecycle = backup.get("Lifecycle")
                if lifecycle in TARGET_STATES:
                    return backup
                if lifecycle in FAILED_STATES:
                    raise CopyFailed(backup)
                if lifecycle not in PENDING_STATES:
                    raise UnexpectedState(backup)
                since_start = age + self.clock.now() - start
                if self.on_poll(backup, since_start) is not False:
                    self._quiet = 0.0
                samples.append((since_start, int(backup.get("ProgressPercent") or 0)))
            waited = self.clock.now() - start
            delay = self.schedule.next_delay(age + waited, samples)
            if waited >= self.timeout:
                raise WaitTimedOut(backup or {}, waited)
            # Never sleep past the deadline: the last poll lands on it.
            self._sleep(min(delay, max(0.0, self.timeout - waited)), backup, samples, start - age)
            backup = self.fetch()
            self.polls += 1

    def _sleep(
        self, seconds: float, backup: dict[str, Any] | None, samples: list[tuple[float, int]], born: float
    ) -> None:
        """Sleep ``seconds``, with a heartbeat each time ``heartbeat`` seconds pass without a logged line."""
        remaining = seconds
        while self._quiet + remaining > self.heartbeat:
            slice_ = max(0.0, self.heartbeat - self._quiet)
            self.clock.sleep(slice_)
            remaining -= slice_
            self._quiet = 0.0
            since_start = self.clock.now() - born
            end = self.schedule.predicted_end(samples) if hasattr(self.schedule, "predicted_end") else None
            self.on_heartbeat(backup, since_start, None if end is None else max(0.0, end - since_start))
        self.clock.sleep(remaining)
        self._quiet += remaining


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
