"""The engine scenarios of issue 4, as functions over a World (engine + emulator), shared by the tests, the
golden-log recorder and ``make demo``. Each raises AssertionError when the provider misbehaves.

Every operation runs the way the CLI runs it: ``pulumi up`` is a preview deployment then an update deployment,
each in a fresh host process, so the sequences below are per deployment (prologue calls left out).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pulumi.runtime.proto import provider_pb2

from tests.engine.harness import (
    PROVIDER_KEY,
    UNKNOWN,
    Engine,
    Goal,
    Outcome,
    goals_from_program,
    host_env,
    preview_inputs,
)
from tests.engine.rpclog import PROLOGUE, Call
from tests.support import ROOT, FsxAccount

EXAMPLE = ROOT / "examples" / "cross-region-dr"
PROJECT, STACK = "cross-region-dr", "dr"
SOURCE_REGION, DR_REGION = "us-east-2", "us-west-2"
TYPE = "pulumi-python:dynamic/fsx:BackupCopy"
DIFF_NONE, DIFF_SOME = provider_pb2.DiffResponse.DIFF_NONE, provider_pb2.DiffResponse.DIFF_SOME


class Log:
    """Reading the engine's RPC log back, per deployment."""

    engine: Engine

    def mark(self) -> int:
        return len(self.engine.recorder.calls)

    def calls_since(self, mark: int, method: str | None = None) -> list[Call]:
        calls = self.engine.recorder.calls[mark:]
        return [c for c in calls if method is None or c.method == method]

    def deployments_since(self, mark: int) -> list[list[str]]:
        """The resource calls of each deployment since ``mark`` (one list per host process, prologue left out)."""
        grouped: dict[int, list[str]] = {}
        for call in self.calls_since(mark):
            methods = grouped.setdefault(call.deployment, [])
            if call.method not in PROLOGUE:
                methods.append(call.method)
        return [grouped[index] for index in sorted(grouped)]

    def since(self, mark: int) -> list[str]:
        return [method for methods in self.deployments_since(mark) for method in methods]

    def full_deployments_since(self, mark: int) -> list[list[str]]:
        """Every call of each deployment since ``mark``, prologue included."""
        grouped: dict[int, list[str]] = {}
        for call in self.calls_since(mark):
            grouped.setdefault(call.deployment, []).append(call.method)
        return [grouped[index] for index in sorted(grouped)]


@dataclass
class World(Log):
    """One stack of the cross-region-dr example, driven through fresh hosts against the emulator."""

    account: FsxAccount
    engine: Engine
    source_backup_id: str
    config: dict[str, Any] = field(default_factory=dict)
    provider_override: str | None = None  # a serialized provider to use instead of the program's

    @property
    def urn(self) -> str:
        return self.engine.urn(TYPE, "dr-copy")

    def goals(self, **config: Any) -> list[Goal]:
        merged = {**self.config, **{f"{PROJECT}:{k}": v for k, v in config.items()}}
        goals = goals_from_program(EXAMPLE / "__main__.py", PROJECT, STACK, merged)
        if self.provider_override:
            for goal in goals:
                goal.inputs[PROVIDER_KEY] = self.provider_override
        return goals

    def copy(self) -> dict[str, Any]:
        entry = self.engine.state[self.urn]
        described: dict[str, Any] = self.account.client(DR_REGION).describe_backups(BackupIds=[entry.id])["Backups"][0]
        return described

    def copies(self) -> list[dict[str, Any]]:
        return [b for b in self.account.backups() if b["SourceBackupId"] == self.source_backup_id]


@contextmanager
def world(
    account: FsxAccount,
    provider_override: str | None = None,
    host_extra_env: dict[str, str] | None = None,
    program_dir: Path = EXAMPLE,
    time_scale: float = 0.001,
) -> Iterator[World]:
    assert account.endpoint_url, "the engine scenarios need the emulator as a separate process"
    source = account.source_backup(SOURCE_REGION, tags={"team": "storage"})
    account.kms_key(DR_REGION, alias="alias/dr-one")
    account.kms_key(DR_REGION, alias="alias/dr-two")
    config = {
        "aws:region": DR_REGION,
        f"{PROJECT}:sourceBackupId": source,
        f"{PROJECT}:sourceRegion": SOURCE_REGION,
        f"{PROJECT}:kmsKeyId": "alias/dr-one",
    }
    env = host_env(account.endpoint_url, time_scale, extra=host_extra_env)
    engine = Engine(program_dir, PROJECT, STACK, config, env)
    yield World(account, engine, source, config, provider_override)
    assert engine.current_host is None, "a host outlived its deployment"


def _only(outcome: Outcome, step: str) -> None:
    assert not outcome.errors, outcome.errors
    assert set(outcome.steps.values()) == {step}, outcome.steps


# --------------------------------------------------------------------------------------------- scenarios
def up_creates(w: World) -> None:
    mark = w.mark()
    _only(w.engine.up(w.goals()), "create")
    assert w.deployments_since(mark) == [["Check"], ["Check", "Create"]], w.deployments_since(mark)
    outputs = w.engine.state[w.urn].outputs
    assert outputs["lifecycle"] == "AVAILABLE" and outputs["backupId"] == w.engine.state[w.urn].id
    assert outputs["tags"] == {"purpose": "disaster-recovery", "managed-by": "pulumi"}
    assert outputs["kmsKeyId"].startswith(f"arn:aws:kms:{DR_REGION}:")
    assert len(w.copies()) == 1 and w.copies()[0]["Lifecycle"] == "AVAILABLE"


def up_without_changes(w: World) -> None:
    mark = w.mark()
    outcome = w.engine.up(w.goals())
    _only(outcome, "same")
    assert w.deployments_since(mark) == [["Check", "Diff"], ["Check", "Diff"]], w.deployments_since(mark)
    assert outcome.diffs[w.urn].changes == DIFF_NONE, "an unchanged stack must diff as DIFF_NONE"


def up_after_provider_reserialized(w: World) -> None:
    """An SDK or Python upgrade changes the serialized __provider; that alone must not update the copy."""
    entry = w.engine.state[w.urn]
    entry.inputs = {**entry.inputs, PROVIDER_KEY: entry.inputs[PROVIDER_KEY] + "="}
    mark = w.mark()
    _only(w.engine.up(w.goals()), "same")
    assert w.deployments_since(mark) == [["Check", "Diff"], ["Check", "Diff"]], w.deployments_since(mark)


def up_with_tag_change(w: World) -> None:
    before = w.engine.state[w.urn].id
    mark = w.mark()
    _only(w.engine.up(w.goals(tags={"team": "storage"})), "update")
    assert w.deployments_since(mark) == [["Check", "Diff"], ["Check", "Diff", "Update"]], w.deployments_since(mark)
    entry = w.engine.state[w.urn]
    assert entry.id == before
    assert entry.outputs.get("backupId") == before, "Update must return every output"
    assert entry.outputs.get("tags", {}).get("team") == "storage"
    assert {t["Key"]: t["Value"] for t in w.copy()["Tags"]}["team"] == "storage"


def up_with_kms_change(w: World) -> None:
    """A replacement the provider asks for: Check(olds), Diff, a second Check without olds, Create, then the
    old copy's Delete at the end of the deployment (create-before-delete)."""
    old = w.engine.state[w.urn]
    mark = w.mark()
    _only(w.engine.up(w.goals(tags={"team": "storage"}, kmsKeyId="alias/dr-two")), "replace")
    assert w.deployments_since(mark) == [
        ["Check", "Diff", "Check"],
        ["Check", "Diff", "Check", "Create", "Delete"],
    ], w.deployments_since(mark)
    [delete] = w.calls_since(mark, "Delete")
    assert delete.request["id"] == old.id and delete.request["properties"][PROVIDER_KEY] == old.outputs[PROVIDER_KEY]
    new = w.engine.state[w.urn]
    assert new.id != old.id and [c["BackupId"] for c in w.copies()] == [new.id]


def delete_before_replace(w: World) -> None:
    old = w.engine.state[w.urn]
    goals = w.goals(tags={"team": "storage"}, kmsKeyId="alias/dr-one")
    for goal in goals:
        goal.delete_before_replace = True
    mark = w.mark()
    _only(w.engine.up(goals), "replace")
    assert w.deployments_since(mark) == [
        ["Check", "Diff", "Check"],
        ["Check", "Diff", "Check", "Delete", "Create"],
    ], w.deployments_since(mark)
    assert [c["BackupId"] for c in w.copies()] == [w.engine.state[w.urn].id] != [old.id]


def preview_with_unknown_input(w: World) -> None:
    existing = w.engine.state[w.urn].id
    goals = [preview_inputs(g, {"sourceBackupId"}) for g in w.goals(tags={"team": "storage"})]
    mark = w.mark()
    outcome = w.engine.preview(goals)
    assert not outcome.errors, outcome.errors
    # One deployment, and no Create in it: a preview.
    assert w.deployments_since(mark) == [["Check", "Diff", "Check"]], w.deployments_since(mark)
    assert outcome.steps[w.urn] == "replace"  # an unknown source may be another backup
    assert w.calls_since(mark, "Check")[0].request["news"]["sourceBackupId"] == UNKNOWN
    assert w.engine.state[w.urn].id == existing and len(w.copies()) == 1


def refresh_sees_tag_drift(w: World) -> None:
    arn = w.copy()["ResourceARN"]
    w.account.client(DR_REGION).tag_resource(ResourceARN=arn, Tags=[{"Key": "team", "Value": "changed-by-hand"}])
    mark = w.mark()
    outcome = w.engine.refresh(preview_only=True)
    assert w.deployments_since(mark) == [["Read", "Diff"]], w.deployments_since(mark)
    assert outcome.steps[w.urn] == "update", "a refresh preview must show the hand-made tag change"
    assert w.engine.state[w.urn].outputs["tags"]["team"] != "changed-by-hand", "a preview never writes state"
    w.engine.refresh()
    assert w.engine.state[w.urn].outputs["tags"]["team"] == "changed-by-hand"
    _only(w.engine.up(w.goals(tags={"team": "storage"})), "update")  # the next up puts it back
    assert {t["Key"]: t["Value"] for t in w.copy()["Tags"]}["team"] == "storage"


def refresh_drops_deleted_copy(w: World) -> None:
    gone = w.engine.state[w.urn].id
    w.account.client(DR_REGION).delete_backup(BackupId=gone)
    outcome = w.engine.refresh()
    assert outcome.steps[w.urn] == "delete" and w.urn not in w.engine.state
    _only(w.engine.up(w.goals(tags={"team": "storage"})), "create")
    assert len(w.copies()) == 1 and w.copies()[0]["BackupId"] != gone


def destroy(w: World) -> None:
    mark = w.mark()
    outcome = w.engine.destroy()
    assert not outcome.errors, outcome.errors
    assert w.deployments_since(mark) == [[], ["Delete"]], w.deployments_since(mark)  # a destroy preview deletes nothing
    assert w.engine.state == {} and w.copies() == []


def get_existing(w: World) -> None:
    backup_id = w.engine.state[w.urn].id
    provider = w.goals()[0].inputs[PROVIDER_KEY]
    outputs = w.engine.get(TYPE, "imported", backup_id, {PROVIDER_KEY: provider, "region": DR_REGION})
    assert outputs["backupId"] == backup_id and outputs["sourceBackupId"] == w.source_backup_id
    assert outputs["sourceRegion"] == SOURCE_REGION


LIFECYCLE = [
    up_creates,
    up_without_changes,
    up_after_provider_reserialized,
    up_with_tag_change,
    preview_with_unknown_input,
    get_existing,
    up_with_kms_change,
    delete_before_replace,
    refresh_sees_tag_drift,
    refresh_drops_deleted_copy,
    destroy,
]


# --------------------------------------------------------------------------------------------- many resources
FLEET = ROOT / "tests" / "engine" / "programs" / "fleet"


@dataclass
class Fleet(Log):
    account: FsxAccount
    engine: Engine
    source_backup_id: str

    def goals(self, count: int, tagged: int = 0, wave: str = "1") -> list[Goal]:
        config = {
            "fleet:sourceBackupId": self.source_backup_id,
            "fleet:sourceRegion": SOURCE_REGION,
            "fleet:count": str(count),
            "fleet:tagged": str(tagged),
            "fleet:wave": wave,
        }
        return goals_from_program(FLEET / "__main__.py", "fleet", STACK, config)

    def copies(self) -> list[dict[str, Any]]:
        return [b for b in self.account.backups() if b["SourceBackupId"] == self.source_backup_id]


@contextmanager
def fleet(
    account: FsxAccount, time_scale: float = 0.001, host_extra_env: dict[str, str] | None = None
) -> Iterator[Fleet]:
    assert account.endpoint_url
    source = account.source_backup(SOURCE_REGION)
    env = host_env(account.endpoint_url, time_scale, extra=host_extra_env)
    engine = Engine(FLEET, "fleet", STACK, {"aws:region": DR_REGION}, env)
    yield Fleet(account, engine, source)
    assert engine.current_host is None, "a host outlived its deployment"
