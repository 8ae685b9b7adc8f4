"""9. Through the real engine: the `pulumi` CLI (``make pulumi``) and its dynamic-provider host, beside a floor.

Every figure is taken in one run beside the floor (bench/floor_provider.py: a dynamic resource whose provider does
nothing and calls nothing) under the same CLI, so that the ratio shows what BackupCopy adds to what the engine, the
dynamic host and the SDK cost anyway. Programs are inline (the Automation API; tests/cli/realengine.py), each stack
in a file backend of its own, against one fsx-emulator process.

a. Preview of N = 1, 100, 500 resources, of a fresh stack and with no changes: wall time, peak RSS of the CLI and
   of the provider host (VmHWM, sampled from /proc), FSx calls (must be 0); ratio to the floor.
b. Fan-out: N copies into R Regions at a pace of T s per copy, with the engine's default parallelism and with
   ``--parallel 4``: the span of the engine's Create calls (its PULUMI_DEBUG_GRPC log) against AWS's bound
   max_r ceil(n_r / 5) * T, and the peak copies in progress per Region (the emulator's count).
c. State size: checkpoint bytes per resource at N = 500, the pickled ``__provider`` included.
d. Refresh of 100 copies: wall time, DescribeBackups calls, and how many Reads the engine had in flight at once.
e. Short commands while 16 creates wait on long copies: a preview and a tag-change `up` of other stacks (ours and
   the floor's), idle and under load; and a tag change inside the deployment that runs the 16 creates.
"""

import math
import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, cast

from bench.floor_provider import Floor
from fsx_emulator.client import EmulatorClient
from pulumi_fsx_backup_copy import BackupCopy
from tests.cli.grpclog import ProviderCall, provider_calls
from tests.cli.realengine import Background, RealStack, cli_version, find_cli
from tests.support import FsxAccount, start_emulator

SOURCE_REGION = "us-east-2"
REGIONS = ("us-west-2", "eu-west-1", "ap-southeast-2")
PREVIEW_SIZES = (1, 100, 500)
REFRESH_SIZE = 100
FAN_OUT_PACE = 1.0  # seconds per copy: small, so the section stays short; per-wave overhead weighs more than at AWS
IN_FLIGHT = 16
PREVIEW_GOAL, FAN_OUT_GOAL, UNDER_LOAD_GOAL = 1.2, 1.15, 1.5
NO_CLI = "skipped: no pulumi CLI (`make pulumi` builds one into .cache/pulumi; needs Go 1.26+)"
Kind = str  # "ours" (BackupCopy) or "floor"
KINDS: tuple[Kind, ...] = ("floor", "ours")


def fleet(
    kind: Kind,
    count: int,
    source: str,
    regions: tuple[str, ...] = REGIONS[:1],
    prefix: str = "copy",
    tags: dict[str, dict[str, str]] | None = None,
) -> Callable[[], None]:
    """A program of ``count`` resources spread round-robin over ``regions``; ``tags`` by name (else one tag).

    Every command's program runs in this one process, so the section declares several thousand dynamic resources
    in it: more than the SDK's serialize_provider allowed before BackupCopyProvider pickled with no state
    (provider.py, ``__getstate__``), which is what lets it pass.
    """
    resource: Any = BackupCopy if kind == "ours" else Floor

    def program() -> None:
        for i in range(count):
            name = f"{prefix}-{i:03d}"
            resource(
                name,
                source_backup_id=source,
                source_region=SOURCE_REGION,
                region=regions[i % len(regions)],
                tags=(tags or {}).get(name, {"fleet": "dr"}),
            )

    return program


@dataclass
class Peaks:
    """Peak resident memory (VmHWM) of the CLI and of the provider hosts under this process, sampled from /proc.

    The CLI is this process's child (the Automation API starts it) and the host its child in turn, so
    getrusage(RUSAGE_CHILDREN) would mix the two and never go down between commands; sampling keeps them apart.
    VmHWM only grows, so a sample every 50 ms misses at most the last 50 ms of a process's life.
    """

    cli: Path
    interval: float = 0.05
    cli_kib: int = 0
    host_kib: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)

    def _sample(self) -> None:
        me = os.getpid()
        parents: dict[int, int] = {}
        for entry in os.scandir("/proc"):
            if entry.name.isdigit():
                try:
                    with open(f"/proc/{entry.name}/stat", "rb") as stat:
                        parents[int(entry.name)] = int(stat.read().rsplit(b")", 1)[1].split()[1])
                except (OSError, ValueError, IndexError):
                    continue
        mine = {me}
        for _ in range(4):  # this process -> CLI -> host (-> whatever the host starts)
            mine |= {pid for pid, parent in parents.items() if parent in mine}
        for pid in mine - {me}:
            try:
                status = Path(f"/proc/{pid}/status").read_text()
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
                is_cli = os.readlink(f"/proc/{pid}/exe") == str(self.cli.resolve())
            except OSError:
                continue
            hwm = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")), 0)
            if is_cli:
                self.cli_kib = max(self.cli_kib, hwm)
            elif b"pulumi.dynamic" in cmdline:
                self.host_kib = max(self.host_kib, hwm)

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    @contextmanager
    def sampling(self) -> Iterator["Peaks"]:
        thread = threading.Thread(target=self._loop, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self._stop.set()
            thread.join()


@dataclass
class Bench:
    """The CLI, the emulator and a folder for the section's stacks."""

    cli: Path
    account: FsxAccount
    root: Path
    stacks: list[RealStack] = field(default_factory=list)

    def stack(self, name: str, log: bool = False) -> RealStack:
        assert self.account.endpoint_url
        stack = RealStack(cli=self.cli, root=self.root / name, endpoint=self.account.endpoint_url, name="bench")
        if log:
            stack.extra_env["PULUMI_DEBUG_GRPC"] = str(stack.root / "grpc.log")
        stack.stack  # noqa: B018 - the workspace and the stack are made before anything is timed
        self.stacks.append(stack)
        return stack

    def fsx_calls(self) -> dict[str, int]:
        calls: dict[str, int] = self.account.controls.inspect()["calls"]
        return dict(calls)

    def measured(self, action: Callable[[], Any]) -> dict[str, Any]:
        """Wall time, peak RSS of CLI and host, and FSx calls of one command."""
        before = self.fsx_calls()
        with Peaks(self.cli).sampling() as peaks:
            start = time.perf_counter()
            action()
            wall = time.perf_counter() - start
        after = self.fsx_calls()
        return {
            "wall_s": round(wall, 2),
            "cli_peak_mib": round(peaks.cli_kib / 1024, 1),
            "host_peak_mib": round(peaks.host_kib / 1024, 1),
            "fsx_calls": sum(after.values()) - sum(before.values()),
        }

    def fresh_source(self, pace: float) -> str:
        """Forget every backup and count, make a source backup, and set the pace of copies from now on."""
        self.account.controls.reset()
        source = self.account.source_backup(SOURCE_REGION)
        self.account.controls.set_pace(seconds=pace)
        return source

    def end(self) -> None:
        for stack in self.stacks:
            stack.end_leftover_processes()


def _ratio(ours: float, floor: float) -> float:
    return round(ours / floor, 2) if floor > 0 else math.inf


def _calls(log: Path, method: str, name: str | None = None) -> list[ProviderCall]:
    return [
        c
        for c in provider_calls(log)
        if c.method == method and (name is None or c.request.get("urn", "").endswith(f"::{name}"))
    ]


def _most_at_once(calls: list[ProviderCall]) -> int:
    events = sorted([(c.started, 1) for c in calls] + [(c.ended, -1) for c in calls])
    most = current = 0
    for _, step in events:
        current += step
        most = max(most, current)
    return most


# ------------------------------------------------------------------------------------------------------ a, c, d
def previews_state_refresh(bench: Bench) -> dict[str, Any]:
    """a, c and d on one stack per kind, grown to each N in turn by `up` (only the previews are timed as a)."""
    source = bench.fresh_source(pace=0.0)
    grown = {kind: bench.stack(f"grown-{kind}") for kind in KINDS}
    fresh = {kind: bench.stack(f"fresh-{kind}") for kind in KINDS}
    previews: dict[str, Any] = {}
    refresh: dict[str, Any] = {}
    sizes: dict[str, Any] = {}
    for kind in KINDS:  # not timed: the first command of a run also pays for loading the CLI and Python from disk
        fresh[kind].preview(fleet(kind, 1, source, REGIONS))
    for n in PREVIEW_SIZES:
        row: dict[str, Any] = {}
        for kind in KINDS:  # interleaved: floor, ours, floor, ours
            program = fleet(kind, n, source, REGIONS)
            row[f"fresh {kind}"] = bench.measured(partial(fresh[kind].preview, program))
        for kind in KINDS:
            grow(grown[kind], fleet(kind, n, source, REGIONS))
        for kind in KINDS:
            row[f"no changes {kind}"] = bench.measured(partial(grown[kind].preview, expect_no_changes=True))
        row["fresh ratio"] = _ratio(row["fresh ours"]["wall_s"], row["fresh floor"]["wall_s"])
        row["no changes ratio"] = _ratio(row["no changes ours"]["wall_s"], row["no changes floor"]["wall_s"])
        previews[f"N={n}"] = row
        if n == REFRESH_SIZE:
            for kind in KINDS:
                before = bench.fsx_calls().get("DescribeBackups", 0)
                log = grown[kind].root / "grpc.log"
                with extra_env(grown[kind], PULUMI_DEBUG_GRPC=str(log)):
                    refresh[kind] = bench.measured(grown[kind].refresh)
                refresh[kind]["describe_backups"] = bench.fsx_calls().get("DescribeBackups", 0) - before
                reads = _calls(log, "Read")
                refresh[kind]["reads"], refresh[kind]["reads_at_once"] = len(reads), _most_at_once(reads)
            refresh["ratio"] = _ratio(refresh["ours"]["wall_s"], refresh["floor"]["wall_s"])
    for kind in KINDS:
        sizes[kind] = state_size(grown[kind], PREVIEW_SIZES[-1])
    sizes["ratio"] = _ratio(sizes["ours"]["bytes_per_resource"], sizes["floor"]["bytes_per_resource"])
    last = previews[f"N={PREVIEW_SIZES[-1]}"]
    calls = [row[f"{mode} ours"]["fsx_calls"] for row in previews.values() for mode in ("fresh", "no changes")]
    previews["goal_met"] = max(last["fresh ratio"], last["no changes ratio"]) <= PREVIEW_GOAL and not any(calls)
    return {"a_preview": previews, "c_state_size": sizes, "d_refresh": refresh}


@contextmanager
def extra_env(stack: RealStack, **variables: str) -> Iterator[None]:
    """Variables for the commands run inside the block only (the workspace's environment is read per command)."""
    env = cast(dict[str, str], stack.stack.workspace.env_vars)
    env.update(variables)
    try:
        yield
    finally:
        for name in variables:
            del env[name]


def grow(stack: RealStack, program: Callable[[], None]) -> None:
    """Set-up, not measured: an `up` to the next size, its intermediate checkpoints skipped (only the last is kept)."""
    with extra_env(stack, PULUMI_SKIP_CHECKPOINTS="true"):
        stack.up(program, parallel=64)


def state_size(stack: RealStack, count: int) -> dict[str, Any]:
    """Bytes per resource of the checkpoint file as it lies in the backend, and of the pickled provider in it."""
    [checkpoint] = [p for p in stack.checkpoint_files() if p.name == f"{stack.name}.json" and "history" not in str(p)]
    resources = [r for r in stack.export()["deployment"]["resources"] if r["type"].startswith("pulumi-python:dynamic")]
    assert len(resources) == count, (len(resources), count)
    provider = len(resources[0]["inputs"]["__provider"])
    return {
        "checkpoint_bytes": checkpoint.stat().st_size,
        "bytes_per_resource": round(checkpoint.stat().st_size / count),
        "provider_bytes": provider,
        "provider_copies_per_resource": sum(
            1 for part in ("inputs", "outputs") if "__provider" in resources[0].get(part, {})
        ),
    }


# ------------------------------------------------------------------------------------------------------------ b
def fan_out(bench: Bench, regions: int, copies: int, parallel: int | None, with_floor: bool) -> dict[str, Any]:
    """One `up` of ``copies`` new copies spread over ``regions`` Regions (a fresh stack and emulator state)."""
    source = bench.fresh_source(pace=FAN_OUT_PACE)
    label = f"r{regions}-n{copies}-p{parallel or 'default'}"
    options = {"parallel": parallel} if parallel else {}
    spans: dict[str, float] = {}
    creates: dict[str, list[ProviderCall]] = {}
    walls: dict[str, float] = {}
    for kind in KINDS if with_floor else ("ours",):
        stack = bench.stack(f"fan-{label}-{kind}", log=True)
        start = time.perf_counter()
        stack.up(fleet(kind, copies, source, REGIONS[:regions]), **options)
        walls[kind] = round(time.perf_counter() - start, 2)
        creates[kind] = _calls(stack.root / "grpc.log", "Create")
        spans[kind] = (max(c.ended for c in creates[kind]) - min(c.started for c in creates[kind])).total_seconds()
    inspected = bench.account.controls.inspect()
    per_region = [sum(1 for i in range(copies) if i % regions == r) for r in range(regions)]
    bound = max(math.ceil(n / 5) for n in per_region) * FAN_OUT_PACE
    return {
        "copies": copies,
        "regions": regions,
        "parallel": parallel or "default",
        "makespan_s": round(spans["ours"], 2),
        "aws_bound_s": bound,
        "ratio": round(spans["ours"] / bound, 2),
        "up_wall_s": walls["ours"],
        "floor_makespan_s": round(spans["floor"], 2) if with_floor else None,
        "floor_up_wall_s": walls.get("floor"),
        "creates_at_once": _most_at_once(creates["ours"]),
        "peak_in_progress": inspected["peak_copies_in_progress"],
        "copy_backup_calls": inspected["calls"].get("CopyBackup", 0),
    }


def fan_outs(bench: Bench) -> dict[str, Any]:
    """Every shape at the default parallelism; --parallel 4 and the floor for one shape each (the section's budget)."""
    fan: dict[str, Any] = {}
    for r in (1, 2, 3):
        for n in (5 * r, 10 * r):
            fan[f"R={r}, N={n}"] = fan_out(bench, r, n, None, with_floor=(r, n) == (3, 30))
    fan["R=2, N=20, parallel 4"] = fan_out(bench, 2, 20, 4, with_floor=False)
    defaults = [row for row in fan.values() if row["parallel"] == "default"]
    fan["goal_met"] = all(row["ratio"] <= FAN_OUT_GOAL for row in defaults)
    return fan


# ------------------------------------------------------------------------------------------------------------ e
def under_load(bench: Bench) -> dict[str, Any]:
    """Commands of other stacks, idle and while 16 creates wait; a tag change in the deployment of those creates."""
    source = bench.fresh_source(pace=0.0)
    loaded = bench.stack("load", log=True)
    others = {kind: bench.stack(f"other-{kind}") for kind in KINDS}
    loaded.up(fleet("ours", 1, source, prefix="steady", tags={"steady-000": {"rev": "0"}}))
    for kind, stack in others.items():
        stack.up(fleet(kind, 1, source, prefix="other", tags={"other-000": {"rev": "0"}}))
    revision = iter(range(1, 100))

    def short_commands() -> dict[str, float]:
        timed: dict[str, float] = {}
        for kind, stack in others.items():
            timed[f"preview {kind}"] = bench.measured(partial(stack.preview, expect_no_changes=True))["wall_s"]
            if kind == "ours":  # the floor's preview alone shows what the load costs any command on this machine
                rev = str(next(revision))
                program = fleet(kind, 1, source, prefix="other", tags={"other-000": {"rev": rev}})
                timed[f"tag change {kind}"] = bench.measured(partial(stack.up, program))["wall_s"]
        return timed

    result: dict[str, Any] = {"idle": short_commands()}
    for parallel in (None, 4 * IN_FLIGHT):
        result[f"parallel {parallel or 'default'}"] = _loaded_deployment(
            bench, loaded, source, parallel, short_commands if parallel is None else None
        )
    under = result["parallel default"]["others"]
    result["ratios"] = {key: _ratio(under[key], result["idle"][key]) for key in under}
    result["goal_met"] = all(result["ratios"][f"{c} ours"] <= UNDER_LOAD_GOAL for c in ("preview", "tag change"))
    return result


def _loaded_deployment(
    bench: Bench, stack: RealStack, source: str, parallel: int | None, meanwhile: Callable[[], dict[str, float]] | None
) -> dict[str, Any]:
    """One `up` of 16 new long copies and a tag change of ``steady`` (declared after them, as the last change)."""
    rev = f"p{parallel}"
    log = stack.root / "grpc.log"
    mark = len(provider_calls(log))
    bench.account.controls.set_pace(seconds=3600.0)
    prefix = f"long-p{parallel or 'default'}"
    long_copies = fleet("ours", IN_FLIGHT, source, prefix=prefix)
    steady = fleet("ours", 1, source, prefix="steady", tags={"steady-000": {"rev": rev}})

    def program() -> None:
        long_copies()
        steady()

    options = {"parallel": parallel} if parallel else {}
    start = time.perf_counter()
    running = Background(lambda: stack.up(program, **options))
    deadline = time.monotonic() + 60
    while bench.account.controls.inspect()["copies_in_progress"].get(REGIONS[0], 0) < 5:
        assert time.monotonic() < deadline, "the long copies did not start"
        time.sleep(0.05)
    loaded_at = time.perf_counter() - start
    others = meanwhile() if meanwhile else {}
    settle = time.monotonic() + 3  # give the tag change a chance to run while the copies still wait
    while not [c for c in provider_calls(log)[mark:] if c.method == "Update"] and time.monotonic() < settle:
        time.sleep(0.1)
    released_at = time.perf_counter() - start
    bench.account.controls.set_pace(seconds=0.05, in_progress=True)
    running.join(300)
    assert running.error is None, running.error
    wall = time.perf_counter() - start
    calls = provider_calls(log)[mark:]
    creates = [c for c in calls if c.method == "Create"]
    [update] = [c for c in calls if c.method == "Update"]
    first = min(c.started for c in creates)
    updated_at = (update.ended - first).total_seconds()
    return {
        "parallel": parallel or "default",
        "copies_in_progress_after_s": round(loaded_at, 2),
        "released_after_s": round(released_at, 2),
        "update_ended_after_s": round(updated_at, 2),
        "update_s": round((update.ended - update.started).total_seconds(), 3),
        "update_waited_for_copies": update.started > min(c.ended for c in creates),
        "creates_at_once": _most_at_once(creates),
        "up_wall_s": round(wall, 2),
        "others": others,
    }


# ------------------------------------------------------------------------------------------------------- the run
def run() -> dict[str, Any]:
    cli = find_cli()
    if cli is None:
        return {"skipped": NO_CLI}
    emulator = start_emulator()
    started = time.monotonic()
    try:
        account = FsxAccount(controls=EmulatorClient(emulator.endpoint), endpoint_url=emulator.endpoint)
        with tempfile.TemporaryDirectory(prefix="bench-real-engine-") as folder:
            bench = Bench(cli, account, Path(folder))
            try:
                result: dict[str, Any] = {"cli": cli_version(cli), "cpus": os.cpu_count()}
                result.update(previews_state_refresh(bench))
                result["b_fan_out"] = fan_outs(bench)
                result["e_under_load"] = under_load(bench)
            finally:
                bench.end()
        result["seconds"] = round(time.monotonic() - started, 1)
        return result
    finally:
        emulator.stop()


def report(r: dict[str, Any]) -> str:
    """The section's lines for `make bench`'s table."""
    if "skipped" in r:
        return f"9. Real engine: {r['skipped']}"
    met = {True: "met", False: "NOT met"}
    lines = [f"9. Through the real engine (pulumi {r['cli']}, {r['cpus']} CPUs; beside the do-nothing floor)"]
    lines.append("   a. Preview: wall s / CLI peak MiB / host peak MiB / FSx calls, ours | floor, ratio")
    for key, row in r["a_preview"].items():
        if not key.startswith("N="):
            continue
        for mode in ("fresh", "no changes"):
            o, f = row[f"{mode} ours"], row[f"{mode} floor"]
            lines.append(
                f"      {key:<6}{mode:<11} {o['wall_s']:>6} / {o['cli_peak_mib']:>5} / {o['host_peak_mib']:>5} /"
                f" {o['fsx_calls']} | {f['wall_s']:>6} / {f['cli_peak_mib']:>5} / {f['host_peak_mib']:>5}"
                f"   {row[f'{mode} ratio']}"
            )
    lines.append(f"      goal: ratio <= {PREVIEW_GOAL} at N=500, 0 FSx calls: {met[r['a_preview']['goal_met']]}")
    lines.append(f"   b. Fan-out, copies of {FAN_OUT_PACE} s (makespan = the engine's Create calls, first to last)")
    for key, row in r["b_fan_out"].items():
        if key == "goal_met":
            continue
        lines.append(
            f"      {key:<30} makespan {row['makespan_s']:>5} s, bound {row['aws_bound_s']} s, ratio "
            f"{row['ratio']:>4}; creates at once {row['creates_at_once']:>2}; peak {row['peak_in_progress']}; "
            f"up {row['up_wall_s']} s"
            + (f" | floor {row['floor_makespan_s']} s, up {row['floor_up_wall_s']} s" if row["floor_up_wall_s"] else "")
        )
    lines.append(f"      goal: ratio <= {FAN_OUT_GOAL} with default parallelism: {met[r['b_fan_out']['goal_met']]}")
    s = r["c_state_size"]
    lines.append(
        f"   c. State at N=500: {s['ours']['bytes_per_resource']} bytes per resource ({s['ours']['provider_bytes']} "
        f"of pickled provider, x{s['ours']['provider_copies_per_resource']}) | floor "
        f"{s['floor']['bytes_per_resource']} ({s['floor']['provider_bytes']}), ratio {s['ratio']}"
    )
    d = r["d_refresh"]
    lines.append(
        f"   d. Refresh of {REFRESH_SIZE} copies: {d['ours']['wall_s']} s, {d['ours']['describe_backups']} "
        f"DescribeBackups | floor {d['floor']['wall_s']} s, ratio {d['ratio']}"
    )
    e = r["e_under_load"]
    lines.append(f"   e. While {IN_FLIGHT} creates wait (idle -> under load, s):")
    for key, ratio in e["ratios"].items():
        lines.append(f"      {key:<18} {e['idle'][key]:>5} -> {e['parallel default']['others'][key]:>5}  x{ratio}")
    for key in ("parallel default", f"parallel {4 * IN_FLIGHT}"):
        row = e[key]
        lines.append(
            f"      tag change in the same up ({key}): Update ended {row['update_ended_after_s']} s after the first "
            f"Create began (copies released at {row['released_after_s']} s), waited for copies: "
            f"{row['update_waited_for_copies']}; creates at once {row['creates_at_once']}"
        )
    lines.append(f"      goal: other stacks' commands <= {UNDER_LOAD_GOAL}x idle: {met[e['goal_met']]}")
    lines.append(f"   (section ran in {r['seconds']} s)")
    return "\n".join(lines)


if __name__ == "__main__":  # this section alone: python -m bench.real_engine
    import json
    import sys

    import bench.__main__  # noqa: F401 - dummy credentials and a quiet pulumi.log, as in `make bench`

    outcome = run()
    print(json.dumps(outcome, indent=2))
    print(report(outcome))
    sys.exit(0)
