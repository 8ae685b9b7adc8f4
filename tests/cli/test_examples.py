"""Every example project, run as it stands (its Pulumi.yaml, its stack file, its __main__.py) by the real engine as
an inline program (the CLI built from Go modules has no Python language host), checked against the emulator."""


import pytest

from tests.cli.realengine import RealStack
from tests.support import ROOT, FsxAccount, copies_of

EXAMPLES = ROOT / "examples"
SOURCE, DR = "us-east-2", "us-west-2"
ROTATION_TAG = "pulumi-fsx-rotation:name"


@pytest.fixture
def example(real_stack: RealStack, request: pytest.FixtureRequest) -> RealStack:
    real_stack.project_dir = EXAMPLES / request.param
    return real_stack





@pytest.mark.parametrize("example", ["cross-region-dr", "ci"], indirect=True)
def test_a_copy_example_goes_through_its_life(example: RealStack, server_account: FsxAccount) -> None:
    source = server_account.source_backup(SOURCE)
    server_account.kms_key(DR, alias="alias/dr-one")
    example.set_config({"sourceBackupId": source, "sourceRegion": SOURCE, "kmsKeyId": "alias/dr-one"})
    up = example.up()
    [copy] = copies_of(server_account, source)
    assert up.outputs["copyId"].value == copy["BackupId"] and copy["Lifecycle"] == "AVAILABLE"
    assert copy["Tags"]["purpose"] == "disaster-recovery"
    example.preview(refresh=True, expect_no_changes=True)
    example.destroy()
    assert copies_of(server_account, source) == []


@pytest.mark.parametrize("example", ["scheduled-dr"], indirect=True)
def test_the_rotation_example_for_three_days(
    example: RealStack, server_account: FsxAccount, program_env: None
) -> None:
    fsx = server_account.client(SOURCE)
    file_system = fsx.create_file_system(
        FileSystemType="LUSTRE", StorageCapacity=1200, SubnetIds=["subnet-0123456789abcdef0"]
    )["FileSystem"]["FileSystemId"]
    keep, regions = 2, ["us-west-2", "us-east-1"]
    example.set_config({"fileSystemId": file_system, "sourceRegion": SOURCE, "keep": str(keep)})
    made: list[str] = []
    for day in range(1, 4):
        backup = fsx.create_backup(FileSystemId=file_system)["Backup"]["BackupId"]
        server_account.wait_available(SOURCE, backup)
        made.append(backup)
        up = example.up()
        for region in regions:
            held = [b for b in server_account.backups() if b["Region"] == region and ROTATION_TAG in b["Tags"]]
            sources = {b["SourceBackupId"] for b in held if b["Lifecycle"] == "AVAILABLE"}
            assert backup in sources, f"day {day}: no copy of the newest backup in {region}"
            assert len(sources) >= min(day, keep), f"day {day}: {region} holds fewer than it should"
            assert sources <= set(made)
            assert set(up.outputs["copies"].value[region]) == {b["BackupId"] for b in held}
    example.destroy()
    assert [b for b in server_account.backups() if ROTATION_TAG in b["Tags"]] == []


def test_the_pulumi_aws_source_example_needs_the_aws_provider_plugin() -> None:
    pytest.skip(
        "examples/pulumi-aws-source needs the pulumi-resource-aws plugin, which comes from Pulumi's plugin "
        "downloads, not from a package registry, so it cannot be had offline; tests/test_examples.py runs its "
        "program under mocks instead"
    )


def test_every_example_is_covered() -> None:
    covered = {"cross-region-dr", "ci", "scheduled-dr", "pulumi-aws-source"}
    assert {p.name for p in EXAMPLES.iterdir() if (p / "Pulumi.yaml").exists()} == covered
