"""Nothing orphaned, nothing duplicated, nothing lost: one test per property of docs/reliability.md.

Each drives the real dynamic host through the engine harness against a separate fsx-emulator process, and proves
its claim with the emulator's inspection call (every backup that exists), not with the provider's word.
"""

import json
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from tests.engine import scenarios
from tests.engine.harness import CheckFailed, Goal, RpcFailed, StateEntry, from_struct
from tests.provider.test_check import BAD_INPUTS
from tests.support import FsxAccount

pytestmark = pytest.mark.engine
DR = scenarios.DR_REGION


def eventually(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    """Wait for a condition the test cannot be told about (another process's progress), polling it."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.02)


def in_background(action: Callable[[], Any]) -> threading.Thread:
    thread = threading.Thread(target=lambda: _swallow(action), daemon=True)
    thread.start()
    return thread


def _swallow(action: Callable[[], Any]) -> None:
    try:
        action()
    except Exception:  # the host is killed under it: the engine would see the connection drop
        return


# 1 -----------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("point", ["before_copy_response", "while_waiting", "just_after_available"])
def test_1_crash_during_create_then_up_ends_with_one_recorded_copy(server_account: FsxAccount, point: str) -> None:
    controls = server_account.controls
    with scenarios.world(server_account) as w:
        goals = w.goals()
        if point == "before_copy_response":
            controls.inject_fault("CopyBackup", "HoldResponse", message="30")  # done, but the answer never arrives
        elif point == "while_waiting":
            controls.set_pace(ticks=100_000)
        else:
            controls.inject_fault("DescribeBackups", "HoldResponse", count=1000, message="0.2")
        running = in_background(lambda: w.engine.up(goals))
        if point == "just_after_available":
            eventually(lambda: [c["Lifecycle"] for c in w.copies()] == ["AVAILABLE"])
        else:
            eventually(lambda: len(w.copies()) == 1)
        host = w.engine.current_host  # the update deployment's host (its preview's host has stopped)
        assert host is not None
        host.kill()  # SIGKILL: no cleanup, no response
        running.join()
        assert w.urn not in w.engine.state and len(w.copies()) == 1  # started, not recorded

        controls.clear_faults()
        controls.set_pace(ticks=2, in_progress=True)  # the copy left running finishes now too
        outcome = w.engine.up(w.goals())  # the next `pulumi up`: new processes, as every deployment has
        assert not outcome.errors, outcome.errors
        [copy] = w.copies()
        assert w.engine.state[w.urn].id == copy["BackupId"] and copy["Lifecycle"] == "AVAILABLE"


# 2 -----------------------------------------------------------------------------------------------------------
def test_2_create_that_outlives_its_timeout_is_adopted_by_the_next_up(server_account: FsxAccount) -> None:
    server_account.controls.set_pace(ticks=100_000)
    with scenarios.world(server_account, time_scale=0.01) as w:
        goals = w.goals()
        goals[0].inputs["customTimeouts"] = {"create": "1s"}
        outcome = w.engine.up(goals)
        assert "left running and is not lost" in outcome.errors[w.urn]
        [left] = w.copies()
        assert left["Lifecycle"] == "COPYING" and w.urn not in w.engine.state

        server_account.controls.set_pace(ticks=2, in_progress=True)  # the copy left running finishes now too
        outcome = w.engine.up(w.goals())
        assert not outcome.errors, outcome.errors
        assert [c["BackupId"] for c in w.copies()] == [w.engine.state[w.urn].id] == [left["BackupId"]]


# 3 -----------------------------------------------------------------------------------------------------------
def test_3_forced_replacement_makes_a_new_copy_and_deletes_the_old(server_account: FsxAccount) -> None:
    with scenarios.world(server_account) as w:
        scenarios.up_creates(w)
        old = w.engine.state[w.urn].id
        mark = w.mark()
        outcome = w.engine.up(w.goals(), replace=frozenset({"dr-copy"}))  # pulumi up --replace
        assert not outcome.errors and outcome.steps[w.urn] == "replace"
        # Preview, then update, each in its own host: one Check with no olds, no Diff, no second Check; then
        # Create and the old copy's Delete at the end (step_generator.go isTargetedReplace).
        assert w.deployments_since(mark) == [["Check"], ["Check", "Create", "Delete"]]
        new = w.engine.state[w.urn].id
        assert new != old
        assert [c["BackupId"] for c in w.copies()] == [new]


# 4 -----------------------------------------------------------------------------------------------------------
def test_4_twelve_copies_into_one_region_wait_out_the_limit(server_account: FsxAccount) -> None:
    controls = server_account.controls
    with scenarios.fleet(server_account, time_scale=0.01) as fleet:
        fsx = server_account.client(DR)
        controls.set_pace(seconds=5.0)  # long enough to still run when this stack's creates start
        for _ in range(3):  # someone else's copies hold 3 of the Region's 5 slots
            fsx.copy_backup(SourceBackupId=fleet.source_backup_id, SourceRegion=scenarios.SOURCE_REGION)
        controls.set_pace(seconds=1.0)  # this stack's copies
        outcome = fleet.engine.up(fleet.goals(12))
        assert not outcome.errors, outcome.errors
        assert len(fleet.engine.state) == 12 and set(outcome.steps.values()) == {"create"}
        assert controls.inspect()["peak_copies_in_progress"][DR] == 5
        assert any("maximum of copies in progress" in line for line in fleet.engine.output)
        assert len(fleet.copies()) == 15


# 5 -----------------------------------------------------------------------------------------------------------
def test_5_throttling_server_errors_and_dropped_connections_are_retried(server_account: FsxAccount) -> None:
    controls = server_account.controls
    with scenarios.world(server_account) as w:
        controls.inject_fault("CopyBackup", "ThrottlingException")
        controls.inject_fault("CopyBackup", "DropConnection")
        controls.inject_fault("DescribeBackups", "InternalServerError", count=2)
        scenarios.up_creates(w)
        controls.inject_fault("TagResource", "DropConnection")
        controls.inject_fault("DescribeBackups", "ThrottlingException")
        scenarios.up_with_tag_change(w)
        controls.inject_fault("DescribeBackups", "DropConnection")
        assert w.engine.refresh().steps[w.urn] == "same"
        controls.inject_fault("DeleteBackup", "InternalServerError")
        scenarios.destroy(w)
        assert controls.inspect()["faults_injected"] == {
            "CopyBackup": 2,
            "DescribeBackups": 4,
            "TagResource": 1,
            "DeleteBackup": 1,
        }


# 6 -----------------------------------------------------------------------------------------------------------
def test_6_failed_copy_is_deleted_explained_and_made_again(server_account: FsxAccount) -> None:
    with scenarios.world(server_account) as w:
        server_account.controls.fail_next_copy("FSx could not read the source backup's data.")
        outcome = w.engine.up(w.goals())
        assert "ended FAILED: FSx could not read the source backup's data." in outcome.errors[w.urn]
        assert w.copies() == [] and w.urn not in w.engine.state
        scenarios.up_creates(w)


# 7 -----------------------------------------------------------------------------------------------------------
def test_7_delete_waits_out_a_copy_being_made_from_it(server_account: FsxAccount) -> None:
    server_account.controls.set_pace(seconds=1.0)
    with scenarios.world(server_account, time_scale=0.01) as w:
        scenarios.up_creates(w)
        ours = w.engine.state[w.urn].id
        server_account.client("eu-west-1").copy_backup(SourceBackupId=ours, SourceRegion=DR)  # someone copies ours
        outcome = w.engine.destroy()
        assert not outcome.errors, outcome.errors
        assert any("cannot be deleted yet (BackupBeingCopied)" in line for line in w.engine.output)
        assert ours not in {b["BackupId"] for b in server_account.backups()}


def test_7_delete_of_a_copy_already_gone_succeeds(server_account: FsxAccount) -> None:
    with scenarios.world(server_account) as w:
        scenarios.up_creates(w)
        server_account.client(DR).delete_backup(BackupId=w.engine.state[w.urn].id)
        assert not w.engine.destroy().errors and w.engine.state == {}


# 8 -----------------------------------------------------------------------------------------------------------
def test_8_bad_input_fails_check_in_the_host_with_no_aws_call(server_account: FsxAccount) -> None:
    assert len(BAD_INPUTS) >= 30  # the full table runs in tests/provider/test_check.py
    with scenarios.world(server_account) as w:
        [goal] = w.goals()
        calls_before = server_account.controls.inspect()["calls"]
        with w.engine.deployment(preview=True):  # one preview (one host) checks every bad input
            for case, change, prop in BAD_INPUTS:
                inputs = {k: v for k, v in {**goal.inputs, **change}.items() if v is not None}
                with pytest.raises(CheckFailed) as caught:
                    w.engine.check(w.urn, Goal(goal.type, goal.name, inputs), {})
                assert [p for p, _ in caught.value.failures] == [prop], case
        assert server_account.controls.inspect()["calls"] == calls_before


def test_8_missing_region_and_missing_credentials_give_one_clear_message(server_account: FsxAccount) -> None:
    with scenarios.world(server_account) as w:
        [goal] = w.goals()
        w.engine.config = {k: v for k, v in w.engine.config.items() if k != "aws:region"}
        credentials = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")
        w.engine.env = {k: v for k, v in w.engine.env.items() if k not in credentials}  # the next hosts' environment
        with pytest.raises(CheckFailed) as caught:
            w.engine.check(w.urn, goal, {})  # a deployment of its own: a new host with the new environment
        assert caught.value.failures[0][0] == "region" and "pulumi config set aws:region" in str(caught.value)

        with pytest.raises(RpcFailed) as failed:
            w.engine.create(w.urn, goal, {**goal.inputs, "region": DR})
        last_line = failed.value.details.strip().splitlines()[-1]
        assert last_line.startswith(
            "fsx_backup_copy_provider.errors.BackupCopyError: BackupCopy 'dr-copy': "
            "DescribeBackups of the source backup in us-east-2 failed: no usable AWS credentials were found."
        ), last_line  # create's first AWS call reads the source backup; the message names that call
        assert failed.value.details.count('File "') <= 3  # no chained traceback noise


# 9 -----------------------------------------------------------------------------------------------------------
CREDENTIAL = "wJalrXUtnFEMI-K7MDENG-bPxRfiCYSECRETKEY"
TAG_SECRET = "hunter2-tag-secret-value"


def _paths(value: Any, needle: str, path: str = "") -> list[str]:
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _paths(v, needle, f"{path}.{k}")]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _paths(v, needle, f"{path}[{i}]")]
    return [path] if isinstance(value, str) and needle in value else []


def test_9_no_secret_leaks_into_outputs_state_logs_or_errors(server_account: FsxAccount) -> None:
    with scenarios.world(server_account, host_extra_env={"AWS_SECRET_ACCESS_KEY": CREDENTIAL}) as w:
        secret_tags = {"db-password": TAG_SECRET}
        goals = w.goals(tags=secret_tags)
        assert not w.engine.up(goals).errors
        w.engine.refresh()
        assert not w.engine.up(w.goals(tags={**secret_tags, "team": "x"})).errors
        server_account.controls.fail_next_copy("injected failure")
        failing = w.goals(tags=secret_tags, kmsKeyId="alias/dr-two")
        errors = w.engine.up(failing).errors
        assert errors  # the replacement failed; its message is captured below
        w.engine.destroy()

        captured = {
            "rpc log (requests, responses: all the engine stores)": w.engine.recorder.entries,
            "host stdout/stderr": w.engine.output,
            "errors": list(errors.values()),
        }
        assert _paths(captured, CREDENTIAL) == []
        leaks = [p for p in _paths(captured, TAG_SECRET) if not p.endswith(".tags.db-password")]
        assert leaks == [], leaks  # only under `tags`, which the engine keeps secret as the input was
        assert TAG_SECRET not in json.dumps(captured["host stdout/stderr"])


# 10 ----------------------------------------------------------------------------------------------------------
def test_10_sixteen_mixed_operations_at_once_through_four_threads(server_account: FsxAccount) -> None:
    with scenarios.fleet(server_account) as fleet:
        engine = fleet.engine
        assert not engine.up(fleet.goals(12)).errors
        entries = sorted(engine.state.values(), key=lambda e: e.urn)
        goals = {g.name: g for g in fleet.goals(16, tagged=16, wave="2")}
        to_delete, to_update, to_read = entries[0:4], entries[4:8], entries[8:12]
        to_create = [goals[f"copy-{i:02d}"] for i in range(12, 16)]

        def create(goal: Goal) -> StateEntry:
            urn = engine.urn(goal.type, goal.name)
            return engine.create(urn, goal, engine.check(urn, goal, {}))

        def update(entry: StateEntry) -> str:
            goal = goals[entry.name]
            engine.update(entry, goal, engine.check(entry.urn, goal, entry.inputs))
            return str(entry.outputs["tags"]["wave"])

        def read(entry: StateEntry) -> str:
            response = engine.read(entry)
            return str(from_struct(response.properties)["backupId"])

        with engine.deployment(), ThreadPoolExecutor(max_workers=16) as pool:  # all in one deployment's host
            created = [pool.submit(create, g) for g in to_create]
            updated = [pool.submit(update, e) for e in to_update]
            reads = [pool.submit(read, e) for e in to_read]
            deleted = [pool.submit(engine.delete, e) for e in to_delete]
            results = (
                [f.result() for f in created],
                [f.result() for f in updated],
                [f.result() for f in reads],
                [f.result() for f in deleted],
            )
        new_entries, waves, read_ids, _ = results
        assert waves == ["2"] * 4
        assert read_ids == [e.id for e in to_read]
        live = {c["BackupId"] for c in fleet.copies()}
        expected = {e.id for e in [*to_update, *to_read]} | {e.id for e in new_entries}
        assert live == expected and len(live) == 12
        for entry in new_entries:
            assert entry.outputs["tags"]["index"] == entry.urn.rsplit("-", 1)[-1].lstrip("0") or "0"
