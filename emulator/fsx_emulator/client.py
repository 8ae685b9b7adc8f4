"""HTTP client for the control endpoints of a running ``fsx-emulator`` (same calls as fsx_emulator.control)."""

import json
import urllib.request
from typing import Any

from .control import CONTROL_PREFIX


class EmulatorError(RuntimeError):
    pass


class EmulatorClient:
    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint.rstrip("/")

    def _call(self, name: str, body: dict[str, Any] | None = None, query: str = "") -> Any:
        data = json.dumps(body or {}).encode()
        request = urllib.request.Request(
            f"{self.endpoint}{CONTROL_PREFIX}{name}{query}",
            data=data,
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            raise EmulatorError(f"{name}: {error.read().decode(errors='replace')}") from None

    def inject_fault(self, operation: str, error: str, count: int = 1, message: str | None = None) -> None:
        self._call("faults", {"operation": operation, "error": error, "count": count, "message": message})

    def clear_faults(self) -> None:
        self._call("faults")

    def fail_next_copy(self, message: str, source_backup_id: str | None = None) -> None:
        self._call("fail-next-copy", {"message": message, "source_backup_id": source_backup_id})

    def fail_copy(self, backup_id: str, message: str) -> None:
        self._call("fail-copy", {"backup_id": backup_id, "message": message})

    def set_pace(
        self,
        seconds: float | None = None,
        ticks: int | None = None,
        model: str = "fsx::backup-copy",
        in_progress: bool = False,
    ) -> None:
        self._call("pace", {"seconds": seconds, "ticks": ticks, "model": model, "in_progress": in_progress})

    def configure(self, **settings: Any) -> dict[str, Any]:
        result: dict[str, Any] = self._call("settings", settings)
        return result

    def record_responses(self, on: bool = True) -> None:
        self._call("record-responses", {"on": on})

    def take_responses(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self._call("responses")["responses"]
        return result

    def reset(self) -> None:
        self._call("reset")

    def inspect(self, account_id: str = "123456789012") -> dict[str, Any]:
        result: dict[str, Any] = self._call("inspect", query=f"?account_id={account_id}")
        return result
