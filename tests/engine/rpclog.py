"""The RPC log the harness keeps, written the way the CLI writes ``PULUMI_DEBUG_GRPC=<file>``.

Format (pulumi/pulumi sdk/go/pulumi-internal/rpcdebug, interceptors.go DebugClientInterceptor and logformat.go
debugInterceptorLogEntry): two JSON lines per unary call, in the struct's field order ``method``, ``request``,
``response``/``errors``, ``metadata``, ``progress``, ``timestamp``, ``duration``. The first line has
``progress: request_started``; the second repeats the request, adds the response (or ``errors``), ``progress:
response_completed``, the completion ``timestamp`` and ``duration`` in integer nanoseconds (Go's time.Duration).
Messages are protojson (Go's ``protojson.Marshal``): numbers in a Struct are doubles written without a trailing
``.0``; an error is Go's ``status.Error`` text, ``rpc error: code = NotFound desc = ...`` (codes.Code.String()).
The older one-entry-per-call form (no ``progress``) is still written by ``write_legacy`` for the replay test.
"""

import datetime
import json
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import json_format

# The client interceptor's metadata for a resource plugin (provider_plugin.go providerPluginDialOptions).
METADATA = {"kind": "resource", "mode": "client", "name": "pulumi-python"}
# The calls that load and release the provider rather than act on a resource: the prologue, and the Cancel each
# provider gets when its deployment ends (pkg/host/host.go ReleaseContext).
PROLOGUE = frozenset({"Handshake", "GetPluginInfo", "CheckConfig", "DiffConfig", "Configure", "Cancel"})

# google.golang.org/grpc/codes: Code.String() spells each code in CamelCase.
GO_CODE_NAMES = {
    grpc.StatusCode.OK: "OK",
    grpc.StatusCode.CANCELLED: "Canceled",
    grpc.StatusCode.UNKNOWN: "Unknown",
    grpc.StatusCode.INVALID_ARGUMENT: "InvalidArgument",
    grpc.StatusCode.DEADLINE_EXCEEDED: "DeadlineExceeded",
    grpc.StatusCode.NOT_FOUND: "NotFound",
    grpc.StatusCode.ALREADY_EXISTS: "AlreadyExists",
    grpc.StatusCode.PERMISSION_DENIED: "PermissionDenied",
    grpc.StatusCode.RESOURCE_EXHAUSTED: "ResourceExhausted",
    grpc.StatusCode.FAILED_PRECONDITION: "FailedPrecondition",
    grpc.StatusCode.ABORTED: "Aborted",
    grpc.StatusCode.OUT_OF_RANGE: "OutOfRange",
    grpc.StatusCode.UNIMPLEMENTED: "Unimplemented",
    grpc.StatusCode.INTERNAL: "Internal",
    grpc.StatusCode.UNAVAILABLE: "Unavailable",
    grpc.StatusCode.DATA_LOSS: "DataLoss",
    grpc.StatusCode.UNAUTHENTICATED: "Unauthenticated",
}


def protojson(message: Any) -> dict[str, Any]:
    """A message as Go's protojson writes it: Python's MessageToDict with integral doubles written as integers."""
    converted: dict[str, Any] = _integral(json_format.MessageToDict(message))
    return converted


def _integral(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return int(value)
    if isinstance(value, dict):
        return {k: _integral(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_integral(v) for v in value]
    return value


def go_error(code: grpc.StatusCode, details: str) -> str:
    return f"rpc error: code = {GO_CODE_NAMES.get(code, 'Unknown')} desc = {details}"


def _go_json(entry: dict[str, Any]) -> str:
    """One line as Go's json.Encoder writes it: compact, non-ASCII kept, <, > and & escaped."""
    text = json.dumps(entry, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escaped)
    return text + "\n"


def _go_time(epoch: float) -> str:
    """time.Time's JSON form (RFC 3339 with fractional seconds, trailing zeros dropped), in UTC."""
    stamp = datetime.datetime.fromtimestamp(epoch, tz=datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f").rstrip("0")
    return stamp.rstrip(".") + "Z"


@dataclass
class Call:
    """One unary call: what was sent, what came back, when, and in which deployment (host process)."""

    method: str
    request: dict[str, Any]
    deployment: int
    started: float
    response: dict[str, Any] | None = None
    error: str | None = None
    completed: float = 0.0

    def entries(self) -> list[dict[str, Any]]:
        full = f"/pulumirpc.ResourceProvider/{self.method}"
        first = {
            "method": full,
            "request": self.request,
            "metadata": METADATA,
            "progress": "request_started",
            "timestamp": _go_time(self.started),
        }
        second: dict[str, Any] = {"method": full, "request": self.request}
        if self.error is not None:
            second["errors"] = [self.error]
        else:
            second["response"] = self.response
        second.update(
            metadata=METADATA,
            progress="response_completed",
            timestamp=_go_time(self.completed),
            duration=round((self.completed - self.started) * 1e9),
        )
        return [first, second]

    def legacy_entry(self) -> dict[str, Any]:
        """The older one-line form: request and response (or errors) together, no progress or timing."""
        entry: dict[str, Any] = {"method": f"/pulumirpc.ResourceProvider/{self.method}", "request": self.request}
        if self.error is not None:
            entry["errors"] = [self.error]
        else:
            entry["response"] = self.response
        entry["metadata"] = METADATA
        return entry


@dataclass
class Recorder:
    """Every call of every deployment, in the order they completed their request."""

    calls: list[Call] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self, method: str, request: Any, deployment: int) -> Call:
        call = Call(method, protojson(request), deployment, time.time())
        with self.lock:
            self.calls.append(call)
        return call

    @staticmethod
    def finish(call: Call, response: Any = None, error: tuple[grpc.StatusCode, str] | None = None) -> None:
        call.completed = time.time()
        if error is not None:
            call.error = go_error(*error)
        else:
            call.response = protojson(response)

    @property
    def entries(self) -> list[dict[str, Any]]:
        """The log as PULUMI_DEBUG_GRPC would hold it (two entries per call)."""
        with self.lock:
            calls = list(self.calls)
        return [entry for call in calls for entry in call.entries()]

    def methods(self) -> list[str]:
        with self.lock:
            return [call.method for call in self.calls]

    def write(self, path: Path) -> None:
        path.write_text("".join(_go_json(entry) for entry in self.entries))

    def write_legacy(self, path: Path) -> None:
        with self.lock:
            calls = list(self.calls)
        path.write_text("".join(json.dumps(c.legacy_entry(), sort_keys=True) + "\n" for c in calls))
