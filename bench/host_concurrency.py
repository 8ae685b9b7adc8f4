"""6-7: the real dynamic host under load, started here directly and driven by hand-made gRPC calls.

6. Fan-out: N copies of T seconds into R Regions through one host, all creates sent at once (the engine's default
   parallelism is unbounded): makespan over AWS's bound, max over Regions of ceil(n_r / 5) * T; peak copies in
   progress per Region (the emulator's count); CopyBackup calls answered ServiceLimitExceeded; then a delete of all
   copies at once. With FSX_BACKUP_COPY_HOST_WORKERS=0 (the host's own 4 workers) as the baseline.
7. Latency: while 16 long creates are in flight, Check, Diff, Read and Update of another resource: p50 / p99.

The host is ``python -u -m pulumi.dynamic`` (tests/engine/harness.py's DynamicHost) against the fsx-emulator server
process; the provider is serialized the way the SDK does (pulumi.dynamic.dynamic.serialize_provider).
"""

import math
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime.proto import provider_pb2

from fsx_backup_copy_provider import BackupCopyProvider
from fsx_emulator.client import EmulatorClient
from tests.engine.harness import DynamicHost, from_struct, host_env, to_struct
from tests.support import FsxAccount, start_emulator

ROOT = Path(__file__).resolve().parent.parent
SOURCE_REGION = "us-east-2"
REGIONS = ("us-west-2", "eu-west-1", "ap-southeast-2")
COPY_SECONDS = 3.0
TYPE = "pulumi-python:dynamic:Resource"


class HostDriver:
    """One dynamic-provider host and the calls the engine would send it for BackupCopy resources."""

    def __init__(self, account: FsxAccount, time_scale: float = 0.002, extra_env: dict[str, str] | None = None):
        assert account.endpoint_url
        self.host = DynamicHost(ROOT, "bench", host_env(account.endpoint_url, time_scale, extra=extra_env))
        self.provider = serialize_provider(BackupCopyProvider())
        self.call("Configure", provider_pb2.ConfigureRequest(args=to_struct({"aws:region": REGIONS[0]})))

    def call(self, method: str, request: Any, timeout: float = 600) -> Any:
        return getattr(self.host.stub, method)(request, timeout=timeout)

    def urn(self, name: str) -> str:
        return f"urn:pulumi:bench::bench::{TYPE}::{name}"

    def check_request(self, name: str, news: dict[str, Any], olds: dict[str, Any] | None = None) -> Any:
        return provider_pb2.CheckRequest(
            urn=self.urn(name),
            name=name,
            type=TYPE,
            olds=to_struct(olds or {}),
            news=to_struct({**news, "__provider": self.provider}),
        )

    def check(self, name: str, news: dict[str, Any], olds: dict[str, Any] | None = None) -> dict[str, Any]:
        response = self.call("Check", self.check_request(name, news, olds))
        assert not response.failures, response.failures
        return from_struct(response.inputs)

    def goal(self, name: str, source: str, region: str, tags: dict[str, str] | None = None) -> dict[str, Any]:
        return {
            "sourceBackupId": source,
            "sourceRegion": SOURCE_REGION,
            "region": region,
            "copyTags": False,
            "tags": tags or {},
            "resourceIdentity": f"bench/bench/{name}",
        }

    def create(self, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        request = provider_pb2.CreateRequest(urn=self.urn(name), name=name, type=TYPE, properties=to_struct(inputs))
        response = self.call("Create", request)
        return response.id, from_struct(response.properties)

    def diff(self, name: str, resource_id: str, olds: dict[str, Any], news: dict[str, Any], old_inputs: Any) -> Any:
        request = provider_pb2.DiffRequest(
            id=resource_id,
            urn=self.urn(name),
            olds=to_struct(olds),
            news=to_struct(news),
            old_inputs=to_struct(old_inputs),
            name=name,
            type=TYPE,
        )
        return self.call("Diff", request)

    def read(self, name: str, resource_id: str, outputs: dict[str, Any], inputs: dict[str, Any]) -> Any:
        request = provider_pb2.ReadRequest(
            id=resource_id, urn=self.urn(name), properties=to_struct(outputs), inputs=to_struct(inputs)
        )
        return self.call("Read", request)

    def update(self, name: str, resource_id: str, olds: dict[str, Any], news: dict[str, Any]) -> Any:
        request = provider_pb2.UpdateRequest(
            id=resource_id, urn=self.urn(name), olds=to_struct(olds), news=to_struct(news), type=TYPE, name=name
        )
        return self.call("Update", request)

    def delete(self, name: str, resource_id: str, outputs: dict[str, Any]) -> None:
        request = provider_pb2.DeleteRequest(id=resource_id, urn=self.urn(name), properties=to_struct(outputs))
        self.call("Delete", request)

    def limit_retries(self) -> int:
        """CopyBackup calls answered ServiceLimitExceeded (each is logged before its backoff)."""
        # Counted, not matched per line: the host prints a message and its newline separately, so concurrent
        # messages can share a line.
        return sum(line.count("maximum of copies in progress") for line in self.host.output)

    def stop(self) -> None:
        self.host.stop()


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(fraction * len(ordered)) - 1)]


def fan_out(account: FsxAccount, regions: int, copies: int, workers: str | None = None) -> dict[str, Any]:
    """``copies`` copies spread evenly over the first ``regions`` Regions, all sent at once; then all deleted."""
    account.controls.reset()
    source = account.source_backup(SOURCE_REGION)
    account.controls.set_pace(seconds=COPY_SECONDS)
    driver = HostDriver(account, extra_env={"FSX_BACKUP_COPY_HOST_WORKERS": workers} if workers else None)
    try:
        names = [f"copy-{i:02d}" for i in range(copies)]
        placed = {name: REGIONS[i % regions] for i, name in enumerate(names)}
        checked = {name: driver.check(name, driver.goal(name, source, placed[name])) for name in names}
        with ThreadPoolExecutor(max_workers=copies) as pool:
            start = time.perf_counter()
            created = dict(zip(names, pool.map(lambda n: driver.create(n, checked[n]), names), strict=True))
            makespan = time.perf_counter() - start
            start = time.perf_counter()
            list(pool.map(lambda n: driver.delete(n, *created[n]), names))
            delete_s = time.perf_counter() - start
        inspected = account.controls.inspect()
        ids = {resource_id for resource_id, _ in created.values()}
        per_region = {r: sum(1 for n in names if placed[n] == r) for r in REGIONS[:regions]}
        bound = max(math.ceil(n / 5) for n in per_region.values()) * COPY_SECONDS
        return {
            "copies": copies,
            "regions": regions,
            "makespan_s": round(makespan, 2),
            "aws_bound_s": bound,
            "ratio": round(makespan / bound, 2),
            "peak_in_progress": inspected["peak_copies_in_progress"],
            "service_limit_exceeded": driver.limit_retries(),
            "copy_backup_calls": inspected["calls"].get("CopyBackup", 0),
            "delete_all_s": round(delete_s, 2),
            "left_after_delete": sum(1 for b in inspected["backups"] if b["BackupId"] in ids),
        }
    finally:
        driver.stop()


def latency_under_load(account: FsxAccount, in_flight: int = 16, samples: int = 200) -> dict[str, Any]:
    """Check/Diff/Read/Update of a finished resource while ``in_flight`` creates wait on hour-long copies."""
    account.controls.reset()
    source = account.source_backup(SOURCE_REGION)
    account.controls.set_pace(seconds=1.0)
    driver = HostDriver(account, time_scale=1.0)
    pool = ThreadPoolExecutor(max_workers=in_flight)
    try:
        goal = driver.goal("steady", source, REGIONS[0], tags={"n": "0"})
        inputs = driver.check("steady", goal)
        resource_id, outputs = driver.create("steady", inputs)
        account.controls.set_pace(seconds=3600.0)
        names = [f"long-{i:02d}" for i in range(in_flight)]
        checked = {name: driver.check(name, driver.goal(name, source, REGIONS[0])) for name in names}
        for name in names:
            pool.submit(driver.create, name, checked[name])
        deadline = time.monotonic() + 30
        while account.controls.inspect()["copies_in_progress"].get(REGIONS[0], 0) < 5 and time.monotonic() < deadline:
            time.sleep(0.05)  # wait until the long copies really are in progress
        timings: dict[str, list[float]] = {"Check": [], "Diff": [], "Read": [], "Update": []}
        changed = {**goal, "tags": {"n": "1"}}
        for i in range(samples):
            for method, action in (
                ("Check", lambda: driver.check("steady", goal, inputs)),
                ("Diff", lambda: driver.diff("steady", resource_id, outputs, inputs, inputs)),
                ("Read", lambda: driver.read("steady", resource_id, outputs, inputs)),
                ("Update", lambda: driver.update("steady", resource_id, outputs, {**inputs, "tags": changed["tags"]})),
            ):
                if method == "Update" and i % 10:
                    continue  # an Update is 3 AWS calls; 20 samples are enough
                start = time.perf_counter()
                action()
                timings[method].append((time.perf_counter() - start) * 1000)
        in_progress = account.controls.inspect()["copies_in_progress"].get(REGIONS[0], 0)
        return {
            "creates_in_flight": in_flight,
            "copies_in_progress_at_end": in_progress,
            **{
                f"{method.lower()}_ms": {
                    "p50": round(statistics.median(values), 2),
                    "p99": round(_percentile(values, 0.99), 2),
                    "n": len(values),
                }
                for method, values in timings.items()
            },
        }
    finally:
        driver.host.kill()  # the long creates are abandoned, as a cancelled CI job would
        pool.shutdown(wait=False, cancel_futures=True)


def run() -> dict[str, Any]:
    emulator = start_emulator()
    try:
        account = FsxAccount(controls=EmulatorClient(emulator.endpoint), endpoint_url=emulator.endpoint)
        fan = {f"R={r}, N={n}": fan_out(account, r, n) for r in (1, 2, 3) for n in (5 * r, 10 * r)}
        fan["R=2, N=8, host's 4 workers (before)"] = fan_out(account, 2, 8, workers="0")
        return {"6_fan_out": fan, "7_latency_under_load": latency_under_load(account)}
    finally:
        emulator.stop()
