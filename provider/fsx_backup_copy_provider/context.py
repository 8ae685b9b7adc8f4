"""The provider process's one context: clock, poll schedule and knobs, the shared DescribeBackups, the per-Region
copy slots and what the host-worker widening did. Operations receive it (``BackupCopyProvider.context``); tests and
benchmarks build their own instead of patching globals. Apart from it (``PROCESS_CONTEXT``, what the dynamic host's
providers use) and the boto3 client cache (aws.py), the package keeps no mutable module state.

``FSX_BACKUP_COPY_TIME_SCALE`` (default 1) multiplies every sleep, so tests and the demo can drive the real host
against an emulator whose copies take seconds. Time is still measured in real seconds (timeouts, logged elapsed
time); only the pauses between polls shrink.

``FSX_BACKUP_COPY_HEARTBEAT_SECONDS`` (default 300) is the longest a wait goes without a log line; 0 turns the
heartbeat off.
"""

import os
import random as random_module
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from .admission import RegionAdmission
from .batching import SharedDescribes
from .waiter import Clock, PollSchedule, SystemClock


def _time_scale() -> float:
    try:
        return max(1e-4, float(os.environ.get("FSX_BACKUP_COPY_TIME_SCALE", "1")))
    except ValueError:
        return 1.0


def _heartbeat_interval() -> float:
    try:
        seconds = float(os.environ.get("FSX_BACKUP_COPY_HEARTBEAT_SECONDS", "300"))
    except ValueError:
        seconds = 300.0
    return seconds if seconds > 0 else float("inf")


class ScaledClock:
    def __init__(self, inner: Clock, scale: float) -> None:
        self.inner = inner
        self.scale = scale

    def now(self) -> float:
        return self.inner.now()

    def sleep(self, seconds: float) -> None:
        self.inner.sleep(seconds * self.scale)


@dataclass
class Context:
    clock: Clock = field(default_factory=lambda: ScaledClock(SystemClock(), _time_scale()))
    schedule: PollSchedule = field(default_factory=PollSchedule)
    # A poll's progress line at most this often per copy (early polls are 5 s apart); heartbeats fill longer gaps.
    progress_log_interval: float = 60.0
    # While waiting, a log line at least this often (seconds of waiting), with no AWS call (waiter.py).
    heartbeat_interval: float = field(default_factory=_heartbeat_interval)
    # Epoch seconds, to tell a copy's age from its CreationTime; tests on a virtual clock move it with that clock.
    wall: Callable[[], float] = time.time
    random: random_module.Random = field(default_factory=random_module.Random)
    # Waiters in one process share DescribeBackups calls (batching.py); off only to measure the difference.
    share_describes: bool = True
    describes: SharedDescribes = field(default_factory=SharedDescribes)
    admission: RegionAdmission = field(default_factory=RegionAdmission)
    # What widening the host's worker pool did (host_workers.py): done once per process, at the first configure.
    host_workers: list[str] = field(default_factory=list)

    def describe_freshness(self) -> float:
        """How old a shared DescribeBackups answer may be: half the shortest poll interval (scaled like sleeps),
        so a waiter never reuses the answer of its own previous poll, only a neighbour's recent one."""
        scale = self.clock.scale if isinstance(self.clock, ScaledClock) else 1.0
        return self.schedule.min_delay * 0.5 * scale

    lock: threading.Lock = field(default_factory=threading.Lock)

    def backoff_delay(self, attempt: int, base: float = 5.0, cap: float = 300.0) -> float:
        """Capped exponential backoff with equal jitter: concurrent waiters spread out instead of retrying
        together."""
        delay = min(cap, base * 2**attempt)
        with self.lock:
            return float(delay / 2 + self.random.uniform(0, delay / 2))


PROCESS_CONTEXT = Context()
