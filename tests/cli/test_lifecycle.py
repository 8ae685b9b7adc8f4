"""A copy's whole life through the real engine, checked against what exists in the emulator after each command."""


import pytest
from pulumi import automation as auto

from tests.cli import programs
from tests.cli.grpclog import provider_calls
from tests.cli.realengine import RealStack
from tests.support import FsxAccount, copies_of

SOURCE, DR = "us-east-2", "us-west-2"
CLAIM = "pulumi-fsx-backup-copy:claim"



def test_basic_up_preview_drift_update_replace_destroy(real_stack: RealStack, server_account: FsxAccount) -> None:
    source = server_account.source_backup(SOURCE)
    server_account.kms_key(DR, alias="alias/dr-one")
    server_account.kms_key(DR, alias="alias/dr-two")
    real_stack.set_config({"aws:region": DR})
    args = {"source_backup_id": source, "source_region": SOURCE, "kms_key_id": "alias/dr-one", "tags": {"team": "a"}}

    up = real_stack.up(programs.copies(programs.Copy("dr-copy", args)))
    [copy] = copies_of(server_account, source)
    assert up.outputs["dr-copy"].value == copy["BackupId"] and copy["Lifecycle"] == "AVAILABLE"
    assert copy["Tags"]["team"] == "a" and copy["Tags"][CLAIM].split(".")[2] == "returned"

    real_stack.preview(expect_no_changes=True)  # raises when the engine sees a change

    arn = server_account.client(DR).describe_backups(BackupIds=[copy["BackupId"]])["Backups"][0]["ResourceARN"]
    server_account.client(DR).tag_resource(ResourceARN=arn, Tags=[{"Key": "team", "Value": "edited-by-hand"}])
    drift = real_stack.preview(refresh=True)
    assert drift.change_summary.get(auto.OpType.UPDATE) == 1, drift.change_summary

    updated = real_stack.up(refresh=True)
    assert (updated.summary.resource_changes or {}).get(auto.OpType.UPDATE) == 1
    [same] = copies_of(server_account, source)
    assert same["BackupId"] == copy["BackupId"] and same["Tags"]["team"] == "a"

    mark = len(provider_calls(real_stack.root / "grpc.log"))
    args["kms_key_id"] = "alias/dr-two"
    replaced = real_stack.up(programs.copies(programs.Copy("dr-copy", args)))
    [new] = copies_of(server_account, source)
    assert new["BackupId"] != copy["BackupId"] and replaced.outputs["dr-copy"].value == new["BackupId"]
    calls = provider_calls(real_stack.root / "grpc.log")[mark:]
    create = next(c for c in calls if c.method == "Create")
    delete = next(c for c in calls if c.method == "Delete")
    assert delete.request["id"] == copy["BackupId"]
    assert create.response is not None and create.response["properties"]["lifecycle"] == "AVAILABLE"
    assert create.ended <= delete.started, "the old copy was deleted before its replacement was AVAILABLE"

    real_stack.destroy()
    assert copies_of(server_account, source) == []
    assert real_stack.resources() == {}


def test_get_reads_an_existing_copy_and_names_a_missing_one(real_stack: RealStack, server_account: FsxAccount) -> None:
    source = server_account.source_backup(SOURCE)
    copy = server_account.client(DR).copy_backup(SourceBackupId=source, SourceRegion=SOURCE)["Backup"]
    server_account.wait_available(DR, copy["BackupId"])
    real_stack.set_config({"aws:region": DR})

    found = real_stack.up(programs.getter("existing", copy["BackupId"], DR))
    assert found.outputs["lifecycle"].value == "AVAILABLE"
    assert found.outputs["arn"].value.endswith(copy["BackupId"])

    missing = "backup-0123456789abcdef0"
    with pytest.raises(auto.CommandError) as failed:
        real_stack.up(programs.getter("missing", missing, DR))
    assert missing in str(failed.value) and DR in str(failed.value)
    assert [b["BackupId"] for b in copies_of(server_account, source)] == [copy["BackupId"]]
