"""What docs/upgrading.md promises for copies and state written by 0.1.0, against the in-process emulator.

0.1.0 tagged a copy with a two-part claim (``<identity>.<inputs>``, no stage) and kept the inputs as given under
``appliedInputs``, the KMS reference included. 0.2.0 must read both without changing anything in AWS.
"""

import json
from typing import Any

import pulumi
import pytest

from fsx_backup_copy_provider import BackupCopyProvider, claims
from fsx_backup_copy_provider.context import Context
from fsx_backup_copy_provider.waiter import VirtualClock
from tests.provider.conftest import copy_inputs
from tests.support import FsxAccount

SRC, DST = "us-east-2", "us-west-2"
IDENTITY = "proj/dev/copy"  # copy_inputs' resourceIdentity


def _checked(**inputs: Any) -> dict[str, Any]:
    result = BackupCopyProvider().check({}, inputs)
    assert result.failures == [], result.failures
    return result.inputs


def _provider() -> BackupCopyProvider:
    return BackupCopyProvider(Context(clock=VirtualClock()))


def test_a_copy_an_unfinished_0_1_0_create_left_is_reported_never_adopted_or_deleted(
    inprocess_account: FsxAccount, monkeypatch: pytest.MonkeyPatch
) -> None:
    fsx = inprocess_account
    source = fsx.source_backup(SRC)
    legacy_claim = f"{claims.identity_hash(IDENTITY)}.0123456789abcdef"  # 0.1.0's form: no stage
    left = fsx.client(DST).copy_backup(
        SourceBackupId=source, SourceRegion=SRC, Tags=[{"Key": claims.CLAIM_TAG, "Value": legacy_claim}]
    )["Backup"]["BackupId"]
    fsx.wait_available(DST, left)
    logged: list[str] = []
    monkeypatch.setattr(pulumi.log, "info", lambda message, *a, **k: logged.append(message))
    monkeypatch.setattr(pulumi.log, "warn", lambda message, *a, **k: logged.append(message))

    created = _provider().create(_checked(**copy_inputs(source)))

    assert created.id != left
    [kept] = [b for b in fsx.backups() if b["BackupId"] == left]
    assert kept["Lifecycle"] == "AVAILABLE" and kept["Tags"][claims.CLAIM_TAG] == legacy_claim  # untouched
    assert any(left in line for line in logged), logged  # reported by id


def test_state_written_by_0_1_0_shows_no_change_and_a_refresh_drops_the_kms_reference(
    inprocess_account: FsxAccount,
) -> None:
    fsx = inprocess_account
    source = fsx.source_backup(SRC)
    fsx.kms_key(DST, alias="alias/dr")
    inputs = _checked(**copy_inputs(source, kmsKeyId="alias/dr", tags={"team": "storage"}))
    provider = _provider()
    created = provider.create(inputs)
    assert created.id is not None
    legacy_applied = {k: v for k, v in inputs.items() if k not in ("tags", "__provider")}
    assert legacy_applied["kmsKeyId"] == "alias/dr"
    legacy_outputs = {**(created.outs or {}), "appliedInputs": legacy_applied}  # as 0.1.0 wrote it

    assert (
        provider.diff(
            created.id, legacy_outputs, _checked(**copy_inputs(source, kmsKeyId="alias/dr", tags={"team": "storage"}))
        ).changes
        is False
    )

    refreshed = provider.read(created.id, legacy_outputs)
    assert refreshed.id == created.id
    outputs = refreshed.outs or {}
    assert "alias/dr" not in json.dumps(outputs["appliedInputs"])
    assert outputs["backupId"] == created.id and outputs["tags"] == {"team": "storage"}
    assert [b["BackupId"] for b in fsx.backups() if b.get("SourceBackupId") == source] == [created.id]
