"""Process-wide emulator state that is not per account and Region: settings, faults, planned failures.

One re-entrant lock guards every rule that reads or changes backups across Regions (copy, idempotency, the
in-progress limit, lifecycle reads): moto locks only backend creation, and the server runs a thread per request.
"""

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from .faults import FaultPlan
from .settings import EmulatorSettings

LOCK = threading.RLock()
# The least time between two CreationTimes (botocore reads them to the microsecond).
STAMP_STEP = 0.001


@dataclass
class PlannedFailure:
    message: str
    source_backup_id: str | None = None  # None: the next copy of any source


@dataclass
class EmulatorState:
    settings: EmulatorSettings = field(default_factory=EmulatorSettings)
    faults: FaultPlan = field(default_factory=FaultPlan)
    # Copies to be created FAILED, consumed in order by copy_backup.
    planned_failures: list[PlannedFailure] = field(default_factory=list)
    # What "now" is for the duration pace; in-process tests and benchmarks share a virtual clock with the provider.
    clock: Callable[[], float] = time.monotonic
    # The epoch time at which ``clock`` read ``clock_origin``: CreationTime moves with ``clock`` from there.
    wall_origin: float = field(default_factory=time.time)
    clock_origin: float = field(default_factory=time.monotonic)
    last_stamp: float = 0.0
    # FSx API calls received, per operation (tests prove "no AWS call"; benchmarks count calls).
    calls: dict[str, int] = field(default_factory=dict)

    def use_clock(self, clock: Callable[[], float]) -> None:
        with LOCK:
            self.clock = clock
            self.wall_origin, self.clock_origin = time.time(), clock()

    def stamp(self) -> float:
        """An epoch CreationTime on ``clock``: a virtual clock's hours are hours of CreationTime too. Each stamp is
        later than the one before (as FSx's are), so backups made while a virtual clock stands still keep their
        order."""
        with LOCK:
            now = self.wall_origin + self.clock() - self.clock_origin
            self.last_stamp = max(now, self.last_stamp + STAMP_STEP)
            return self.last_stamp

    def count_call(self, operation: str) -> None:
        with LOCK:
            self.calls[operation] = self.calls.get(operation, 0) + 1

    def reset(self) -> None:
        with LOCK:
            self.settings = EmulatorSettings()
            self.faults.clear()
            self.planned_failures.clear()
            self.use_clock(time.monotonic)
            self.calls.clear()


STATE = EmulatorState()
