"""Every FSx error a test can inject reaches the client as FSx would send it: the message the test gave, and each
modelled member (ResourceARN, BackupId, FileSystemId, Limit, ...) filled with a value of the member's shape.

The suite-wide wire check (tests/conftest.py) also validates each raw response against botocore's model.
"""

from typing import Any

import pytest
from botocore.exceptions import ClientError

from fsx_emulator import wire
from fsx_emulator.exceptions import INJECTABLE_ERRORS
from tests.emulator.wire_check import check_value
from tests.support import FsxAccount

REGION = "us-east-1"
MESSAGE = "Injected by the test"
MODELLED = sorted(code for code in INJECTABLE_ERRORS if code in wire.service_model().shape_names)
# Operations a test can call with valid arguments, in the order an error is looked for in their model's list.
OPERATIONS = ("TagResource", "DeleteBackup", "CopyBackup", "CreateBackup", "DescribeBackups")


def _operation_listing(code: str) -> str:
    model = wire.service_model()
    for name in OPERATIONS:
        if code in {error.name for error in model.operation_model(name).error_shapes}:
            return name
    raise AssertionError(f"no operation in {OPERATIONS} lists {code}")


def _call(fsx: Any, operation: str, source: str, arn: str, file_system_id: str) -> None:
    calls = {
        "TagResource": lambda: fsx.tag_resource(ResourceARN=arn, Tags=[{"Key": "k", "Value": "v"}]),
        "DeleteBackup": lambda: fsx.delete_backup(BackupId=source),
        "CopyBackup": lambda: fsx.copy_backup(SourceBackupId=source),
        "CreateBackup": lambda: fsx.create_backup(FileSystemId=file_system_id),
        "DescribeBackups": fsx.describe_backups,
    }
    calls[operation]()


def test_every_modelled_injectable_error_is_covered() -> None:
    assert {"NotServiceResourceError", "ResourceNotFound", "BackupRestoring", "ServiceLimitExceeded"} <= set(MODELLED)


@pytest.mark.parametrize("code", MODELLED)
def test_an_injected_error_has_the_given_message_and_members_of_their_shape(account: FsxAccount, code: str) -> None:
    source = account.source_backup(REGION)
    fsx = account.client(REGION)
    [described] = fsx.describe_backups(BackupIds=[source])["Backups"]
    operation = _operation_listing(code)
    account.controls.inject_fault(operation, code, message=MESSAGE)
    with pytest.raises(ClientError) as raised:
        _call(fsx, operation, source, described["ResourceARN"], described["FileSystem"]["FileSystemId"])
    response = raised.value.response
    assert response["Error"] == {"Code": code, "Message": MESSAGE}
    shape = wire.service_model().shape_for(code)
    for name, member in shape.members.items():
        if name != "Message":
            assert name in response, f"{code} without its member {name}"
            assert check_value(response[name], member.name, name) == []
