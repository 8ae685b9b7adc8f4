"""Run a real Pulumi program under the SDK's mocks and return what it registered, as the engine receives it."""

import json
import runpy
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi

from tests.engine.model import Goal, unwrap_secrets


def goals_from_program(
    program: Path,
    project: str,
    stack: str,
    config: dict[str, Any],
    preview: bool = False,
    resource_ids: dict[str, Callable[[], str]] | None = None,
) -> list[Goal]:
    """Each registration as a Goal: inputs as plain values, the paths of secret ones in ``secret_inputs``, and
    custom timeouts read from the SDK's ``customTimeouts`` input (the dynamic host drops the engine's own)."""
    registered: list[Goal] = []

    class Capture(pulumi.runtime.Mocks):
        def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
            plain, secret_paths = unwrap_secrets(dict(args.inputs))
            registered.append(Goal(args.typ, args.name, plain, secret_inputs={".".join(p) for p in secret_paths}))
            make_id = (resource_ids or {}).get(args.typ)
            return (make_id() if make_id else f"{args.name}-id"), dict(args.inputs)

        def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], None]:
            return {}, None

    pulumi.runtime.set_mocks(Capture(), project=project, stack=stack, preview=preview)
    pulumi.runtime.set_all_config({k: v if isinstance(v, str) else json.dumps(v) for k, v in config.items()})
    sys.path.insert(0, str(program.parent))
    try:

        @pulumi.runtime.test
        def run() -> Any:
            namespace = runpy.run_path(str(program), run_name="__main__")
            outputs = [v.urn for v in namespace.values() if isinstance(v, pulumi.CustomResource)]
            return pulumi.Output.all(*outputs)

        run()
    finally:
        sys.path.remove(str(program.parent))
        pulumi.runtime.set_all_config({})
    for goal in registered:
        timeouts = goal.inputs.get("customTimeouts") or {}
        goal.custom_timeouts = {k: _seconds(v) for k, v in timeouts.items()}
    return registered


def _seconds(duration: str) -> float:
    from fsx_backup_copy_provider.timeouts import parse_duration

    return parse_duration(duration)
