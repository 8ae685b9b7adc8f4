"""The engine's own commands that re-create, forget or keep a resource, through the real engine: no copy is lost,
duplicated or handed out twice, whatever the claim tag says (present, removed out of band, or an adopted copy)."""

import contextlib
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from pulumi import automation as auto

from tests.cli import programs
from tests.cli.realengine import Program, RealStack
from tests.support import FsxAccount

SOURCE, DR = "us-east-2", "us-west-2"
CLAIM = "pulumi-fsx-backup-copy:claim"


def copies_of(account: FsxAccount, source: str) -> list[dict[str, Any]]:
    return [b for b in account.backups() if b["SourceBackupId"] == source]


def remove_claim(account: FsxAccount, backup_id: str) -> None:
    """What a tag-hygiene tool or a hand `aws fsx untag-resource` does."""
    fsx = account.client(DR)
    arn = fsx.describe_backups(BackupIds=[backup_id])["Backups"][0]["ResourceARN"]
    fsx.untag_resource(ResourceARN=arn, TagKeys=[CLAIM])


def a_recorded_copy(real_stack: RealStack, account: FsxAccount, **copy: Any) -> tuple[str, str, Program]:
    source = account.source_backup(SOURCE)
    real_stack.set_config({"aws:region": DR})
    program = programs.copies(programs.Copy("dr-copy", {"source_backup_id": source, "source_region": SOURCE}, **copy))
    real_stack.up(program)
    [first] = copies_of(account, source)
    return source, first["BackupId"], program


@pytest.mark.parametrize("claim", ["present", "removed_out_of_band"])
@pytest.mark.parametrize("how", ["up_replace", "target_replace", "state_taint"])
def test_forced_replacement_makes_a_new_copy_and_deletes_the_old(
    real_stack: RealStack, server_account: FsxAccount, how: str, claim: str
) -> None:
    source, old, program = a_recorded_copy(real_stack, server_account)
    if claim == "removed_out_of_band":
        remove_claim(server_account, old)
        real_stack.refresh()
    urn = real_stack.urn("dr-copy")
    if how == "up_replace":
        result = real_stack.up(program, replace=[urn])
    elif how == "target_replace":
        result = real_stack.up(program, replace=[urn], target=[urn])  # what `--target-replace URN` means
    else:
        real_stack.run("state", "taint", urn, "--yes")
        result = real_stack.up(program)
    assert result.summary.resource_changes is not None and result.summary.resource_changes.get(auto.OpType.REPLACE) == 1
    [new] = copies_of(server_account, source)
    assert new["BackupId"] != old and new["Lifecycle"] == "AVAILABLE"
    assert real_stack.resources()["dr-copy"]["id"] == new["BackupId"]


@pytest.mark.parametrize("forget", ["retain_on_delete", "state_delete"])
def test_a_kept_copy_is_never_taken_back_or_deleted(
    real_stack: RealStack, server_account: FsxAccount, forget: str
) -> None:
    source, kept, _ = a_recorded_copy(real_stack, server_account, retain_on_delete=forget == "retain_on_delete")
    if forget == "retain_on_delete":
        real_stack.up(programs.copies())  # the resource is removed from the program: no Delete, it leaves state
    else:
        real_stack.run("state", "delete", real_stack.urn("dr-copy"), "--yes")
    assert real_stack.resources() == {} and [c["BackupId"] for c in copies_of(server_account, source)] == [kept]

    added_back = programs.copies(programs.Copy("dr-copy", {"source_backup_id": source, "source_region": SOURCE}))
    real_stack.up(added_back)  # added back (without retainOnDelete): a new copy, the kept one is left alone
    by_id = {c["BackupId"]: c for c in copies_of(server_account, source)}
    recorded = real_stack.resources()["dr-copy"]["id"]
    assert set(by_id) == {kept, recorded} and recorded != kept

    real_stack.destroy()
    assert [c["BackupId"] for c in copies_of(server_account, source)] == [kept]


def test_twins_with_identical_inputs_created_in_parallel_get_a_copy_each(
    real_stack: RealStack, server_account: FsxAccount
) -> None:
    source = server_account.source_backup(SOURCE)
    real_stack.set_config({"aws:region": DR})
    args = {"source_backup_id": source, "source_region": SOURCE}
    result = real_stack.up(programs.copies(programs.Copy("twin-a", args), programs.Copy("twin-b", args)))
    recorded = {name: r["id"] for name, r in real_stack.resources().items()}
    assert sorted(c["BackupId"] for c in copies_of(server_account, source)) == sorted(recorded.values())
    assert len(set(recorded.values())) == 2 and result.outputs["twin-a"].value == recorded["twin-a"]


def test_an_adopted_copy_is_never_handed_back_by_its_replacement(
    real_stack: RealStack, server_account: FsxAccount
) -> None:
    source = server_account.source_backup(SOURCE)
    made = server_account.client(DR).copy_backup(SourceBackupId=source, SourceRegion=SOURCE)["Backup"]["BackupId"]
    server_account.wait_available(DR, made)
    real_stack.set_config({"aws:region": DR})
    args = {"source_backup_id": source, "source_region": SOURCE, "adopt_backup_id": made}
    program = programs.copies(programs.Copy("dr-copy", args))
    real_stack.up(program)
    assert real_stack.resources()["dr-copy"]["id"] == made

    real_stack.run("state", "taint", real_stack.urn("dr-copy"), "--yes")
    with contextlib.suppress(auto.CommandError):  # refusing is one of the two allowed answers
        real_stack.up(program)
    recorded = real_stack.resources()["dr-copy"]["id"]
    existing = {c["BackupId"] for c in copies_of(server_account, source)}
    assert recorded in existing, "the copy in state no longer exists"
    if recorded == made:  # refused: the adopted copy is untouched and still recorded
        assert existing == {made}
    else:  # replaced by a new copy: the engine's Delete of the old id took the adopted copy, not the new one
        assert existing == {recorded}


def test_parallel_stacks_with_the_same_program_each_keep_their_own_copy(
    real_stack: RealStack, server_account: FsxAccount, tmp_path_factory: pytest.TempPathFactory
) -> None:
    source = server_account.source_backup(SOURCE)
    program = programs.copies(programs.Copy("dr-copy", {"source_backup_id": source, "source_region": SOURCE}))
    other = RealStack(cli=real_stack.cli, root=tmp_path_factory.mktemp("other"), endpoint=real_stack.endpoint)
    other.name = "dr-two"
    for stack in (real_stack, other):
        stack.set_config({"aws:region": DR})
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda s: s.up(program), [real_stack, other]))
    ids = {real_stack.resources()["dr-copy"]["id"], other.resources()["dr-copy"]["id"]}
    assert len(ids) == 2 and ids == {c["BackupId"] for c in copies_of(server_account, source)}
    real_stack.destroy()
    assert {c["BackupId"] for c in copies_of(server_account, source)} == {other.resources()["dr-copy"]["id"]}
    other.end_leftover_processes()
