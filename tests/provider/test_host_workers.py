"""The host's 4 gRPC workers no longer bound the provider: long creates do not hold up other calls.

Through the real ``python -u -m pulumi.dynamic`` host and the fsx-emulator server process, plus the widening's
safety checks in this process (which is not a dynamic-provider host, so it must be left alone).
"""

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import grpc
import pytest

from bench.host_concurrency import REGIONS, SOURCE_REGION, HostDriver
from fsx_backup_copy_provider import host_workers
from fsx_emulator.client import EmulatorClient
from tests.support import FsxAccount, start_emulator

TIMEOUT = 60.0  # real seconds before a test fails instead of hanging


@pytest.fixture(scope="module")
def account() -> Iterator[FsxAccount]:
    emulator = start_emulator()
    try:
        yield FsxAccount(controls=EmulatorClient(emulator.endpoint), endpoint_url=emulator.endpoint)
    finally:
        emulator.stop()


def _long_creates(account: FsxAccount, workers: str | None, count: int, started: int) -> tuple[HostDriver, str]:
    """A host with ``count`` creates of hour-long copies sent at once; returns when ``started`` of them are inside
    the provider (copying, or queued for one of the Region's copy slots)."""
    account.controls.reset()
    source = account.source_backup(SOURCE_REGION)
    account.controls.set_pace(seconds=3600)
    driver = HostDriver(account, time_scale=1.0, extra_env={"FSX_BACKUP_COPY_HOST_WORKERS": workers} if workers else {})
    inside, lines = threading.Event(), [0]

    def on_line(line: str) -> None:
        # Counted, not matched: the host prints a message and its newline separately, so lines from concurrent
        # calls can share one line of output.
        lines[0] += line.count("': copying ") + line.count("starts when one of them ends")
        if lines[0] >= started:
            inside.set()

    driver.host.on_line = on_line
    names = [f"long-{i}" for i in range(count)]
    checked = {name: driver.check(name, driver.goal(name, source, REGIONS[0])) for name in names}
    pool = ThreadPoolExecutor(max_workers=count)
    for name in names:
        pool.submit(driver.create, name, checked[name])
    pool.shutdown(wait=False)
    assert inside.wait(TIMEOUT), driver.host.output
    return driver, source


def test_a_check_answers_at_once_while_eight_creates_wait_for_their_copies(account: FsxAccount) -> None:
    driver, source = _long_creates(account, workers=None, count=8, started=8)
    try:
        goal = driver.goal("other", source, REGIONS[1])
        inputs = driver.check("other", goal)  # a worker of its own, not behind the creates
        assert inputs["region"] == REGIONS[1]
        assert not any("host worker pool" in line for line in driver.host.output)  # success needs no line
        # Five copy, three wait for a slot in the Region: nothing is refused by FSx.
        assert account.controls.inspect()["copies_in_progress"] == {REGIONS[0]: 5}
        assert driver.limit_retries() == 0
    finally:
        driver.host.kill()


def test_with_the_widening_turned_off_four_creates_take_every_worker(account: FsxAccount) -> None:
    """The baseline the widening fixes (and proof the switch works): the fifth call waits behind the creates."""
    driver, source = _long_creates(account, workers="0", count=6, started=4)
    try:
        request_inputs = driver.goal("other", source, REGIONS[1])
        with pytest.raises(grpc.RpcError) as waited:
            driver.host.stub.Check(driver.check_request("other", request_inputs), timeout=2.0)
        assert waited.value.code() is grpc.StatusCode.DEADLINE_EXCEEDED
        assert any("left alone (FSX_BACKUP_COPY_HOST_WORKERS=0)" in line for line in driver.host.output)
    finally:
        driver.host.kill()


def test_outside_the_host_nothing_is_touched() -> None:
    assert host_workers._widen(256).startswith("not in the dynamic-provider host")


def test_a_widened_pool_runs_that_many_calls_at_once() -> None:
    pool = ThreadPoolExecutor(max_workers=4)
    try:
        outcome = host_workers._raise_max_workers(pool, 16)
        assert outcome == "widened from 4 to 16 workers, so long creates do not hold up other calls"
        everyone = threading.Barrier(16, timeout=TIMEOUT)  # breaks unless all 16 run at the same time
        assert sorted(pool.map(lambda _: everyone.wait(), range(16))) == list(range(16))
        assert host_workers._raise_max_workers(pool, 8).startswith("left at 16 workers")  # never lowered
    finally:
        pool.shutdown()


@pytest.mark.parametrize(("value", "workers"), [("", 256), ("0", 0), ("64", 64), ("lots", 256)])
def test_the_environment_sets_or_disables_the_widening(
    monkeypatch: pytest.MonkeyPatch, value: str, workers: int
) -> None:
    monkeypatch.setenv(host_workers.ENV, value)
    assert host_workers.wanted_workers() == workers
