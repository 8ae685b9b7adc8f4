"""Drift gate for a stack with a BackupCopyRotation: read `pulumi preview --refresh --json` and fail only on drift.

On such a stack a new source backup makes the preview propose a create (its copy), and, once the window is full,
a delete of the oldest copy in the same Region: that is the next rotation, not drift. Everything else is drift:

- an update, replace or any other change of an existing copy (a tag changed by hand, a key or source changed);
- a delete in a Region that gets fewer new copies than it loses (copies lost or the program changed);
- any change to a resource that is not a BackupCopy (the rotation component, other resources).

Not seen as drift: a copy deleted by hand (after the refresh it is proposed as a create, like a new backup's copy;
the next rotation makes it again). Use `pulumi preview --refresh --expect-no-changes` for stacks of plain BackupCopy
resources, where every proposed change is drift.

Usage: fsx_drift_gate.py PREVIEW_JSON; exit 0: no drift, 1: drift (each step listed), 2: the file cannot be read.
Standard library only, so it runs on the runner's Python without the program's dependencies.
"""

import json
import sys
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

BACKUP_COPY = "pulumi-python:dynamic/fsx:BackupCopy"
NO_CHANGE = {"same", "read", "refresh"}


def _region(step: Mapping[str, Any]) -> str:
    for side, part in (("newState", "inputs"), ("oldState", "outputs"), ("oldState", "inputs")):
        region = ((step.get(side) or {}).get(part) or {}).get("region")
        if isinstance(region, str):
            return region
    return "an unknown Region"


def _type(step: Mapping[str, Any]) -> str:
    state = step.get("newState") or step.get("oldState") or {}
    if isinstance(state.get("type"), str):
        return str(state["type"])
    parts = str(step.get("urn", "")).split("::")  # urn:pulumi:STACK::PROJECT::[PARENT$]TYPE::NAME
    return parts[-2].rsplit("$", 1)[-1] if len(parts) >= 4 else ""


def drift(preview: Mapping[str, Any]) -> list[str]:
    """Why this preview is drift on a rotation stack, one line per step; empty when it is only a rotation."""
    steps = [s for s in preview.get("steps") or [] if s.get("op") not in NO_CHANGE]
    creates = Counter(_region(s) for s in steps if s.get("op") == "create" and _type(s) == BACKUP_COPY)
    deletes = Counter(_region(s) for s in steps if s.get("op") == "delete" and _type(s) == BACKUP_COPY)
    found = []
    for step in steps:
        op, urn, kind = step.get("op"), step.get("urn", "?"), _type(step)
        if kind == BACKUP_COPY and op == "create":
            continue
        region = _region(step)
        if kind == BACKUP_COPY and op == "delete" and deletes[region] <= creates[region]:
            continue
        why = "more copies leave than arrive in " + region if op == "delete" and kind == BACKUP_COPY else op
        found.append(f"{why}: {urn}")
    return found


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: fsx_drift_gate.py PREVIEW_JSON (the output of pulumi preview --refresh --json)", file=sys.stderr)
        return 2
    try:
        preview = json.loads(Path(argv[1]).read_text())
    except (OSError, ValueError) as error:
        print(f"fsx_drift_gate: cannot read the preview {argv[1]}: {error}", file=sys.stderr)
        return 2
    if not isinstance(preview, dict):
        print(f"fsx_drift_gate: {argv[1]} is not the JSON object `pulumi preview --json` prints", file=sys.stderr)
        return 2
    problems = drift(preview)
    for line in problems:
        print(f"drift: {line}")
    if not problems:
        summary = preview.get("changeSummary") or {}
        print(f"no drift: {summary.get('create', 0)} new copies, {summary.get('delete', 0)} rotated out")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
