"""Admission per destination Region: at most as many copies in progress into one Region as FSx allows.

FSx answers CopyBackup with ServiceLimitExceeded when a Region already has its quota of copies in progress (5 per
destination Region by default, an adjustable quota). Within one provider process, creates take a slot here before
CopyBackup (or before waiting on an unfinished copy they adopt) and give it back when the wait ends, so a fleet
never spends CopyBackup calls on that error. Copies started elsewhere (other stacks, other processes in the same
account) are invisible here: those still meet ServiceLimitExceeded and its backoff in create.py.

``FSX_BACKUP_COPY_MAX_COPIES_PER_REGION`` (default 5) sets the number of slots; set it to your raised quota. An
adopted copy takes its slot at once, even over the limit: it is already in progress at AWS, nothing is started.
"""

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

ENV = "FSX_BACKUP_COPY_MAX_COPIES_PER_REGION"
DEFAULT_LIMIT = 5
# Real seconds between looks at the caller's clock while waiting for a slot (it may be a virtual or scaled clock).
_RECHECK = 0.2


def configured_limit() -> int:
    try:
        return max(1, int(os.environ.get(ENV, str(DEFAULT_LIMIT))))
    except ValueError:
        return DEFAULT_LIMIT


class NoSlot(Exception):
    """The deadline passed before a slot in the Region freed up; nothing was started."""


class RegionAdmission:
    def __init__(self, limit: int | None = None) -> None:
        self._limit = limit
        self._lock = threading.Condition()
        self.in_progress: dict[str, int] = {}
        self.peak: dict[str, int] = {}

    @property
    def limit(self) -> int:
        return self._limit if self._limit is not None else configured_limit()

    @contextmanager
    def slot(
        self,
        region: str,
        now: Callable[[], float],
        deadline: float,
        adopted: bool = False,
        on_queue: Callable[[int], None] = lambda in_progress: None,
    ) -> Iterator[None]:
        """Hold one of ``region``'s slots for the body; waits (calling ``on_queue`` once) while all are taken."""
        with self._lock:
            if not adopted:
                told = False
                while self.in_progress.get(region, 0) >= self.limit:
                    if now() >= deadline:
                        raise NoSlot(region)
                    if not told:
                        on_queue(self.in_progress.get(region, 0))
                        told = True
                    self._lock.wait(_RECHECK)
            count = self.in_progress.get(region, 0) + 1
            self.in_progress[region] = count
            self.peak[region] = max(self.peak.get(region, 0), count)
        try:
            yield
        finally:
            with self._lock:
                self.in_progress[region] -= 1
                if not self.in_progress[region]:
                    del self.in_progress[region]
                self._lock.notify_all()
