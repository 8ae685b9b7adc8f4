"""Golden RPC logs: the scenarios recorded in the PULUMI_DEBUG_GRPC format, replayed against fresh hosts.

Regenerate after an intended change with ``UPDATE_GOLDEN=1 make test``. A log recorded with a real CLI
(``PULUMI_DEBUG_GRPC=file pulumi up``) can be dropped into golden/ with a ``.setup.json`` beside it and is
replayed the same way. ``*.legacy.jsonl`` keeps a short log in the older one-entry-per-call form, so the reader is
shown to take both.
"""

import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import grpc
import pytest

from tests.engine import scenarios
from tests.engine.harness import UNKNOWN, DynamicHost
from tests.engine.replay import deployments, method_of, read_log, replay
from tests.engine.rpclog import GO_CODE_NAMES, PROLOGUE, go_error
from tests.engine.scenarios import World
from tests.support import FsxAccount

pytestmark = pytest.mark.engine
GOLDEN = Path(__file__).parent / "golden"
CURRENT = "up-update-replace-destroy"
LEGACY = "up-destroy.legacy"

# Scenarios whose RPCs alone reproduce them (no out-of-band change between calls).
RECORDED: dict[str, list[Callable[[World], None]]] = {
    CURRENT: [
        scenarios.up_creates,
        scenarios.up_without_changes,
        scenarios.up_with_tag_change,
        scenarios.preview_with_unknown_input,
        scenarios.get_existing,
        scenarios.up_with_kms_change,
        scenarios.delete_before_replace,
        scenarios.destroy,
    ],
    LEGACY: [scenarios.up_creates, scenarios.destroy],
}


@pytest.mark.parametrize("name", sorted(RECORDED))
def test_recorded_log_matches_the_golden_file(server_account: FsxAccount, name: str) -> None:
    with scenarios.world(server_account) as w:
        for scenario in RECORDED[name]:
            scenario(w)
        log, setup = GOLDEN / f"{name}.jsonl", GOLDEN / f"{name}.setup.json"
        if os.environ.get("UPDATE_GOLDEN"):
            (w.engine.recorder.write_legacy if name == LEGACY else w.engine.recorder.write)(log)
            setup.write_text(json.dumps({"source_backup_id": w.source_backup_id}, indent=2) + "\n")
        golden_methods = [method_of(e) for e in read_log(log)]
        assert [call.method for call in w.engine.recorder.calls] == golden_methods


@pytest.mark.parametrize("log", sorted(GOLDEN.glob("*.jsonl")), ids=lambda p: p.stem)
def test_golden_log_replays_against_fresh_hosts(server_account: FsxAccount, log: Path) -> None:
    setup = json.loads(log.with_suffix(".setup.json").read_text())
    with scenarios.world(server_account) as w:
        substitutions = {setup["source_backup_id"]: w.source_backup_id}
        started: list[int] = []

        def start_host() -> DynamicHost:
            host = DynamicHost(scenarios.EXAMPLE, scenarios.PROJECT, w.engine.env)
            started.append(host.pid)
            return host

        entries = read_log(log)
        problems = replay(entries, start_host, substitutions)
        assert problems == [], "\n".join(problems[:20])
        assert len(started) == len(deployments(entries)) > 1  # a host per deployment, as recorded
        assert w.copies() == []  # the log ends with destroy


def test_the_log_is_written_as_pulumi_debug_grpc_writes_it() -> None:
    """sdk/go/pulumi-internal/rpcdebug: per call a request_started entry, then a response_completed entry with the
    request again, the response or Go's error text, a timestamp and an integer duration (ns); protojson numbers;
    only the provider's entries have metadata name pulumi-python."""
    lines = [json.loads(line) for line in (GOLDEN / f"{CURRENT}.jsonl").read_text().splitlines()]
    assert len(lines) % 2 == 0
    stamp = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
    for first, second in zip(lines[::2], lines[1::2], strict=True):
        assert list(first) == ["method", "request", "metadata", "progress", "timestamp"]
        assert first["progress"] == "request_started" and stamp.match(first["timestamp"])
        outcome = "errors" if "errors" in second else "response"
        expected_keys = ["method", "request", outcome, "metadata", "progress", "timestamp", "duration"]
        assert list(second) == expected_keys
        assert second["method"] == first["method"] and second["request"] == first["request"]
        assert second["progress"] == "response_completed" and isinstance(second["duration"], int)
        assert second["metadata"] == {"kind": "resource", "mode": "client", "name": "pulumi-python"}
        for error in second.get("errors", []):
            assert re.match(r"^rpc error: code = [A-Z][A-Za-z]+ desc = ", error), error
    text = (GOLDEN / f"{CURRENT}.jsonl").read_text()
    assert "code = Unimplemented desc" in text  # the host's Handshake and CheckConfig
    assert '"timeout":28800,' in text and ".0," not in text  # Create's 8h, written as protojson writes a double


def test_go_names_of_grpc_codes() -> None:
    assert go_error(grpc.StatusCode.NOT_FOUND, "gone") == "rpc error: code = NotFound desc = gone"
    assert GO_CODE_NAMES[grpc.StatusCode.CANCELLED] == "Canceled"  # Go spells it with one l
    assert len(GO_CODE_NAMES) == len(grpc.StatusCode)


def test_both_log_forms_read_to_the_same_calls(tmp_path: Path) -> None:
    """The reader folds the two-entry form and drops other plugins' entries (the language host, say)."""
    call = {"method": "/pulumirpc.ResourceProvider/Check", "request": {"urn": "u"}}
    meta = {"metadata": {"kind": "resource", "mode": "client", "name": "pulumi-python"}}
    other = {"method": "/pulumirpc.ResourceProvider/Check", "request": {}, "response": {}, "metadata": {"name": "aws"}}
    current = [
        {**call, **meta, "progress": "request_started", "timestamp": "2025-01-01T00:00:00Z"},
        {**call, "response": {"inputs": {}}, **meta, "progress": "response_completed", "duration": 5},
        other,
    ]
    legacy = [{**call, "response": {"inputs": {}}, **meta}, other]
    for name, entries in (("current", current), ("legacy", legacy)):
        path = tmp_path / f"{name}.jsonl"
        path.write_text("".join(json.dumps(e) + "\n" for e in entries))
        [read] = read_log(path)
        assert read["request"] == {"urn": "u"} and read["response"] == {"inputs": {}}, name


@pytest.mark.parametrize(
    ("pattern", "actual", "ok"),
    [
        ("*", {"anything": 1}, True),
        ({"a": 1, "*": "*"}, {"a": 1, "b": 2}, True),
        ({"a": 1}, {"a": 1, "b": 2}, False),
        ({"\\": "*"}, "*", True),
        ({"\\": "*"}, "x", False),
        ({"id": "backup-1", "tags": {"k": "v"}}, {"id": "backup-2", "tags": {"k": "v"}}, True),  # ids are volatile
        ({"tags": {"k": "v"}}, {"tags": {"k": "w"}}, False),
        ([1, "*"], [1, 2], True),
        ([1, 2], [1], False),
    ],
)
def test_response_patterns(pattern: object, actual: object, ok: bool) -> None:
    from tests.engine.replay import matches

    assert (matches(pattern, actual) == []) is ok


def test_recorded_requests_have_the_engines_contents() -> None:
    """What the engine puts where: old outputs in Diff/Update/Delete, the delete timeout in Delete, unknowns only
    in previews' Check/Diff, an olds-less Check before every Create, plain values (no secret wrappers), a
    Configure with the provider's urn, name, type and id (providers/registry.go Create/Same), oldOutputs in every
    Check, the resource-status address and token on Create/Read/Update/Delete, and a Cancel closing every
    deployment (pkg/host/host.go ReleaseContext)."""
    entries = read_log(GOLDEN / f"{CURRENT}.jsonl")
    by_method: dict[str, list[dict[str, Any]]] = {}
    for entry in entries:
        by_method.setdefault(method_of(entry), []).append(entry["request"])
    for method in ("Diff", "Update"):
        for request in by_method[method]:
            assert "backupId" in request["olds"] and "backupId" not in request["oldInputs"], method
    for request in by_method["Delete"]:
        assert "backupId" in request["properties"] and "backupId" not in request["oldInputs"]
        assert request["timeout"] == 3600  # the program's delete="1h", from the state
    for request in by_method["Configure"]:
        assert {"urn", "name", "type", "id"} <= set(request), request
    for request in by_method["Check"]:
        assert "oldOutputs" in request
    for method in ("Create", "Update", "Delete"):
        for request in by_method[method]:
            assert request["resourceStatusAddress"] and request["resourceStatusToken"], method
    for method, requests in by_method.items():
        for request in requests:
            text = json.dumps(request)
            assert "4dabf18193072939515e22adb298388d" not in text or method == "Configure"
            if UNKNOWN in text:  # and a preview's new provider, configured with the unknown id (registry.go Create)
                assert method in ("Check", "Diff") or (method == "Configure" and request["id"] == UNKNOWN), method
    for group in deployments(entries):
        assert method_of(group[-1]) == "Cancel"
        calls = [e for e in group if method_of(e) not in PROLOGUE]
        for index, entry in enumerate(calls):
            if method_of(entry) == "Create":
                check = next(e for e in reversed(calls[:index]) if method_of(e) == "Check")
                assert check["request"].get("olds", {}) == {}
