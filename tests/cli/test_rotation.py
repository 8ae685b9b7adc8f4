"""The rotation's successor rule through the real engine: with one Region's key disabled, `pulumi up
--continue-on-error` runs every step that does not depend on the failed creates, deletes included; the failing
Region still keeps every AVAILABLE copy it had, while the healthy Region rotates as usual."""

import json

import pytest
from pulumi import automation as auto

from tests.cli.realengine import RealStack
from tests.engine.test_rotation_successor import (
    FAILING,
    HEALTHY,
    KEEP,
    ROTATION_TAG,
    SOURCE,
    available,
    new_night,
)
from tests.support import ROOT, FsxAccount


@pytest.fixture
def rotation(real_stack: RealStack, program_env: None) -> RealStack:
    """examples/scheduled-dr as it stands; its program-time look-ups (in this process) go to the emulator."""
    real_stack.project_dir = ROOT / "examples" / "scheduled-dr"
    return real_stack


def test_a_failing_region_keeps_its_copies_under_continue_on_error(
    rotation: RealStack, server_account: FsxAccount
) -> None:
    key = server_account.kms_key(FAILING, alias="alias/dr-west")
    created = server_account.client(SOURCE).create_file_system(
        FileSystemType="LUSTRE", StorageCapacity=1200, SubnetIds=["subnet-0123456789abcdef0"]
    )
    file_system_id = str(created["FileSystem"]["FileSystemId"])
    rotation.set_config(
        {
            "fileSystemId": file_system_id,
            "sourceRegion": SOURCE,
            "keep": str(KEEP),
            "kmsKeyIds": json.dumps({FAILING: "alias/dr-west"}),
        }
    )
    made = []
    for _ in range(KEEP):
        made.append(new_night(server_account, file_system_id))
        rotation.up()
    good = available(server_account, FAILING)
    assert set(good) == set(made)

    server_account.client(FAILING, "kms").disable_key(KeyId=key["KeyId"])  # every copy into FAILING now fails
    for night in range(2):
        made.append(new_night(server_account, file_system_id))
        with pytest.raises(auto.CommandError):
            rotation.up(continue_on_error=True)
        # The engine did run deletes: the healthy Region rotates, a copy leaving once its successor is seen AVAILABLE.
        assert set(available(server_account, HEALTHY)) == set(made[-(KEEP + 1) :]), night
        assert available(server_account, FAILING) == good, night  # the failing one keeps all it had

    server_account.client(FAILING, "kms").enable_key(KeyId=key["KeyId"])
    made.append(new_night(server_account, file_system_id))
    rotation.up()
    assert set(available(server_account, FAILING)) >= set(made[-KEEP:])
    rotation.destroy()
    assert [b for b in server_account.backups() if ROTATION_TAG in b["Tags"]] == []
