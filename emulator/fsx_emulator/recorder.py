"""A record of the raw FSx responses the emulator sent, for test suites that check them against the service model.

Off unless switched on (``record_responses(True)`` or ``FSX_EMULATOR_RECORD_RESPONSES=1``), and bounded, so a
long-running server does not grow. ``take()`` hands the records over and forgets them. ``reset()`` of the emulator
does not clear them: a test's last responses must survive the reset its fixtures do on teardown.
"""

import os
import threading
from collections import deque
from typing import Any

_lock = threading.Lock()
_records: deque[dict[str, Any]] = deque(maxlen=10_000)
_switch = {"on": os.environ.get("FSX_EMULATOR_RECORD_RESPONSES", "") not in ("", "0", "false")}


def enable(on: bool = True) -> None:
    _switch["on"] = on


def record(operation: str, status: int, headers: dict[str, str], body: str) -> None:
    if _switch["on"]:
        with _lock:
            _records.append({"operation": operation, "status": status, "headers": dict(headers), "body": body})


def take() -> list[dict[str, Any]]:
    with _lock:
        taken = list(_records)
        _records.clear()
        return taken
