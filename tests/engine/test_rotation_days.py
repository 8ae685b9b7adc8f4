"""examples/scheduled-dr through ten "days" under the engine's real sequences: each day the source gets a new backup
and drops those older than its retention (3), then `pulumi up` runs (a preview deployment, then the update, each in
a fresh host). DR retention (keep=7) is longer than the source's, so the copies outlive their sources. A copy leaves
one run after its successor is seen AVAILABLE, so after each up a Region holds the newest 7 and the one before."""

from typing import Any

import pytest

from tests.engine import scenarios
from tests.engine.harness import Engine, Goal, goals_from_program, host_env
from tests.support import ROOT, FsxAccount

pytestmark = pytest.mark.engine
PROGRAM = ROOT / "examples" / "scheduled-dr"
SOURCE, REGIONS = "us-east-2", ["us-west-2", "us-east-1"]
KEEP, RETENTION, DAYS = 7, 3, 10
ROTATION_TAG = "pulumi-fsx-rotation:name"




def new_file_system(account: FsxAccount) -> str:
    created = account.client(SOURCE).create_file_system(
        FileSystemType="LUSTRE", StorageCapacity=1200, SubnetIds=["subnet-0123456789abcdef0"]
    )
    return str(created["FileSystem"]["FileSystemId"])


def new_day(account: FsxAccount, file_system_id: str) -> str:
    """The source's nightly backup; backups beyond the newest RETENTION expire (are deleted)."""
    fsx = account.client(SOURCE)
    backup_id = str(fsx.create_backup(FileSystemId=file_system_id)["Backup"]["BackupId"])
    account.wait_available(SOURCE, backup_id)
    backups = fsx.describe_backups(Filters=[{"Name": "file-system-id", "Values": [file_system_id]}])["Backups"]
    for expired in sorted(backups, key=lambda b: b["CreationTime"], reverse=True)[RETENTION:]:
        fsx.delete_backup(BackupId=expired["BackupId"])
    return backup_id


def rotation_copies(account: FsxAccount, region: str) -> list[dict[str, Any]]:
    return [b for b in account.backups() if b["Region"] == region and ROTATION_TAG in b["Tags"]]


def test_ten_days_of_rotation_keep_the_newest_copies_and_never_fewer(
    server_account: FsxAccount, program_env: None
) -> None:
    fsx = server_account.client(SOURCE)
    file_system_id = new_file_system(server_account)
    # A copy of the user's own in a DR Region: never declared, never touched.
    first = new_day(server_account, file_system_id)
    own = server_account.client(REGIONS[0]).copy_backup(SourceBackupId=first, SourceRegion=SOURCE)["Backup"]
    server_account.wait_available(REGIONS[0], own["BackupId"])
    fsx.delete_backup(BackupId=first)

    config = {"aws:region": SOURCE, "scheduled-dr:fileSystemId": file_system_id, "scheduled-dr:sourceRegion": SOURCE}
    assert server_account.endpoint_url
    engine = Engine(PROGRAM, "scheduled-dr", "dr", config, host_env(server_account.endpoint_url))
    made: list[str] = []  # source backups, oldest first
    for day in range(1, DAYS + 1):
        made.append(new_day(server_account, file_system_id))
        goals: list[Goal] = [
            g
            for g in goals_from_program(PROGRAM / "__main__.py", "scheduled-dr", "dr", config)
            if g.type == scenarios.TYPE  # the component itself is the engine's, not the provider's
        ]
        mark = len(engine.recorder.calls)
        outcome = engine.up(goals)
        assert not outcome.errors, (day, outcome.errors)

        # The newest KEEP, and the copy before them until the newest is seen AVAILABLE by the next run.
        wanted = set(made[-(KEEP + 1) :])
        for region in REGIONS:
            copies = rotation_copies(server_account, region)
            assert all(c["Lifecycle"] == "AVAILABLE" for c in copies), (day, region)
            assert {c["SourceBackupId"] for c in copies} == wanted, (day, region)
            assert len(copies) == min(KEEP + 1, day)
        # Never fewer during the up: every Delete of the update came after every Create had returned AVAILABLE.
        update = [c for c in engine.recorder.calls[mark:] if c.deployment == engine.recorder.calls[-1].deployment]
        creates = [c for c in update if c.method == "Create"]
        deletes = [c for c in update if c.method == "Delete"]
        assert len(creates) == len(REGIONS)
        assert all(c.response and c.response["properties"]["lifecycle"] == "AVAILABLE" for c in creates)
        assert all(d.started >= max(c.completed for c in creates) for d in deletes)
        assert len(deletes) == (len(REGIONS) if day > KEEP + 1 else 0)

    assert not engine.destroy().errors
    for region in REGIONS:
        assert rotation_copies(server_account, region) == []
    assert [b["BackupId"] for b in server_account.backups() if b["Region"] == REGIONS[0]] == [own["BackupId"]]


def test_a_failed_copy_of_the_newest_backup_fails_the_up_and_deletes_nothing(
    server_account: FsxAccount, program_env: None
) -> None:
    file_system_id = new_file_system(server_account)
    config = {
        "aws:region": SOURCE,
        "scheduled-dr:fileSystemId": file_system_id,
        "scheduled-dr:sourceRegion": SOURCE,
        "scheduled-dr:keep": "2",
    }
    assert server_account.endpoint_url
    engine = Engine(PROGRAM, "scheduled-dr", "dr", config, host_env(server_account.endpoint_url))

    def goals() -> list[Goal]:
        registered = goals_from_program(PROGRAM / "__main__.py", "scheduled-dr", "dr", config)
        return [g for g in registered if g.type == scenarios.TYPE]

    for _ in range(2):
        new_day(server_account, file_system_id)
        assert not engine.up(goals()).errors
    held = {region: {c["BackupId"] for c in rotation_copies(server_account, region)} for region in REGIONS}
    assert all(len(ids) == 2 for ids in held.values())

    new_day(server_account, file_system_id)
    calls = dict(server_account.controls.inspect()["calls"])
    preview = engine.preview(goals())
    assert not preview.errors
    after = server_account.controls.inspect()["calls"]
    for operation in ("CopyBackup", "DeleteBackup", "TagResource"):
        assert after.get(operation, 0) == calls.get(operation, 0), f"pulumi preview called {operation}"

    server_account.controls.fail_next_copy("FSx could not read the source backup's data.")
    outcome = engine.up(goals())
    assert outcome.errors, "a failed copy of the newest backup fails the up"
    for region in REGIONS:
        ids = {c["BackupId"] for c in rotation_copies(server_account, region) if c["Lifecycle"] == "AVAILABLE"}
        assert held[region] <= ids, f"{region} lost a copy it held"
    assert not engine.destroy().errors
