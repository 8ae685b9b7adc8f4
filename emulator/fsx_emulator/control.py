"""Test-only controls: faults, copy pace and failures, settings, and an inspection view that never advances state.

The same functions back the in-process API (``fsx_emulator.control.inject_fault(...)``) and the HTTP endpoints
under ``/moto-api/fsx-emulator/`` that ``fsx_emulator.client.EmulatorClient`` calls, so both modes share one code path.
"""

import json
from collections.abc import Callable
from typing import Any, cast
from urllib.parse import parse_qs, urlparse

from moto.core.common_types import TYPE_RESPONSE
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.fsx.models import fsx_backends
from moto.moto_api import state_manager

from . import recorder
from .models import BACKUP_MODEL, COPY_MODEL, EmulatedFSxBackend
from .state import LOCK, STATE, PlannedFailure

CONTROL_PREFIX = "/moto-api/fsx-emulator/"


def inject_fault(operation: str, error: str, count: int = 1, message: str | None = None) -> None:
    """Make the next ``count`` calls of ``operation`` (e.g. "CopyBackup", or "*") fail with ``error``."""
    STATE.faults.add(operation, error, count, message)


def clear_faults() -> None:
    STATE.faults.clear()


def fail_next_copy(message: str, source_backup_id: str | None = None) -> None:
    """The next copy (of ``source_backup_id``, or of any source) ends FAILED with ``message``."""
    with LOCK:
        STATE.planned_failures.append(PlannedFailure(message, source_backup_id))


def fail_copy(backup_id: str, message: str, account_id: str = DEFAULT_ACCOUNT_ID) -> None:
    """An existing copy ends FAILED with ``message`` instead of AVAILABLE."""
    with LOCK:
        for backend in _backends(account_id):
            if backup_id in backend.backups:
                backend.backups[backup_id].failure_message = message
                return
    raise KeyError(f"no backup {backup_id} in account {account_id}")


def set_pace(
    seconds: float | None = None, ticks: int | None = None, model: str = COPY_MODEL, in_progress: bool = False
) -> None:
    """How long copies (or, with model=fsx::backup, created backups) take: wall-clock seconds, or describe calls.

    The pace applies to copies started from now on; a copy in progress keeps the pace it started with, unless
    ``in_progress`` is true (then it changes too, e.g. to let a copy a test held back finish now).
    """
    if (seconds is None) == (ticks is None):
        raise ValueError("give exactly one of seconds or ticks")
    if model not in (COPY_MODEL, BACKUP_MODEL):
        raise ValueError(f"model must be {COPY_MODEL} or {BACKUP_MODEL}")
    transition = (
        {"progression": "duration", "seconds": seconds}
        if seconds is not None
        else {"progression": "manual", "times": ticks}
    )
    with LOCK:
        state_manager.set_transition(model, transition)
        if in_progress:
            for account_id in list(fsx_backends):
                for backend in _backends(account_id):
                    for backup in backend.backups.values():
                        if backup.model_name == model and backup.in_progress:
                            backup.transition = dict(transition)


def use_clock(clock: Callable[[], float]) -> None:
    """In-process only: measure the duration pace with ``clock`` (e.g. a virtual clock's ``now``), and stamp
    CreationTime on it: from the present epoch time on, a backup made after the clock moved an hour is an hour
    younger."""
    STATE.use_clock(clock)


def configure(**settings: Any) -> dict[str, Any]:
    with LOCK:
        STATE.settings.update(settings)
        return STATE.settings.as_dict()


def reset() -> None:
    """Forget every backup, file system, fault, setting and pace (moto's reset plus ours)."""
    with LOCK:
        fsx_backends.reset()
        STATE.reset()
        for model in (COPY_MODEL, BACKUP_MODEL):
            state_manager.unset_transition(model)


def record_responses(on: bool = True) -> None:
    """Keep every raw FSx response sent (bounded) until take_responses() hands them over."""
    recorder.enable(on)


def take_responses() -> list[dict[str, Any]]:
    """The raw FSx responses recorded since the last call: operation, status, headers, body."""
    return recorder.take()


def _backends(account_id: str) -> list[EmulatedFSxBackend]:
    if account_id not in fsx_backends:
        return []
    return cast(list[EmulatedFSxBackend], list(fsx_backends[account_id].values()))


def inspect(account_id: str = DEFAULT_ACCOUNT_ID) -> dict[str, Any]:
    """Every backup that exists and the copy counts per Region, without moving any lifecycle on."""
    with LOCK:
        backups = []
        peak: dict[str, int] = {}
        current: dict[str, int] = {}
        for backend in _backends(account_id):
            region = backend.region_name
            if backend.peak_copies_in_progress:
                peak[region] = backend.peak_copies_in_progress
            if n := backend.copies_in_progress():
                current[region] = n
            for backup in backend.backups.values():
                backups.append(
                    {
                        "BackupId": backup.backup_id,
                        "Region": region,
                        "Lifecycle": backup.lifecycle,
                        "SourceBackupId": backup.source_backup_id,
                        "SourceBackupRegion": backup.source_region,
                        "KmsKeyId": backup.kms_key_id,
                        "Tags": {t["Key"]: t["Value"] for t in backend.list_tags_for_resource(backup.resource_arn)},
                    }
                )
        return {
            "backups": backups,
            "peak_copies_in_progress": peak,
            "copies_in_progress": current,
            "calls": dict(STATE.calls),
            "faults_injected": dict(STATE.faults.injected),
            "faults_pending": STATE.faults.pending(),
            "settings": STATE.settings.as_dict(),
        }


# ------------------------------------------------------------------------ HTTP endpoints
def _body(request: Any, headers: Any) -> dict[str, Any]:
    raw: bytes | str | None
    if hasattr(request, "environ"):
        length = int(headers.get("Content-Length") or 0)
        raw = request.environ["wsgi.input"].read(length) if length else b""
    else:
        raw = request.body
    if not raw:
        return {}
    parsed: dict[str, Any] = json.loads(raw)
    return parsed


def _endpoint(action: Callable[[dict[str, Any], dict[str, str]], Any]) -> Callable[[Any, str, Any], TYPE_RESPONSE]:
    def handler(request: Any, full_url: str, headers: Any) -> TYPE_RESPONSE:
        query = {k: v[0] for k, v in parse_qs(urlparse(full_url).query).items()}
        try:
            result = action(_body(request, headers), query)
        except (ValueError, KeyError, TypeError) as error:
            return 400, {"Content-Type": "application/json"}, json.dumps({"error": str(error)})
        return 200, {"Content-Type": "application/json"}, json.dumps(result if result is not None else {"ok": True})

    return handler


ENDPOINTS: dict[str, Callable[[Any, str, Any], TYPE_RESPONSE]] = {
    "faults": _endpoint(lambda b, q: inject_fault(**b) if b else clear_faults()),
    "fail-next-copy": _endpoint(lambda b, q: fail_next_copy(**b)),
    "fail-copy": _endpoint(lambda b, q: fail_copy(**b)),
    "pace": _endpoint(lambda b, q: set_pace(**b)),
    "settings": _endpoint(lambda b, q: configure(**b)),
    "reset": _endpoint(lambda b, q: reset()),
    "record-responses": _endpoint(lambda b, q: record_responses(**b)),
    "responses": _endpoint(lambda b, q: {"responses": take_responses()}),
    "inspect": _endpoint(lambda b, q: inspect(q.get("account_id", DEFAULT_ACCOUNT_ID))),
}


def register_endpoints() -> None:
    """Add the endpoints to moto's moto-api routes (must run before a server serves its first moto-api call)."""
    from moto.moto_api._internal import urls

    for name, handler in ENDPOINTS.items():
        cast(dict[str, Any], urls.url_paths)["{0}" + CONTROL_PREFIX + name] = handler
