"""The engine's own commands that re-create, forget or keep a resource, through the real engine: no copy is lost,
duplicated or handed out twice, whatever the claim tag says (present, removed out of band, or an adopted copy)."""

import contextlib
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from pulumi import automation as auto

from tests.cli import programs
from tests.cli.realengine import Program, RealStack
from tests.support import FsxAccount, copies_of

SOURCE, DR = "us-east-2", "us-west-2"
CLAIM = "pulumi-fsx-backup-copy:claim"



def remove_claim(account: FsxAccount, backup_id: str) -> None:
    """What a tag-hygiene tool or a hand `aws fsx untag-resource` does."""
    fsx = account.client(DR)
    arn = fsx.describe_backups(BackupIds=[backup_id])["Backups"][0]["ResourceARN"]
    fsx.untag_resource(ResourceARN=arn, TagKeys=[CLAIM])


SEQUENCES = [
    "up_replace",
    "target_replace",
    "state_taint",
    "state_delete_and_add_back",
    "retain_on_delete_and_add_back",
]
REPLACING = ("up_replace", "target_replace", "state_taint")


def copy_program(source: str, retain: bool = False, **args: Any) -> Program:
    declared = {"source_backup_id": source, "source_region": SOURCE, "tags": {"team": "dr"}, **args}
    return programs.copies(programs.Copy("dr-copy", declared, retain_on_delete=retain))


def run_sequence(real_stack: RealStack, sequence: str, program: Program) -> None:
    """The sequence's own commands after the first up (which recorded the copy)."""
    urn = real_stack.urn("dr-copy")
    if sequence == "up_replace":
        real_stack.up(program, replace=[urn])
    elif sequence == "target_replace":
        real_stack.up(program, replace=[urn], target=[urn])  # what `--target-replace URN` means
    elif sequence == "state_taint":
        real_stack.run("state", "taint", urn, "--yes")
        real_stack.up(program)
    elif sequence == "state_delete_and_add_back":
        real_stack.run("state", "delete", urn, "--yes")
        assert real_stack.resources() == {}
        real_stack.up(program)
    else:
        real_stack.up(programs.copies())  # removed from the program: no Delete, it leaves the state
        assert real_stack.resources() == {}
        real_stack.up(program)


def first_up(real_stack: RealStack, account: FsxAccount, sequence: str, source: str) -> str:
    real_stack.set_config({"aws:region": DR})
    real_stack.up(copy_program(source, retain=sequence == "retain_on_delete_and_add_back"))
    [first] = copies_of(account, source)
    return str(first["BackupId"])


def new_copy_and_the_old_one_handled(real_stack: RealStack, account: FsxAccount, sequence: str, old: str) -> None:
    """A new copy is recorded; the old one was deleted by the engine (a replacement) or is kept untouched."""
    source = real_stack.resources()["dr-copy"]["inputs"]
    new = real_stack.resources()["dr-copy"]["id"]
    existing = {c["BackupId"] for c in account.backups() if c["SourceBackupId"] == source["sourceBackupId"]}
    assert new != old, "a create must never hand back the copy that exists"
    assert existing == ({new} if sequence in REPLACING else {old, new}), (existing, old, new)
    real_stack.destroy()
    left = {c["BackupId"] for c in account.backups() if c["SourceBackupId"] == source["sourceBackupId"]}
    assert left == (set() if sequence in REPLACING else {old}), "destroy never deletes a copy the user kept"


@pytest.mark.parametrize("claim", ["present", "removed_out_of_band"])
@pytest.mark.parametrize("sequence", SEQUENCES)
def test_a_create_never_hands_back_the_copy_that_exists(
    real_stack: RealStack, server_account: FsxAccount, sequence: str, claim: str
) -> None:
    source = server_account.source_backup(SOURCE)
    old = first_up(real_stack, server_account, sequence, source)
    if claim == "removed_out_of_band":
        remove_claim(server_account, old)
        if sequence in REPLACING:
            real_stack.refresh()  # the refresh warns; the copy stays in state
    run_sequence(real_stack, sequence, copy_program(source))
    new_copy_and_the_old_one_handled(real_stack, server_account, sequence, old)


@pytest.mark.parametrize("sequence", SEQUENCES)
def test_with_no_room_for_the_claim_nothing_is_copied_or_lost(
    real_stack: RealStack, server_account: FsxAccount, sequence: str
) -> None:
    """copyTags with a source of 49 tags plus the program's 1 leave no room for the claim: the create fails before
    CopyBackup naming the tags to drop, and the copy that exists stays."""
    source = server_account.source_backup(SOURCE, tags={f"t{i:02d}": "v" for i in range(49)})
    old = first_up(real_stack, server_account, sequence, source)
    with pytest.raises(auto.CommandError, match="nothing was copied"):
        run_sequence(real_stack, sequence, copy_program(source, copy_tags=True))
    assert [c["BackupId"] for c in copies_of(server_account, source)] == [old]
    if sequence in REPLACING:
        assert real_stack.resources()["dr-copy"]["id"] == old


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
