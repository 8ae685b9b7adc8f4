"""Fault injection: make the next N calls of an FSx operation fail in a chosen way.

Kept apart from the domain rules in models.py: a fault replaces a call before it reaches them.
"""

import threading
from dataclasses import dataclass

from .exceptions import INJECTABLE_ERRORS, injectable

# Pseudo error codes: the connection is closed without an HTTP response; or the call is carried out and its
# response held back for ``message`` seconds (a slow network: a client killed meanwhile never learns the result);
# or the call is carried out and answered with a member the model does not define (a response that breaks the
# wire contract, to prove a model check catches it).
DROP_CONNECTION = "DropConnection"
HOLD_RESPONSE = "HoldResponse"
BAD_RESPONSE = "BadResponse"
PSEUDO_ERRORS = (DROP_CONNECTION, HOLD_RESPONSE, BAD_RESPONSE)


@dataclass
class Fault:
    operation: str  # wire name, e.g. "CopyBackup"; "*" matches every operation
    error: str  # an INJECTABLE_ERRORS key or DROP_CONNECTION
    remaining: int
    message: str | None = None

    def build(self) -> Exception:
        return injectable(self.error, self.message)


class FaultPlan:
    """The pending faults, consumed first-in first-out per operation; safe across server threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self.injected: dict[str, int] = {}

    def add(self, operation: str, error: str, count: int = 1, message: str | None = None) -> None:
        if error not in PSEUDO_ERRORS and error not in INJECTABLE_ERRORS:
            raise ValueError(f"cannot inject {error!r}; choose one of {[*INJECTABLE_ERRORS, *PSEUDO_ERRORS]}")
        if error == HOLD_RESPONSE:
            float(message or 0)  # seconds; refuse anything else now rather than in a server thread
        if count < 1:
            raise ValueError("count must be at least 1")
        with self._lock:
            self._faults.append(Fault(operation, error, count, message))

    def take(self, operation: str) -> Fault | None:
        """The fault to apply to this call of ``operation``, if one is pending (and count it as used)."""
        with self._lock:
            for fault in self._faults:
                if fault.operation in (operation, "*"):
                    fault.remaining -= 1
                    if fault.remaining == 0:
                        self._faults.remove(fault)
                    self.injected[operation] = self.injected.get(operation, 0) + 1
                    return fault
        return None

    def pending(self) -> list[dict[str, object]]:
        with self._lock:
            return [vars(f).copy() for f in self._faults]

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()
            self.injected.clear()
