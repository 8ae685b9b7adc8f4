"""A copy the engine holds is never adopted or returned by a create, and no copy is made without its claim
(docs/reliability.md, properties 1 and 2), under the engine's real sequences, checked against what exists in the
emulator afterwards.

Each of the four sequences that send an olds-less Check and a Create while a copy already exists (``up --replace``,
``pulumi state taint``, ``pulumi state delete`` + re-add, ``retainOnDelete`` + re-add) runs with the copy's claim
present, with the claim removed out of band, and with no room for the claim; and for an adopted copy.
"""

from collections.abc import Callable
from typing import Any

import pytest

from fsx_backup_copy_provider.claims import CLAIM_TAG, Claim
from tests.engine import scenarios
from tests.engine.harness import Goal
from tests.engine.scenarios import DR_REGION, SOURCE_REGION, World
from tests.support import FsxAccount

pytestmark = pytest.mark.engine
SEQUENCES = ["up_replace", "taint", "state_delete_and_add_back", "retain_on_delete_and_add_back"]


def ids(w: World) -> set[str]:
    return {c["BackupId"] for c in w.copies()}


def claim_of(w: World, backup_id: str) -> Claim | None:
    [copy] = [c for c in w.copies() if c["BackupId"] == backup_id]
    return Claim.parse(copy["Tags"].get(CLAIM_TAG))


def remove_claim(w: World, backup_id: str) -> None:
    """What a tag-hygiene tool or a hand `aws fsx untag-resource` does."""
    arn = w.account.client(DR_REGION).describe_backups(BackupIds=[backup_id])["Backups"][0]["ResourceARN"]
    w.account.client(DR_REGION).untag_resource(ResourceARN=arn, TagKeys=[CLAIM_TAG])


def retained(goals: list[Goal]) -> list[Goal]:
    for goal in goals:
        goal.retain_on_delete = True
    return goals


def up_ok(w: World, goals: list[Goal], **options: Any) -> None:
    outcome = w.engine.up(goals, **options)
    assert not outcome.errors, outcome.errors


def first_up(w: World, sequence: str, goals: Callable[..., list[Goal]]) -> str:
    up_ok(w, retained(goals()) if sequence == "retain_on_delete_and_add_back" else goals())
    return w.engine.state[w.urn].id


def run_sequence(w: World, sequence: str, goals: list[Goal]) -> dict[str, str]:
    """The sequence's own steps after the first up; the errors of its last update."""
    if sequence == "up_replace":
        return w.engine.up(goals, replace=["dr-copy"]).errors
    if sequence == "taint":
        w.engine.taint("dr-copy")
        return w.engine.up(goals).errors
    if sequence == "state_delete_and_add_back":
        w.engine.state_delete("dr-copy")
        return w.engine.up(goals).errors
    up_ok(w, [])  # removed from the program: retainOnDelete keeps the copy, no Delete
    assert w.engine.state == {}
    return w.engine.up(goals).errors


def replaces(sequence: str) -> bool:
    return sequence in ("up_replace", "taint")


def new_copy_and_the_old_one_handled(w: World, sequence: str, old: str) -> None:
    """A new copy is recorded; the old one is deleted by the engine (a replacement) or kept untouched (kept)."""
    new = w.engine.state[w.urn].id
    assert new != old, "a create must never hand back the copy that exists"
    assert ids(w) == ({new} if replaces(sequence) else {old, new}), (ids(w), old, new)
    assert not w.engine.destroy().errors
    assert ids(w) == (set() if replaces(sequence) else {old}), "destroy never deletes a copy the user kept"


@pytest.mark.parametrize("sequence", SEQUENCES)
def test_with_the_claim_present_a_new_copy_is_made(server_account: FsxAccount, sequence: str) -> None:
    with scenarios.world(server_account) as w:
        old = first_up(w, sequence, w.goals)
        assert not run_sequence(w, sequence, w.goals())
        new_copy_and_the_old_one_handled(w, sequence, old)


@pytest.mark.parametrize("sequence", SEQUENCES)
def test_with_the_claim_removed_out_of_band_a_new_copy_is_made(server_account: FsxAccount, sequence: str) -> None:
    """FSx answers the replacement's CopyBackup (the same token) with the copy in state: it carries no claim, so
    create asks again with a fresh token and reports it."""
    with scenarios.world(server_account) as w:
        old = first_up(w, sequence, w.goals)
        remove_claim(w, old)
        assert not run_sequence(w, sequence, w.goals())
        assert any(old in line and "leaving" in line for line in w.engine.output)
        new_copy_and_the_old_one_handled(w, sequence, old)


@pytest.mark.parametrize("sequence", SEQUENCES)
def test_with_no_room_for_the_claim_nothing_is_copied_or_lost(server_account: FsxAccount, sequence: str) -> None:
    """copyTags with a source of 48 tags plus the program's 2 leave no room for the claim: create fails before
    CopyBackup, naming the tags to drop; the copy that exists stays (in state, for a replacement)."""
    with scenarios.world(server_account) as w:
        crowded = server_account.source_backup(SOURCE_REGION, tags={f"t{i:02d}": "v" for i in range(48)})
        w.config[f"{scenarios.PROJECT}:sourceBackupId"] = w.source_backup_id = crowded
        old = first_up(w, sequence, w.goals)  # copyTags off: 2 tags and the claim
        errors = run_sequence(w, sequence, w.goals(copyTags=True))
        assert errors and all("nothing was copied" in e and "Drop 1 of your tags" in e for e in errors.values())
        assert ids(w) == {old}, "no copy made, and the one that exists untouched"
        if replaces(sequence):
            assert w.engine.state[w.urn].id == old and not w.engine.pending_deletes
        assert claim_of(w, old) is not None


def adopted_world(w: World) -> tuple[str, Callable[..., list[Goal]]]:
    """A copy made by hand (no claim), and goals that adopt it."""
    made = w.account.client(DR_REGION).copy_backup(SourceBackupId=w.source_backup_id, SourceRegion=SOURCE_REGION)
    backup_id = str(made["Backup"]["BackupId"])
    w.account.wait_available(DR_REGION, backup_id)

    w.config.pop(f"{scenarios.PROJECT}:kmsKeyId")  # the copy has the FSx-managed key

    def goals(**config: Any) -> list[Goal]:
        adopting = w.goals(**config)
        for goal in adopting:
            goal.inputs["adoptBackupId"] = backup_id
        return adopting

    return backup_id, goals


@pytest.mark.parametrize("sequence", SEQUENCES)
def test_an_adopted_copy_is_never_adopted_again(server_account: FsxAccount, sequence: str) -> None:
    """The choice for an adopted resource: a create that finds the copy already handed over fails clearly (the
    copy stays where it is); without adoptBackupId the same sequence makes a new copy."""
    with scenarios.world(server_account) as w:
        adopted, goals = adopted_world(w)
        assert first_up(w, sequence, goals) == adopted
        errors = run_sequence(w, sequence, goals())
        assert errors and all("already handed to Pulumi by this resource" in e for e in errors.values())
        assert ids(w) == {adopted}
        if replaces(sequence):
            assert w.engine.state[w.urn].id == adopted and not w.engine.pending_deletes
            without_adopt = [g for g in goals() if g.inputs.pop("adoptBackupId")]
            up_ok(w, without_adopt, replace=["dr-copy"])
            new_copy_and_the_old_one_handled(w, sequence, adopted)
        else:
            assert w.urn not in w.engine.state


@pytest.mark.parametrize("sequence", ["up_replace", "taint"])
def test_an_adopted_copy_whose_claim_was_removed_is_never_deleted_by_its_replacement(
    server_account: FsxAccount, sequence: str
) -> None:
    """Without its claim an adopted copy looks made by hand again, so the replacement adopts it anew; its Delete of
    the old state then finds another hand-over id on the copy and leaves it: the copy stays, recorded."""
    with scenarios.world(server_account) as w:
        adopted, goals = adopted_world(w)
        first_up(w, sequence, goals)
        remove_claim(w, adopted)
        assert not run_sequence(w, sequence, goals())
        assert ids(w) == {adopted} and w.engine.state[w.urn].id == adopted
        assert any("not deleting" in line and adopted in line for line in w.engine.output)


def test_a_refresh_warns_of_a_removed_claim_and_the_next_up_puts_it_back(server_account: FsxAccount) -> None:
    with scenarios.world(server_account) as w:
        up_ok(w, w.goals())
        copy = w.engine.state[w.urn].id
        remove_claim(w, copy)
        mark = len(w.engine.output)
        refreshed = w.engine.refresh()
        assert not refreshed.errors and refreshed.steps[w.urn] == "update"
        assert any("lost its" in line and CLAIM_TAG in line for line in w.engine.output[mark:])
        outcome = w.engine.up(w.goals())
        assert not outcome.errors and outcome.steps[w.urn] == "update"
        assert claim_of(w, copy) is not None and ids(w) == {copy}
        assert w.engine.up(w.goals()).steps[w.urn] == "same"
