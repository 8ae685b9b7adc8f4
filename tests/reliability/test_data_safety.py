"""Never lose or steal a copy (docs/reliability.md, properties 3a, 4, 6, 7, 8), under the engine's real sequences:
every deployment in a new host process, driven by the engine harness against a separate fsx-emulator process and
checked with the emulator's inspection call. Properties 1 and 2 (`up --replace`, taint, retainOnDelete, state
delete) are in tests/engine/test_what_exists_after_each_step.py; 3 (crashes, timeouts) in test_reliability.py."""

import json
from typing import Any

import pytest

from fsx_backup_copy_provider.claims import CLAIM_TAG, Claim, Stage
from tests.engine import scenarios
from tests.engine.harness import Engine, RpcFailed, goals_from_program, host_env
from tests.engine.model import PROVIDER_KEY
from tests.reliability.test_reliability import _paths, eventually, in_background
from tests.support import ROOT, FsxAccount

pytestmark = pytest.mark.engine
DR, SOURCE = scenarios.DR_REGION, scenarios.SOURCE_REGION
PROGRAMS = ROOT / "tests" / "engine" / "programs"


def claim_in(backup: dict[str, Any]) -> Claim | None:
    return Claim.parse(backup["Tags"].get(CLAIM_TAG))


def program_engine(account: FsxAccount, name: str, config: dict[str, Any]) -> tuple[Engine, dict[str, Any]]:
    assert account.endpoint_url
    full = {"aws:region": DR, **{f"{name}:{k}": v for k, v in config.items()}}
    return Engine(PROGRAMS / name, name, "dr", full, host_env(account.endpoint_url)), full


def test_a_crash_after_the_copy_was_handed_over_leaves_it_reported_not_deleted(server_account: FsxAccount) -> None:
    """The window claims.py names: the copy is marked returned, and the engine never gets the Create answer."""
    controls = server_account.controls
    with scenarios.world(server_account) as w:
        goals = w.goals()
        controls.inject_fault("TagResource", "HoldResponse", message="30")  # the mark is made; its answer never comes
        running = in_background(lambda: w.engine.up(goals, skip_preview=True))

        def marked() -> bool:
            return [getattr(claim_in(c), "stage", None) for c in w.copies()] == [Stage.RETURNED]

        eventually(marked)
        host = w.engine.current_host
        assert host is not None
        host.kill()  # SIGKILL in the window
        running.join()
        assert w.urn not in w.engine.state
        [leftover] = w.copies()

        controls.clear_faults()
        outcome = w.engine.up(w.goals())
        assert not outcome.errors, outcome.errors
        new = w.engine.state[w.urn].id
        assert new != leftover["BackupId"]
        assert {c["BackupId"] for c in w.copies()} == {leftover["BackupId"], new}  # reported, never deleted
        assert any(leftover["BackupId"] in line and "leaving" in line for line in w.engine.output)
        assert claim_in(leftover) is not None  # findable by its tag


def test_two_resources_with_identical_inputs_get_two_copies(server_account: FsxAccount) -> None:
    source = server_account.source_backup(SOURCE)
    engine, config = program_engine(server_account, "twins", {"sourceBackupId": source, "sourceRegion": SOURCE})
    goals = goals_from_program(PROGRAMS / "twins" / "__main__.py", "twins", "dr", config)
    assert sorted(g.name for g in goals) == ["twin-a", "twin-b"]
    assert {k: v for k, v in goals[0].inputs.items() if k != "resourceIdentity"} == {
        k: v for k, v in goals[1].inputs.items() if k != "resourceIdentity"
    }
    outcome = engine.up(goals)  # created in parallel, as the engine does
    assert not outcome.errors, outcome.errors
    ids = {entry.id for entry in engine.state.values()}
    copies = {b["BackupId"] for b in server_account.backups() if b["SourceBackupId"] == source}
    assert len(ids) == 2 and copies == ids
    assert not engine.destroy().errors


def test_secret_inputs_are_never_stored_in_plaintext(server_account: FsxAccount) -> None:
    source = server_account.source_backup(SOURCE)
    key = server_account.kms_key(DR, alias="alias/secret-key")
    engine, config = program_engine(
        server_account,
        "secrets",
        {
            "sourceBackupId": source,
            "sourceRegion": SOURCE,
            "kmsKeyId": "alias/secret-key",
            "tagSecret": "hunter2-tag-secret",
            "secretSource": "true",
        },
    )
    goals = goals_from_program(PROGRAMS / "secrets" / "__main__.py", "secrets", "dr", config)
    assert goals[0].secret_inputs >= {"kmsKeyId", "sourceBackupId", "tags"}
    secrets = ("alias/secret-key", key["Arn"], key["KeyId"], source, "hunter2-tag-secret")

    def nothing_in_plaintext(after: str) -> None:
        stored = engine.stored_state()
        for secret in secrets:
            assert _paths(stored, secret) == [], f"after {after}, {secret} is stored in plain text"
        assert DR in json.dumps(stored)  # the rest is plain text, so the search above can find things

    assert not engine.up(goals).errors
    nothing_in_plaintext("up")
    assert not engine.refresh().errors
    nothing_in_plaintext("refresh")
    tagged = goals_from_program(PROGRAMS / "secrets" / "__main__.py", "secrets", "dr", config)
    assert not engine.up(tagged).errors
    nothing_in_plaintext("a second up")
    assert not engine.destroy().errors


def test_get_of_a_missing_backup_fails_naming_it(server_account: FsxAccount) -> None:
    with scenarios.world(server_account) as w:
        provider = w.goals()[0].inputs[PROVIDER_KEY]
        with pytest.raises(RpcFailed) as failed:
            w.engine.get(scenarios.TYPE, "imported", "backup-0123456789abcdef0", {"__provider": provider, "region": DR})
        assert "there is no backup backup-0123456789abcdef0 in us-west-2" in failed.value.details


def test_kms_alias_to_the_keys_arn_is_no_replacement(server_account: FsxAccount) -> None:
    with scenarios.world(server_account) as w:
        scenarios.up_creates(w)
        entry = w.engine.state[w.urn]
        key_arn, copy_id = entry.outputs["kmsKeyId"], entry.id
        for spelling in (key_arn, key_arn.rsplit("/", 1)[-1], "alias/dr-one"):
            outcome = w.engine.up(w.goals(kmsKeyId=spelling))
            assert not outcome.errors and outcome.steps[w.urn] == "same", (spelling, outcome.steps)
        assert [c["BackupId"] for c in w.copies()] == [copy_id]
        outcome = w.engine.up(w.goals(kmsKeyId="alias/dr-two"))  # another key: a new copy, the old one deleted
        assert not outcome.errors and outcome.steps[w.urn] == "replace"
        assert [c["BackupId"] for c in w.copies()] == [w.engine.state[w.urn].id] != [copy_id]
