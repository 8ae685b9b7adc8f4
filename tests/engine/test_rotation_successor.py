"""The successor rule through the engine: a Region never holds fewer than min(keep, copies made so far) AVAILABLE
copies, whatever the engine does with a failed step.

`pulumi up --continue-on-error` runs every step that does not depend on a failed one, the deletes of removed
resources included (pkg/resource/deploy/deployment_executor.go, and step_executor.go: with ContinueOnError a failed
step does not cancel the deployment). A rotation's children depend on nothing, so every delete runs: only what the
program declares protects a copy. Here one Region's key is disabled, so every copy into it fails, night after night.
"""

import json
from typing import Any

import pytest

from tests.engine import scenarios
from tests.engine.harness import Engine, Goal, Outcome, goals_from_program, host_env
from tests.engine.steps import Steps
from tests.support import ROOT, FsxAccount

pytestmark = pytest.mark.engine
PROGRAM = ROOT / "examples" / "scheduled-dr"
SOURCE, FAILING, HEALTHY = "us-east-2", "us-west-2", "us-east-1"
KEEP, RETENTION = 2, 3
ROTATION_TAG = "pulumi-fsx-rotation:name"


class ContinueOnError(Steps):
    """step_executor.go with ContinueOnError: a failed step is reported and cancels nothing."""

    def error(self, urn: str, error: Exception | str, fails: bool = True) -> None:
        with self.lock:
            self.outcome.errors[urn] = str(error)
            if fails:
                self.outcome.steps[urn] = "failed"


def up_continue_on_error(engine: Engine, goals: list[Goal]) -> Outcome:
    """`pulumi up --continue-on-error`: the preview, then an update whose failures stop nothing (deletes run)."""
    preview = engine.preview(goals)
    assert not preview.errors, preview.errors
    with engine.deployment() as deployment:
        steps = ContinueOnError(deployment, engine.snapshot, False, engine.parallel)
        steps.program(goals)
        steps.deletes({engine.urn(g.type, g.name) for g in goals})
    engine.provider_config = dict(engine.config)
    return steps.outcome




def new_night(account: FsxAccount, file_system_id: str) -> str:
    """The source's nightly backup; those beyond the newest RETENTION expire."""
    fsx = account.client(SOURCE)
    backup_id = str(fsx.create_backup(FileSystemId=file_system_id)["Backup"]["BackupId"])
    account.wait_available(SOURCE, backup_id)
    backups = fsx.describe_backups(Filters=[{"Name": "file-system-id", "Values": [file_system_id]}])["Backups"]
    own = [b for b in backups if not b.get("SourceBackupId")]
    for expired in sorted(own, key=lambda b: b["CreationTime"], reverse=True)[RETENTION:]:
        fsx.delete_backup(BackupId=expired["BackupId"])
    return backup_id


def available(account: FsxAccount, region: str) -> dict[str, str]:
    """Source backup id -> copy id of the rotation's AVAILABLE copies in ``region``."""
    return {
        b["SourceBackupId"]: b["BackupId"]
        for b in account.backups()
        if b["Region"] == region and ROTATION_TAG in b["Tags"] and b["Lifecycle"] == "AVAILABLE"
    }


def test_a_region_whose_copies_fail_every_night_keeps_its_copies_under_continue_on_error(
    server_account: FsxAccount, program_env: None
) -> None:
    key = server_account.kms_key(FAILING, alias="alias/dr-west")
    created = server_account.client(SOURCE).create_file_system(
        FileSystemType="LUSTRE", StorageCapacity=1200, SubnetIds=["subnet-0123456789abcdef0"]
    )
    file_system_id = str(created["FileSystem"]["FileSystemId"])
    config: dict[str, Any] = {
        "aws:region": SOURCE,
        "scheduled-dr:fileSystemId": file_system_id,
        "scheduled-dr:sourceRegion": SOURCE,
        "scheduled-dr:keep": str(KEEP),
        "scheduled-dr:kmsKeyIds": json.dumps({FAILING: "alias/dr-west"}),
    }
    assert server_account.endpoint_url
    engine = Engine(PROGRAM, "scheduled-dr", "dr", config, host_env(server_account.endpoint_url))

    def goals() -> list[Goal]:
        registered = goals_from_program(PROGRAM / "__main__.py", "scheduled-dr", "dr", config)
        return [g for g in registered if g.type == scenarios.TYPE]

    made = [new_night(server_account, file_system_id)]
    assert not engine.up(goals()).errors
    made.append(new_night(server_account, file_system_id))
    assert not engine.up(goals()).errors
    good = available(server_account, FAILING)
    assert set(good) == set(made) and len(good) == KEEP

    server_account.client(FAILING, "kms").disable_key(KeyId=key["KeyId"])  # every copy into FAILING now fails
    for night in range(3, 7):
        made.append(new_night(server_account, file_system_id))
        outcome = up_continue_on_error(engine, goals())
        failed = [urn for urn, step in outcome.steps.items() if step == "failed"]
        assert failed and all(FAILING in urn for urn in failed), (night, outcome.errors)
        # The engine did run deletes: the healthy Region rotates as usual, its oldest copies leaving.
        assert set(available(server_account, HEALTHY)) == set(made[-(KEEP + 1) :]), night
        # The failing Region still holds the copies it had, all AVAILABLE, although their sources have expired.
        assert available(server_account, FAILING) == good, night

    server_account.client(FAILING, "kms").enable_key(KeyId=key["KeyId"])
    made.append(new_night(server_account, file_system_id))
    assert not engine.up(goals()).errors
    # Healed: copies of the newest K sources are made; the old two stay until those are seen AVAILABLE.
    assert set(available(server_account, FAILING)) == {*good, *made[-KEEP:]}
    assert not engine.up(goals()).errors
    assert set(available(server_account, FAILING)) == set(made[-KEEP:])
    assert not engine.destroy().errors
