"""A CI job killed or interrupted in the middle of a create, and a create that outlives its timeout, through the real
engine: what the engine leaves behind, and that the user's recovery ends with exactly one copy, recorded."""

import os
import signal
import time
from collections.abc import Callable

import pytest
from pulumi import automation as auto

from tests.cli import programs
from tests.cli.realengine import Background, Program, RealStack, cli_children
from tests.support import FsxAccount, copies_of

SOURCE, DR = "us-east-2", "us-west-2"
PENDING_WARNING = "pending operations from previous deployment"


def eventually(condition: Callable[[], bool], timeout: float = 60.0) -> None:
    """Wait for another process's progress, which nothing can tell the test about, by polling it."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.05)



def one_copy(real_stack: RealStack, server_account: FsxAccount) -> tuple[str, Program]:
    source = server_account.source_backup(SOURCE)
    real_stack.set_config({"aws:region": DR})
    return source, programs.copies(programs.Copy("dr-copy", {"source_backup_id": source, "source_region": SOURCE}))


def the_cli(real_stack: RealStack) -> int:
    eventually(lambda: len(cli_children(real_stack.cli)) == 1)
    [pid] = cli_children(real_stack.cli)
    return pid


@pytest.mark.parametrize("point", ["before_copy_response", "while_waiting", "just_after_available"])
def test_killed_pulumi_then_cancel_up_refresh_ends_with_one_recorded_copy(
    real_stack: RealStack, server_account: FsxAccount, point: str
) -> None:
    controls = server_account.controls
    source, program = one_copy(real_stack, server_account)
    if point == "before_copy_response":
        controls.inject_fault("CopyBackup", "HoldResponse", message="5")  # done, but the answer comes late
    elif point == "while_waiting":
        controls.set_pace(ticks=100_000)
    else:
        controls.inject_fault("DescribeBackups", "HoldResponse", count=1000, message="0.2")
    running = Background(lambda: real_stack.up(program))
    cli = the_cli(real_stack)
    if point == "just_after_available":
        eventually(lambda: [c["Lifecycle"] for c in copies_of(server_account, source)] == ["AVAILABLE"])
    else:
        eventually(lambda: len(copies_of(server_account, source)) == 1)
    os.kill(cli, signal.SIGKILL)  # the CI runner's timeout: no cleanup at all
    assert isinstance(running.join().error, auto.CommandError)

    # What the engine left: the stack's lock, and a pending `creating` operation in the checkpoint.
    assert len(real_stack.lock_files()) == 1
    assert [op["type"] for op in real_stack.pending_operations()] == ["creating"]
    with pytest.raises(auto.CommandError, match="currently locked"):
        real_stack.up(program)

    controls.clear_faults()
    controls.set_pace(ticks=2, in_progress=True)  # the copy left running finishes now
    real_stack.run("cancel", "--yes")
    assert real_stack.lock_files() == []
    recovered = real_stack.up(program)
    assert PENDING_WARNING in recovered.stdout
    [copy] = copies_of(server_account, source)
    assert copy["Lifecycle"] == "AVAILABLE"
    assert real_stack.resources()["dr-copy"]["id"] == copy["BackupId"] == recovered.outputs["dr-copy"].value
    assert PENDING_WARNING in real_stack.up(program).stdout  # every later up warns, until the refresh below

    real_stack.refresh(clear_pending_creates=True)
    assert real_stack.pending_operations() == []
    assert PENDING_WARNING not in real_stack.up(program).stdout
    assert [c["BackupId"] for c in copies_of(server_account, source)] == [copy["BackupId"]]


def test_one_sigint_waits_for_the_create_and_records_the_copy(
    real_stack: RealStack, server_account: FsxAccount
) -> None:
    controls = server_account.controls
    source, program = one_copy(real_stack, server_account)
    controls.set_pace(ticks=100_000)
    running = Background(lambda: real_stack.up(program))
    cli = the_cli(real_stack)
    eventually(lambda: len(copies_of(server_account, source)) == 1)
    os.kill(cli, signal.SIGINT)  # one ^C: the engine stops starting steps and waits for the one in flight
    eventually(lambda: "cancelling" in "".join(real_stack.outputs) or "canceled" in "".join(real_stack.outputs))
    controls.set_pace(ticks=2, in_progress=True)
    running.join()
    [copy] = copies_of(server_account, source)
    assert copy["Lifecycle"] == "AVAILABLE"
    assert real_stack.resources()["dr-copy"]["id"] == copy["BackupId"]
    assert real_stack.pending_operations() == [] and real_stack.lock_files() == []


def test_create_timeout_shorter_than_the_copy_is_enforced_and_the_next_up_adopts(
    real_stack: RealStack, server_account: FsxAccount
) -> None:
    controls = server_account.controls
    source = server_account.source_backup(SOURCE)
    real_stack.set_config({"aws:region": DR})
    args = {"source_backup_id": source, "source_region": SOURCE}
    controls.set_pace(ticks=100_000)
    with pytest.raises(auto.CommandError, match="left running and is not lost"):
        real_stack.up(programs.copies(programs.Copy("dr-copy", args, create_timeout="2s")))
    [left] = copies_of(server_account, source)
    assert left["Lifecycle"] == "COPYING" and "dr-copy" not in real_stack.resources()

    controls.set_pace(ticks=2, in_progress=True)
    real_stack.up(programs.copies(programs.Copy("dr-copy", args)))
    [copy] = copies_of(server_account, source)
    assert copy["BackupId"] == left["BackupId"] == real_stack.resources()["dr-copy"]["id"]
