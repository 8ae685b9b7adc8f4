"""The engine harness checked against the real engine: one user story played by both, their provider RPCs compared.

Each side writes a PULUMI_DEBUG_GRPC-format log: the real CLI (``PULUMI_DEBUG_GRPC=<file>``) and the harness's
``Recorder``. Both are cut per command, reduced to the pulumi-python provider's calls in the order they were sent
(each call's ``request_started`` entry), and normalised: values that differ from run to run (backup, file system
and key ids, tokens, timestamps, the random seed, addresses, the provider's UUID, the plugin's directory) become
placeholders numbered in order of first appearance, and keys are sorted. What is left is compared call by call.

``ALLOWED`` lists every difference the harness keeps on purpose, each with its reason; tests/engine/README.md's
table says the same.
"""

import json
import re
import runpy
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi

from tests.engine.harness import Goal, goals_from_program, preview_inputs
from tests.engine.rpclog import Call
from tests.engine.scenarios import EXAMPLE, PROJECT, STACK

Request = tuple[str, dict[str, Any]]

# Keys whose values differ by construction between two runs; only their presence is compared.
MASKED_KEYS = {
    "randomSeed": "<seed>",
    "engineAddress": "<address>",
    "loaderTarget": "<address>",
    "mapperTarget": "<address>",
    "resolverTarget": "<address>",
    "resourceStatusAddress": "<address>",
    "resourceStatusToken": "<token>",
    "rootDirectory": "<plugin directory>",
    "programDirectory": "<plugin directory>",
}
# Run-to-run values inside property maps, numbered in order of first appearance so that equal ids stay equal.
VOLATILE = [
    ("backup", re.compile(r"\bbackup-[0-9a-f]{8,}\b")),
    ("fs", re.compile(r"\bfs-[0-9a-f]{8,}\b")),
    ("uuid", re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")),
    ("time", re.compile(r"\b\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:?\d\d)?")),
    ("hex", re.compile(r"\b[0-9a-f]{16,}\b")),
]
UNKNOWN_ID = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"  # the engine's unknown value, kept as it is


@dataclass(frozen=True)
class Allowed:
    """A difference the harness keeps: where it shows (method, request key) and why."""

    method: str
    key: str
    reason: str


# Every difference left between the two logs, with its reason. Empty keys mean "the whole call".
ALLOWED: tuple[Allowed, ...] = ()


class Normaliser:
    """Replaces run-to-run values with numbered placeholders, the numbering shared by one whole log."""

    def __init__(self) -> None:
        self.seen: dict[str, str] = {}

    def value(self, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: self.value(value[k]) for k in sorted(value)}
        if isinstance(value, list):
            return [self.value(v) for v in value]
        if isinstance(value, str):
            return self.text(value)
        return value

    def text(self, text: str) -> str:
        if text == UNKNOWN_ID:
            return "<unknown>"
        for name, pattern in VOLATILE:
            text = pattern.sub(self._replacer(name), text)
        return text

    def _replacer(self, kind: str) -> Callable[[re.Match[str]], str]:
        def replace(match: re.Match[str]) -> str:
            return self._placeholder(kind, match.group(0))

        return replace

    def _placeholder(self, kind: str, found: str) -> str:
        if found not in self.seen:
            count = sum(1 for p in self.seen.values() if p.startswith(f"<{kind}-"))
            self.seen[found] = f"<{kind}-{count + 1}>"
        return self.seen[found]

    def request(self, method: str, request: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key in sorted(request):
            if key in MASKED_KEYS:
                out[key] = MASKED_KEYS[key]
            elif method == "Configure" and key == "id":
                out[key] = "<unknown>" if request[key] == UNKNOWN_ID else "<provider id>"
            else:
                out[key] = self.value(request[key])
        return out


def real_requests(log: Path, start: int, end: int) -> list[Request]:
    """The provider's calls in lines [start, end) of the real CLI's log, as sent (each ``request_started``)."""
    lines = log.read_text().splitlines()[start:end] if log.exists() else []
    found: list[Request] = []
    for line in lines:
        entry = json.loads(line)
        metadata = entry.get("metadata") or {}
        if metadata.get("kind") != "resource" or metadata.get("name") != "pulumi-python":
            continue
        if entry.get("progress", "request_started") != "request_started":
            continue
        found.append((str(entry["method"]).rsplit("/", 1)[-1], entry.get("request") or {}))
    return found


def harness_requests(calls: list[Call]) -> list[Request]:
    return [(call.method, call.request) for call in calls]


def line_count(log: Path) -> int:
    return len(log.read_text().splitlines()) if log.exists() else 0


def differences(
    real: list[Request], harness: list[Request], real_norm: Normaliser, harness_norm: Normaliser
) -> list[str]:
    """Every disagreement between the two normalised sequences that ``ALLOWED`` does not name."""
    problems: list[str] = []
    real_methods = [m for m, _ in real]
    harness_methods = [m for m, _ in harness]
    if real_methods != harness_methods:
        return [f"calls differ:\n  real    {real_methods}\n  harness {harness_methods}"]
    for index, ((method, real_request), (_, harness_request)) in enumerate(zip(real, harness, strict=True)):
        ours = real_norm.request(method, real_request)
        theirs = harness_norm.request(method, harness_request)
        for key in sorted(set(ours) | set(theirs)):
            if ours.get(key) == theirs.get(key) or _allowed(method, key):
                continue
            problems.append(
                f"#{index} {method}.{key}:\n  real    {json.dumps(ours.get(key), sort_keys=True)[:800]}"
                f"\n  harness {json.dumps(theirs.get(key), sort_keys=True)[:800]}"
            )
    return problems


def _allowed(method: str, key: str) -> bool:
    return any(a.method == method and a.key in ("", key) for a in ALLOWED)


# --------------------------------------------------------------------------------------------- the programs
def example_program(delete_before_replace: bool = False, unknown_source: bool = False) -> Callable[[], None]:
    """The cross-region-dr example as an inline program, optionally with deleteBeforeReplace set on its copy (a
    stack transformation) or with its source backup id unknown (as when it comes from a resource not created
    yet)."""

    def program() -> None:
        if delete_before_replace or unknown_source:
            pulumi.runtime.register_stack_transformation(_transformation(delete_before_replace, unknown_source))
        runpy.run_path(str(EXAMPLE / "__main__.py"), run_name="__main__")

    return program


def _transformation(
    delete_before_replace: bool, unknown_source: bool
) -> Callable[[pulumi.ResourceTransformationArgs], pulumi.ResourceTransformationResult | None]:
    def transform(args: pulumi.ResourceTransformationArgs) -> pulumi.ResourceTransformationResult | None:
        props = dict(args.props)
        if unknown_source:
            props["source_backup_id"] = _unknown()
        opts = args.opts
        if delete_before_replace:
            opts = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(delete_before_replace=True))
        return pulumi.ResourceTransformationResult(props, opts)

    return transform


def _unknown() -> pulumi.Output[str]:
    """An output whose value is not known in a preview, as a resource's output is before it exists."""
    import asyncio

    known: asyncio.Future[bool] = asyncio.get_event_loop().create_future()
    known.set_result(False)
    value: asyncio.Future[str] = asyncio.get_event_loop().create_future()
    value.set_result("")
    return pulumi.Output(set(), value, known)


def harness_goals(
    config: dict[str, str], delete_before_replace: bool = False, unknown_source: bool = False
) -> list[Goal]:
    """What the same program registers, found by running it under the SDK's mocks."""
    goals = goals_from_program(EXAMPLE / "__main__.py", PROJECT, STACK, dict(config))
    if delete_before_replace:
        for goal in goals:
            goal.delete_before_replace = True
    if unknown_source:
        goals = [preview_inputs(goal, {"sourceBackupId"}) for goal in goals]
    return goals
