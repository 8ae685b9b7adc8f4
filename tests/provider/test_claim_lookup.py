"""The claim lookup rests on documented behaviour: DescribeBackups with no filter lists every backup of the
account in the Region, with its tags (emulator/README.md, "How the claim lookup is documented")."""

from typing import Any

import pytest

from fsx_backup_copy_provider import BackupCopyProvider
from fsx_backup_copy_provider.context import Context
from fsx_backup_copy_provider.errors import BackupCopyError
from tests.provider.conftest import copy_inputs, on_provider_calls
from tests.support import FsxAccount

SRC, DST = "us-east-2", "us-west-2"


def test_create_looks_for_its_copies_without_any_filter_and_finds_a_cross_region_copy(
    fsx: FsxAccount, context: Context
) -> None:
    source = fsx.source_backup(SRC)
    inputs = BackupCopyProvider().check({}, copy_inputs(source, customTimeouts={"create": "10s"})).inputs
    fsx.controls.set_pace(ticks=50)
    first = BackupCopyProvider(context)
    with pytest.raises(BackupCopyError, match="left running"):  # the wait outlived its timeout
        first.create(inputs)
    fsx.controls.set_pace(ticks=1, in_progress=True)
    listed: list[dict[str, Any]] = []
    on_provider_calls("provide-client-params.fsx.DescribeBackups", DST, lambda params, **_: listed.append(params))

    rerun = BackupCopyProvider(context).create(inputs)  # finds the unfinished cross-Region copy by its claim

    assert [b["BackupId"] for b in fsx.backups() if b["SourceBackupId"] == source] == [rerun.id]
    lookups = [params for params in listed if "BackupIds" not in params]
    assert lookups and all("Filters" not in params for params in lookups), lookups


def test_a_copy_read_into_state_unfinished_is_marked_returned_and_never_adopted(
    fsx: FsxAccount, context: Context
) -> None:
    """A refresh that imported a pending create reads a copy whose claim still says creating: the Read marks it
    returned, so the next olds-less create (a replacement) makes a new copy instead of taking it back."""
    source = fsx.source_backup(SRC)
    inputs = BackupCopyProvider().check({}, copy_inputs(source, customTimeouts={"create": "10s"})).inputs
    fsx.controls.set_pace(ticks=50)
    with pytest.raises(BackupCopyError, match="left running"):
        BackupCopyProvider(context).create(inputs)
    fsx.controls.set_pace(ticks=1, in_progress=True)
    [pending] = [b for b in fsx.backups() if b["SourceBackupId"] == source]
    outputs = {"backupId": pending["BackupId"], "region": DST, "appliedInputs": {"region": DST}}

    read = BackupCopyProvider(context).read(pending["BackupId"], outputs)

    assert read.id == pending["BackupId"]
    [marked] = [b for b in fsx.backups() if b["SourceBackupId"] == source]
    assert ".returned." in marked["Tags"]["pulumi-fsx-backup-copy:claim"]
    new = BackupCopyProvider(context).create(inputs)
    assert new.id != pending["BackupId"]
    assert {b["BackupId"] for b in fsx.backups() if b["SourceBackupId"] == source} == {pending["BackupId"], new.id}
