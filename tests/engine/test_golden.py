"""Golden RPC logs: the scenarios recorded in PULUMI_DEBUG_GRPC format, replayed against a fresh host.

Regenerate after an intended change with ``UPDATE_GOLDEN=1 make test``. A log recorded with a real CLI
(``PULUMI_DEBUG_GRPC=file pulumi up``) can be dropped into golden/ with a ``.setup.json`` beside it and is
replayed the same way.
"""

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.engine import scenarios
from tests.engine.replay import read_log, replay
from tests.engine.scenarios import World
from tests.support import FsxAccount

pytestmark = pytest.mark.engine
GOLDEN = Path(__file__).parent / "golden"

# Scenarios whose RPCs alone reproduce them (no out-of-band change between calls).
RECORDED: dict[str, list[Callable[[World], None]]] = {
    "up-update-replace-destroy": [
        scenarios.up_creates,
        scenarios.up_without_changes,
        scenarios.up_with_tag_change,
        scenarios.preview_with_unknown_input,
        scenarios.get_existing,
        scenarios.up_with_kms_change,
        scenarios.delete_before_replace,
        scenarios.destroy,
    ],
}


@pytest.mark.parametrize("name", sorted(RECORDED))
def test_recorded_log_matches_the_golden_file(server_account: FsxAccount, name: str) -> None:
    with scenarios.world(server_account) as w:
        for scenario in RECORDED[name]:
            scenario(w)
        log, setup = GOLDEN / f"{name}.jsonl", GOLDEN / f"{name}.setup.json"
        if os.environ.get("UPDATE_GOLDEN"):
            w.engine.recorder.write(log)
            setup.write_text(json.dumps({"source_backup_id": w.source_backup_id}, indent=2) + "\n")
        golden_methods = [e["method"] for e in read_log(log)]
        assert [e["method"] for e in w.engine.recorder.entries] == golden_methods


@pytest.mark.parametrize("log", sorted(GOLDEN.glob("*.jsonl")), ids=lambda p: p.stem)
def test_golden_log_replays_against_a_fresh_host(server_account: FsxAccount, log: Path) -> None:
    setup = json.loads(log.with_suffix(".setup.json").read_text())
    with scenarios.world(server_account) as w:
        substitutions = {setup["source_backup_id"]: w.source_backup_id}
        problems = replay(read_log(log), w.engine.host, substitutions)
        assert problems == [], "\n".join(problems[:20])
        assert w.copies() == []  # the log ends with destroy


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
    """What the engine puts where (contract §3.1): old outputs in Diff/Update/Delete, unknowns only in previews'
    Check/Diff, an empty-olds second Check on replacement, plain values (no secret wrappers)."""
    from tests.engine.harness import UNKNOWN

    entries = read_log(GOLDEN / "up-update-replace-destroy.jsonl")
    by_method: dict[str, list[dict[str, Any]]] = {}
    for entry in entries:
        by_method.setdefault(entry["method"].rsplit("/", 1)[-1], []).append(entry["request"])
    for method in ("Diff", "Update"):
        for request in by_method[method]:
            assert "backupId" in request["olds"] and "backupId" not in request["oldInputs"], method
    for request in by_method["Delete"]:
        assert "backupId" in request["properties"] and "backupId" not in request["oldInputs"]
    for method, requests in by_method.items():
        for request in requests:
            text = json.dumps(request)
            assert "4dabf18193072939515e22adb298388d" not in text or method == "Configure"
            if UNKNOWN in text:
                assert method in ("Check", "Diff"), method
    methods = [e["method"].rsplit("/", 1)[-1] for e in entries]
    creates = [i for i, m in enumerate(methods) if m == "Create"]
    replacement_creates = creates[1:]
    for index in replacement_creates:  # every Create of a replacement follows a Check with empty olds
        check = entries[index - 1] if methods[index - 1] == "Check" else entries[index - 2]
        assert check["request"].get("olds", {}) == {}
