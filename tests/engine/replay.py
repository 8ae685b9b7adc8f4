"""Replay a PULUMI_DEBUG_GRPC log (ours, or one recorded with a real CLI) against fresh dynamic hosts.

Both log forms are read: the current one (sdk/go/pulumi-internal/rpcdebug: a ``request_started`` entry, then a
``response_completed`` entry carrying the request again with the response or errors) and the older one entry per
call. Only the provider's entries are kept (``metadata.name == "pulumi-python"``); the language host's and the
engine's own servers' entries are not ours to replay. Each deployment in the log (it starts with the plugin
launch: Handshake, or GetPluginInfo where no Handshake was logged) is replayed against a host of its own, as the
engine starts one per deployment.

Like pulumi/providertest's replay: each entry's request is parsed with protojson and sent; the response must match
the recorded one, where ``"*"`` matches anything, ``{"\\\\": x}`` matches x literally, and an object pattern needs the
same keys unless it has a ``"*"`` key. Values that differ from run to run (ids, ARNs, times, __provider) are
wildcards too; as they are seen, recorded values are mapped to live ones so later requests refer to the live copy.
"""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import empty_pb2, json_format
from pulumi.runtime.proto import provider_pb2

from tests.engine.host import DynamicHost

REQUEST_TYPES: dict[str, Any] = {
    "Handshake": provider_pb2.ProviderHandshakeRequest,
    "GetPluginInfo": empty_pb2.Empty,
    "CheckConfig": provider_pb2.CheckRequest,
    "DiffConfig": provider_pb2.DiffRequest,
    "Configure": provider_pb2.ConfigureRequest,
    "Check": provider_pb2.CheckRequest,
    "Diff": provider_pb2.DiffRequest,
    "Create": provider_pb2.CreateRequest,
    "Read": provider_pb2.ReadRequest,
    "Update": provider_pb2.UpdateRequest,
    "Delete": provider_pb2.DeleteRequest,
    "Cancel": empty_pb2.Empty,
}
VOLATILE_KEYS = frozenset(
    {"__provider", "id", "backupId", "arn", "creationTime", "kmsKeyId", "fileSystemId", "randomSeed", "handOver"}
)


def read_log(path: Path) -> list[dict[str, Any]]:
    """One entry per completed provider call, from JSON lines (the CLI's format) or one JSON array, in either form:
    a call's ``request_started`` entry is dropped (its ``response_completed`` entry repeats the request)."""
    text = path.read_text().strip()
    entries: list[dict[str, Any]] = (
        json.loads(text) if text.startswith("[") else [json.loads(line) for line in text.splitlines() if line.strip()]
    )
    return [
        e
        for e in entries
        if e.get("method", "").startswith("/pulumirpc.ResourceProvider/")
        and (e.get("metadata") or {}).get("name") == "pulumi-python"
        and e.get("progress", "response_completed") == "response_completed"
        and ("response" in e or "errors" in e)
    ]


def method_of(entry: dict[str, Any]) -> str:
    return str(entry["method"]).rsplit("/", 1)[-1]


def deployments(entries: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """The log cut where a plugin launch begins: Handshake, or GetPluginInfo not right after a Handshake."""
    groups: list[list[dict[str, Any]]] = []
    for entry in entries:
        method = method_of(entry)
        launch = method == "Handshake" or (
            method == "GetPluginInfo" and (not groups or method_of(groups[-1][-1]) != "Handshake")
        )
        if launch or not groups:
            groups.append([])
        groups[-1].append(entry)
    return groups


def matches(pattern: Any, actual: Any, path: str = "$") -> list[str]:
    """Mismatches between a response pattern and the live response (empty when it matches)."""
    if pattern == "*":
        return []
    if isinstance(pattern, dict) and set(pattern) == {"\\"}:
        literal = pattern["\\"]
        return [] if literal == actual else [f"{path}: expected {literal!r}, got {actual!r}"]
    if isinstance(pattern, dict):
        if not isinstance(actual, dict):
            return [f"{path}: expected an object, got {actual!r}"]
        problems = []
        if "*" not in pattern and set(pattern) != set(actual):
            problems.append(
                f"{path}: keys differ: missing {sorted(set(pattern) - set(actual))}, "
                f"unexpected {sorted(set(actual) - set(pattern))}"
            )
        for key, value in pattern.items():
            if key != "*" and key in actual:
                problems += [] if key in VOLATILE_KEYS else matches(value, actual[key], f"{path}.{key}")
        return problems
    if isinstance(pattern, list):
        if not isinstance(actual, list) or len(pattern) != len(actual):
            return [f"{path}: expected {pattern!r}, got {actual!r}"]
        return [p for i, (a, b) in enumerate(zip(pattern, actual, strict=True)) for p in matches(a, b, f"{path}[{i}]")]
    return [] if pattern == actual else [f"{path}: expected {pattern!r}, got {actual!r}"]


def _learn(recorded: Any, live: Any, substitutions: dict[str, str]) -> None:
    if isinstance(recorded, dict) and isinstance(live, dict):
        for key, value in recorded.items():
            if key in VOLATILE_KEYS and isinstance(value, str) and isinstance(live.get(key), str):
                if value != live[key] and len(value) > 8:
                    substitutions[value] = live[key]
            else:
                _learn(value, live.get(key), substitutions)


def _substitute(text: str, substitutions: dict[str, str]) -> str:
    for recorded, live in sorted(substitutions.items(), key=lambda item: -len(item[0])):
        text = text.replace(recorded, live)
    return text


def replay(
    entries: list[dict[str, Any]], start_host: Callable[[], DynamicHost], substitutions: dict[str, str]
) -> list[str]:
    """Send every entry's request, each deployment to a fresh host; return every mismatch, prefixed with the
    entry's position in ``entries``."""
    problems: list[str] = []
    position = 0
    for group in deployments(entries):
        host = start_host()
        try:
            problems += _replay_one(group, host, substitutions, position)
        finally:
            host.stop()
        position += len(group)
    return problems


def _replay_one(
    entries: list[dict[str, Any]], host: DynamicHost, substitutions: dict[str, str], first: int
) -> list[str]:
    problems: list[str] = []
    for offset, entry in enumerate(entries):
        index = first + offset
        method = method_of(entry)
        request = json_format.Parse(_substitute(json.dumps(entry["request"]), substitutions), REQUEST_TYPES[method]())
        try:
            response = json_format.MessageToDict(getattr(host.stub, method)(request, timeout=600))
            error = None
        except grpc.RpcError as rpc_error:
            response, error = None, rpc_error
        where = f"#{index} {method}"
        if "errors" in entry:
            if error is None:
                problems.append(f"{where}: expected an error, got {response}")
            continue
        if error is not None:
            problems.append(f"{where}: unexpected error {error.code().name}: {(error.details() or '')[-300:]}")
            continue
        _learn(entry["response"], response, substitutions)
        expected = json.loads(_substitute(json.dumps(entry["response"]), substitutions))
        problems += [f"{where}: {p}" for p in matches(expected, response)]
    return problems
