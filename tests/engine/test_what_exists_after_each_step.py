"""Whole user stories under the engine's real sequences (a fresh host per deployment), checked against what
exists in the emulator after each step: a replaced copy is gone and the new one exists; a copy the user chose
to keep survives everything and is never taken back.

Each of them fails with the provider as it was before the data-safety fix (issue 10, commit 4fc895b): on the
engine's olds-less Check + Create in a fresh host it adopted the copy the stack holds, and the engine's
Delete(old id) then deleted the only copy (or destroy deleted the copy the user kept).
"""

from typing import Any

import pytest

from tests.engine import scenarios
from tests.engine.harness import Goal
from tests.engine.scenarios import World
from tests.support import FsxAccount

pytestmark = pytest.mark.engine


def ids(w: World) -> set[str]:
    return {c["BackupId"] for c in w.copies()}


def up(w: World, goals: list[Goal], **options: Any) -> None:
    outcome = w.engine.up(goals, **options)
    assert not outcome.errors, outcome.errors


def with_options(goals: list[Goal], **options: Any) -> list[Goal]:
    for goal in goals:
        for name, value in options.items():
            setattr(goal, name, value)
    return goals


def replaced_copy_is_gone_and_new_one_exists(w: World, old: str) -> None:
    new = w.engine.state[w.urn].id
    assert new != old, "the replacement must be a new copy"
    assert ids(w) == {new}, f"exactly the new copy must exist, found {ids(w)} (old {old})"
    assert w.copy()["Lifecycle"] == "AVAILABLE"


def test_up_then_up_replace_then_destroy(server_account: FsxAccount) -> None:
    with scenarios.world(server_account) as w:
        up(w, w.goals())
        old = w.engine.state[w.urn].id
        assert ids(w) == {old}
        up(w, w.goals(), replace=["dr-copy"])  # pulumi up --replace <urn>
        replaced_copy_is_gone_and_new_one_exists(w, old)
        assert not w.engine.destroy().errors
        assert w.copies() == [] and w.engine.state == {}


def test_up_then_state_taint_and_up_then_destroy(server_account: FsxAccount) -> None:
    with scenarios.world(server_account) as w:
        up(w, w.goals())
        old = w.engine.state[w.urn].id
        w.engine.taint("dr-copy")  # pulumi state taint <urn>
        up(w, w.goals())
        replaced_copy_is_gone_and_new_one_exists(w, old)
        assert not w.engine.destroy().errors
        assert w.copies() == [] and w.engine.state == {}


def test_up_then_remove_with_retain_on_delete_then_add_back_then_destroy(server_account: FsxAccount) -> None:
    with scenarios.world(server_account) as w:
        up(w, with_options(w.goals(), retain_on_delete=True))
        kept = w.engine.state[w.urn].id
        up(w, [])  # removed from the program: no Delete, the copy is kept
        assert w.engine.state == {} and ids(w) == {kept}
        up(w, w.goals())  # added back: a new copy, the kept one untouched
        new = w.engine.state[w.urn].id
        assert new != kept and ids(w) == {kept, new}
        assert not w.engine.destroy().errors
        assert ids(w) == {kept}, "destroy deletes the stack's copy and never the one the user kept"


def test_up_then_state_delete_then_up_then_destroy(server_account: FsxAccount) -> None:
    with scenarios.world(server_account) as w:
        up(w, w.goals())
        kept = w.engine.state[w.urn].id
        w.engine.state_delete("dr-copy")  # pulumi state delete <urn>: the stack forgets the copy
        up(w, w.goals())
        new = w.engine.state[w.urn].id
        assert new != kept and ids(w) == {kept, new}
        assert not w.engine.destroy().errors
        assert ids(w) == {kept}
