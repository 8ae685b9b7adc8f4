"""A copy's whole life through the real engine, checked against what exists in the emulator after each command."""

import pytest
from pulumi import automation as auto
from pulumi.dynamic.dynamic import serialize_provider

from fsx_backup_copy_provider import BackupCopyProvider
from tests.cli import programs
from tests.cli.grpclog import provider_calls
from tests.cli.realengine import TYPE, RealStack
from tests.support import FsxAccount, copies_of

SOURCE, DR = "us-east-2", "us-west-2"
CLAIM = "pulumi-fsx-backup-copy:claim"
MUTATING = ("Create", "Update", "Delete")


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


def test_a_stack_deployed_by_0_2_0_sees_no_change_from_the_new_provider_form(
    real_stack: RealStack, server_account: FsxAccount, monkeypatch: pytest.MonkeyPatch
) -> None:
    """0.2.1 pickles the provider with no state; 0.2.0 stored an empty dict after the reference (docs/upgrading.md)."""
    source = server_account.source_backup(SOURCE)
    real_stack.set_config({"aws:region": DR})
    program = programs.copies(programs.Copy("dr-copy", {"source_backup_id": source, "source_region": SOURCE}))
    with monkeypatch.context() as patched:  # the inline program pickles in this process: as 0.2.0 did
        patched.setattr(BackupCopyProvider, "__getstate__", lambda self: {})
        real_stack.up(program)
        old_form = serialize_provider(BackupCopyProvider())
    [copy] = copies_of(server_account, source)
    [stored] = [r for r in real_stack.export()["deployment"]["resources"] if r["type"] == TYPE]
    assert stored["inputs"]["__provider"] == old_form

    mark = len(provider_calls(real_stack.root / "grpc.log"))
    real_stack.preview(expect_no_changes=True)
    upgraded = real_stack.up()
    assert not {op: n for op, n in (upgraded.summary.resource_changes or {}).items() if op != "same"}
    assert not [c for c in provider_calls(real_stack.root / "grpc.log")[mark:] if c.method in MUTATING]
    [same] = copies_of(server_account, source)
    assert same["BackupId"] == copy["BackupId"]
    [stored] = [r for r in real_stack.export()["deployment"]["resources"] if r["type"] == TYPE]
    assert stored["inputs"]["__provider"] == serialize_provider(BackupCopyProvider()) != old_form
