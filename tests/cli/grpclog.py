"""Reading the real CLI's PULUMI_DEBUG_GRPC log: the calls it made to the pulumi-python provider, in order."""

import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class ProviderCall:
    method: str  # the bare method name: Create, Delete, ...
    request: dict[str, Any]
    response: dict[str, Any] | None
    errors: tuple[str, ...]
    started: datetime
    ended: datetime


def _when(stamp: str) -> datetime:
    """Go's RFC 3339 with up to nine fraction digits (trailing zeros dropped), cut to the microseconds Python has."""
    return datetime.fromisoformat(re.sub(r"(\.\d{6})\d+", r"\1", stamp).replace("Z", "+00:00"))


def provider_calls(log: Path) -> list[ProviderCall]:
    """Every completed call to the pulumi-python provider, ordered by when it ended.

    Each unary call is two lines (request_started, then response_completed); the start time is taken from the first.
    """
    started: dict[tuple[str, str], list[str]] = {}
    calls: list[ProviderCall] = []
    if not log.exists():
        return calls
    for line in log.read_text().splitlines():
        entry = json.loads(line)
        metadata = entry.get("metadata") or {}
        if metadata.get("kind") != "resource" or metadata.get("name") != "pulumi-python":
            continue
        method = entry["method"].rsplit("/", 1)[-1]
        key = (method, json.dumps(entry.get("request"), sort_keys=True))
        if entry.get("progress") == "request_started":
            started.setdefault(key, []).append(entry["timestamp"])
            continue
        begun = started.get(key, [entry["timestamp"]]).pop(0) if started.get(key) else entry["timestamp"]
        calls.append(
            ProviderCall(
                method=method,
                request=entry.get("request") or {},
                response=entry.get("response"),
                errors=tuple(entry.get("errors") or ()),
                started=_when(begun),
                ended=_when(entry["timestamp"]),
            )
        )
    return calls


def methods(calls: list[ProviderCall]) -> list[str]:
    return [c.method for c in calls]
