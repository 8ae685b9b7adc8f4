"""The suite-wide wire check catches responses that break botocore's FSx model (so its silence means something)."""

import json

import pytest

from tests.emulator.wire_check import check_response
from tests.support import FsxAccount, wire_problems

JSON = {"Content-Type": "application/x-amz-json-1.1"}


def test_a_deliberately_bad_response_fails_the_check(account: FsxAccount) -> None:
    fsx = account.client("us-east-1")
    account.controls.inject_fault("DescribeBackups", "BadResponse")
    fsx.describe_backups()  # botocore ignores the unmodelled member; the check must not
    problems = wire_problems()
    assert any("$.Unmodelled: not a member of DescribeBackupsResponse" in p for p in problems), problems
    assert any("$.NextToken: null" in p for p in problems), problems
    fsx.describe_backups()
    assert wire_problems() == []  # the fault was used up: a faithful response passes


@pytest.mark.parametrize(
    ("operation", "status", "headers", "body", "expected"),
    [
        ("DescribeBackups", 200, {"Content-Type": "text/html; charset=utf-8"}, '{"Backups": []}', "Content-Type"),
        ("DescribeBackups", 200, JSON, '{"Backups": [], "NextToken": null}', "$.NextToken: null"),
        ("ListTagsForResource", 200, JSON, '{"Tags": []}', "length 0 below the model's min 1"),
        ("DescribeBackups", 200, JSON, "<html>500</html>", "not JSON"),
        ("CopyBackup", 400, JSON, '{"__type": "VolumeNotFound", "Message": "x"}', "not one CopyBackup's model lists"),
        ("CopyBackup", 400, JSON, '{"__type": "BackupNotFound"}', "without a Message"),
        ("CopyBackup", 400, JSON, '{"__type": "ThrottlingException", "Message": "x"}', "exactly __type and a string"),
        (
            "CopyBackup",
            500,
            JSON,
            '{"__type": "BadRequest", "Message": "x"}',
            "client error BadRequest sent as a server",
        ),
        (
            "DeleteBackup",
            200,
            JSON,
            json.dumps({"BackupId": "backup-0123456789abcdef0", "Lifecycle": "GONE"}),
            "not in the BackupLifecycle enum",
        ),
        ("DeleteBackup", 200, JSON, json.dumps({"BackupId": "b-1", "Lifecycle": "DELETED"}), "pattern"),
        (
            "CopyBackup",
            400,
            JSON,
            '{"__type": "ServiceLimitExceeded", "Message": "x", "Limit": "MANY"}',
            "not in the ServiceLimit enum",
        ),
    ],
)
def test_check_names_each_kind_of_break(
    operation: str, status: int, headers: dict[str, str], body: str, expected: str
) -> None:
    problems = check_response(operation, status, headers, body)
    assert any(expected in p for p in problems), problems


def test_a_faithful_error_passes() -> None:
    body = json.dumps({"__type": "SourceBackupUnavailable", "Message": "m", "BackupId": "backup-0123456789abcdef0"})
    assert check_response("CopyBackup", 400, JSON, body) == []
