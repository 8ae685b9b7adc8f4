"""Every example is exercised: under set_mocks, through the engine harness where it can run, or by its structure."""

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.engine import scenarios
from tests.engine.harness import UNKNOWN, goals_from_program, preview_inputs
from tests.support import ROOT, FsxAccount

AWS_SOURCE = ROOT / "examples" / "pulumi-aws-source"
TYPE = "pulumi-python:dynamic/fsx:BackupCopy"


@pytest.mark.parametrize(
    "example", sorted(p for p in (ROOT / "examples").iterdir() if p.is_dir()), ids=lambda p: p.name
)
def test_every_example_is_a_documented_project(example: Path) -> None:
    assert (example / "README.md").read_text().strip()
    if example.name != "release":  # a workflow of this package's own repository (tests/test_release.py)
        for name in ("Pulumi.yaml", "__main__.py", "requirements.txt"):
            assert (example / name).is_file(), name
        assert yaml.safe_load((example / "Pulumi.yaml").read_text())["runtime"]["name"] == "python"


def _aws_source_config(file_system_id: str = "fs-0123456789abcdef0") -> dict[str, Any]:
    return {
        "aws:region": "us-east-2",
        "pulumi-aws-source:fileSystemId": file_system_id,
        "pulumi-aws-source:drRegion": "us-west-2",
    }


def test_pulumi_aws_source_preview_has_an_unknown_source_that_check_accepts(server_account: FsxAccount) -> None:
    goals = goals_from_program(
        AWS_SOURCE / "__main__.py", "pulumi-aws-source", "prod", _aws_source_config(), preview=True
    )
    assert {g.type for g in goals} == {"aws:fsx/backup:Backup", TYPE}
    [copy] = [g for g in goals if g.type == TYPE]
    assert copy.inputs["copyTags"] is True and copy.inputs["region"] == "us-west-2"
    assert copy.inputs["sourceBackupId"] == "nightly-id"  # wired to the backup's id (mocks know it at once)
    # In a real preview the backup does not exist yet, so the engine sends its id as the unknown sentinel.
    copy = preview_inputs(copy, {"sourceBackupId"})
    with scenarios.world(server_account) as w:
        checked = w.engine.check(w.engine.urn(TYPE, copy.name), copy, {})
        assert checked["sourceBackupId"] == UNKNOWN and checked["region"] == "us-west-2"


def test_pulumi_aws_source_up_copies_the_backup_the_program_made(server_account: FsxAccount) -> None:
    """pulumi_aws's Backup is played by the emulator: its mock creates a real (emulated) backup."""
    fsx = server_account.client("us-east-2")
    made: list[str] = []

    def backup_id() -> str:
        fs = fsx.create_file_system(
            FileSystemType="LUSTRE", StorageCapacity=1200, SubnetIds=["subnet-0123456789abcdef0"]
        )
        backup = fsx.create_backup(
            FileSystemId=fs["FileSystem"]["FileSystemId"], Tags=[{"Key": "schedule", "Value": "nightly"}]
        )
        server_account.wait_available("us-east-2", backup["Backup"]["BackupId"])
        made.append(backup["Backup"]["BackupId"])
        return made[-1]

    goals = goals_from_program(
        AWS_SOURCE / "__main__.py",
        "pulumi-aws-source",
        "prod",
        _aws_source_config(),
        resource_ids={"aws:fsx/backup:Backup": backup_id},
    )
    copies = [g for g in goals if g.type == TYPE]
    assert copies[0].inputs["sourceBackupId"] == made[0]
    with scenarios.world(server_account) as w:
        outcome = w.engine.up(copies)
        assert not outcome.errors, outcome.errors
        [entry] = w.engine.state.values()
        assert entry.outputs["sourceBackupId"] == made[0]
        assert entry.outputs["tags"] == {"schedule": "nightly", "purpose": "disaster-recovery"}
