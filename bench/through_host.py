"""3-5: through the engine harness, the real dynamic host and the fsx-emulator server process.

Every deployment runs in a host of its own, as under the CLI (tests/engine/README.md).

3. A fleet of N copies of duration T into one Region: makespan of the update deployment (``up --skip-preview``)
   over AWS's bound ceil(N/5)*T.
4. Provider overhead per call: Check, Diff and Read latency, cold (first call in a new host) and warm.
5. Large stacks: a preview (Check + Diff per resource) of 100, 250 and 500 resources: time, AWS calls, host memory.
"""

import math
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fsx_emulator.client import EmulatorClient
from tests.engine import scenarios
from tests.engine.harness import Engine, Goal, StateEntry, host_env
from tests.support import FsxAccount, start_emulator

FLEET_SIZE, COPY_SECONDS = 20, 4.0


def _timed(action: Callable[[], Any]) -> float:
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def _peak_memory_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def fleet_makespan(account: FsxAccount) -> dict[str, Any]:
    account.controls.reset()
    account.controls.set_pace(seconds=COPY_SECONDS)
    with scenarios.fleet(account, time_scale=0.002) as fleet:
        goals = fleet.goals(FLEET_SIZE)
        start = time.perf_counter()
        outcome = fleet.engine.up(goals, skip_preview=True)  # the update deployment alone, host start included
        makespan = time.perf_counter() - start
        assert not outcome.errors, outcome.errors
        peak = account.controls.inspect()["peak_copies_in_progress"][scenarios.DR_REGION]
        fleet.engine.destroy(skip_preview=True)
    bound = math.ceil(FLEET_SIZE / 5) * COPY_SECONDS
    return {
        "copies": FLEET_SIZE,
        "copy_seconds": COPY_SECONDS,
        "makespan_s": round(makespan, 2),
        "aws_bound_s": bound,
        "ratio": round(makespan / bound, 2),
        "peak_in_progress": peak,
        "unwidened_host_bound_s": math.ceil(FLEET_SIZE / 4) * COPY_SECONDS,  # the host's own 4 workers
    }


def call_overhead(account: FsxAccount) -> dict[str, Any]:
    account.controls.reset()
    with scenarios.world(account) as w:
        [goal] = w.goals()
        urn = w.urn
        scenarios.up_creates(w)
        entry = w.engine.state[urn]
        with w.engine.deployment(preview=True) as d:  # one more deployment: a fresh host, so the first call is cold
            cold_check = _timed(lambda: d.check(urn, goal, {}))  # first resource call: loads the provider
            checks = [_timed(lambda: d.check(urn, goal, entry.inputs)) for _ in range(200)]
            news = d.check(urn, goal, entry.inputs)
            diffs = [_timed(lambda: d.diff(entry, news)) for _ in range(200)]
            before = account.controls.inspect()["calls"]
            reads = [_timed(lambda: d.read(entry)) for _ in range(50)]
            after = account.controls.inspect()["calls"]
        calls_per_read = {
            op: (after.get(op, 0) - before.get(op, 0)) / 50 for op in after if after.get(op, 0) != before.get(op, 0)
        }
    account.controls.reset()
    with scenarios.world(account) as fresh, fresh.engine.deployment(preview=True) as d:
        [goal] = fresh.goals()
        cold_diff_check = _timed(lambda: d.check(fresh.urn, goal, {}))
    return {
        "check_ms": {
            "cold": round(cold_check, 1),
            "cold_again": round(cold_diff_check, 1),
            "warm_median": round(statistics.median(checks), 2),
            "warm_p95": round(_percentile(checks, 0.95), 2),
        },
        "diff_ms": {"warm_median": round(statistics.median(diffs), 2), "warm_p95": round(_percentile(diffs, 0.95), 2)},
        "read_ms": {"warm_median": round(statistics.median(reads), 2), "warm_p95": round(_percentile(reads, 0.95), 2)},
        "aws_calls_per_read": calls_per_read,
    }


def large_preview(account: FsxAccount) -> dict[str, Any]:
    account.controls.reset()
    with scenarios.fleet(account) as fleet:
        [template_goal] = fleet.goals(1)
        assert not fleet.engine.up([template_goal]).errors
        [template] = fleet.engine.state.values()
        results: dict[str, Any] = {}
        for size in (100, 250, 500):
            config = {"aws:region": scenarios.DR_REGION}
            engine = Engine(scenarios.FLEET, "fleet", scenarios.STACK, config, host_env(account.endpoint_url or ""))
            entries = []
            for i in range(size):
                name = f"copy-{i:04d}"
                inputs = {**template.inputs, "resourceIdentity": f"fleet/dr/{name}"}
                urn = engine.urn(template.type, name)
                goal = Goal(template.type, name, inputs)
                outputs = {**template.outputs, "backupId": f"backup-{i:017x}"}
                entries.append((goal, StateEntry(urn, template.type, outputs["backupId"], inputs, outputs)))
            calls_before = account.controls.inspect()["calls"]
            with engine.deployment(preview=True) as d:  # one `pulumi preview`: its own host
                start = time.perf_counter()
                # The step generator takes registrations one at a time and sends each Check and Diff itself
                # (deployment_executor.go handleSingleEvent; parallel diff is off by default), so one after another.
                for goal, entry in entries:
                    d.diff(entry, d.check(entry.urn, goal, entry.inputs))
                elapsed = time.perf_counter() - start
                results[str(size)] = {
                    "total_s": round(elapsed, 2),
                    "ms_per_resource": round(elapsed * 1000 / size, 2),
                    "aws_calls": sum(account.controls.inspect()["calls"].values()) - sum(calls_before.values()),
                    "host_peak_mib": _peak_memory_mib(d.host.pid),
                }
        fleet.engine.destroy(skip_preview=True)
    return results


def run() -> dict[str, Any]:
    emulator = start_emulator()
    try:
        account = FsxAccount(controls=EmulatorClient(emulator.endpoint), endpoint_url=emulator.endpoint)
        return {
            "3_fleet": fleet_makespan(account),
            "4_overhead": call_overhead(account),
            "5_large_preview": large_preview(account),
        }
    finally:
        emulator.stop()
