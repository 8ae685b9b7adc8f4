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
    # FSx API calls received, per operation (tests prove "no AWS call"; benchmarks count calls).
    calls: dict[str, int] = field(default_factory=dict)

    def count_call(self, operation: str) -> None:
        with LOCK:
            self.calls[operation] = self.calls.get(operation, 0) + 1

    def reset(self) -> None:
        with LOCK:
            self.settings = EmulatorSettings()
            self.faults.clear()
            self.planned_failures.clear()
            self.clock = time.monotonic
            self.calls.clear()


STATE = EmulatorState()
