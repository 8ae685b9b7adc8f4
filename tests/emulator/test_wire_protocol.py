"""Malformed and invalid raw FSx requests get AWS JSON 1.1 client errors, as AWS answers them, never a 500 or HTML.

Each row is a raw HTTP request (signed with SigV4 unless the row says otherwise) sent to a separate fsx-emulator
process; the answer must be a 4xx JSON body with the expected ``__type``, which botocore's own parser reads as
that error code. Rows boto3 can send (with its client-side validation off) also prove botocore raises a client
error after exactly one attempt, i.e. it does not retry them as server errors.
"""

import json
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any

import boto3
import botocore.parsers
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from tests.support import FAKE_ENV, EmulatorProcess

PREFIX = "AWSSimbaAPIService_v20180301"
REGION = "us-east-1"
BACKUP = "backup-0123456789abcdef0"
ARN = f"arn:aws:fsx:{REGION}:123456789012:backup/{BACKUP}"
TAG = {"Key": "k", "Value": "v"}


@dataclass
class Case:
    name: str
    operation: str
    body: Any  # a dict is sent as JSON; bytes are sent as they are
    error: str
    status: int = 400
    signed: bool = True
    target: str | None = None  # X-Amz-Target when not PREFIX.operation
    region: str = REGION
    boto3_params: dict[str, Any] | None = field(default=None)  # also sent through boto3, validation off


CASES = [
    Case("copy without SourceBackupId", "CopyBackup", {}, "ValidationException", boto3_params={}),
    Case("malformed JSON", "CopyBackup", b'{"SourceBackupId": ', "SerializationException"),
    Case("empty body", "CopyBackup", b"", "ValidationException"),
    Case("body is a JSON array", "DescribeBackups", b"[]", "SerializationException"),
    Case("body is a JSON string", "DescribeBackups", b'"x"', "SerializationException"),
    Case("Tags as a string", "CopyBackup", {"SourceBackupId": BACKUP, "Tags": "k=v"}, "SerializationException"),
    Case(
        "MaxResults as a string",
        "DescribeBackups",
        {"MaxResults": "10"},
        "SerializationException",
        boto3_params={"MaxResults": "10"},
    ),
    Case("ListTagsForResource without ResourceARN", "ListTagsForResource", {}, "ValidationException", boto3_params={}),
    Case("unknown operation", "LaunchRocket", {}, "UnknownOperationException"),
    Case(
        "another service's target",
        "CopyBackup",
        {"SourceBackupId": BACKUP},
        "UnknownOperationException",
        target="DynamoDB_20120810.CopyBackup",
    ),
    Case(
        "SourceBackupId an integer",
        "CopyBackup",
        {"SourceBackupId": 17},
        "SerializationException",
        boto3_params={"SourceBackupId": 17},
    ),
    Case(
        "SourceBackupId breaks the pattern",
        "CopyBackup",
        {"SourceBackupId": "snapshot-1"},
        "ValidationException",
        boto3_params={"SourceBackupId": "snapshot-1"},
    ),
    Case("DeleteBackup without BackupId", "DeleteBackup", {}, "ValidationException", boto3_params={}),
    Case(
        "CopyTags as the string false",
        "CopyBackup",
        {"SourceBackupId": BACKUP, "CopyTags": "false"},
        "SerializationException",
    ),
    Case(
        "tag without Value",
        "CopyBackup",
        {"SourceBackupId": BACKUP, "Tags": [{"Key": "k"}]},
        "ValidationException",
        boto3_params={"SourceBackupId": BACKUP, "Tags": [{"Key": "k"}]},
    ),
    Case(
        "64-character ClientRequestToken",
        "CopyBackup",
        {"SourceBackupId": BACKUP, "ClientRequestToken": "t" * 64},
        "ValidationException",
    ),
    Case("MaxResults 0", "DescribeBackups", {"MaxResults": 0}, "ValidationException", boto3_params={"MaxResults": 0}),
    Case("MaxResults negative", "DescribeBackups", {"MaxResults": -1}, "ValidationException"),
    Case(
        "unknown filter name",
        "DescribeBackups",
        {"Filters": [{"Name": "colour", "Values": ["red"]}]},
        "ValidationException",
        boto3_params={"Filters": [{"Name": "colour", "Values": ["red"]}]},
    ),
    Case(
        "filter Values not a list",
        "DescribeBackups",
        {"Filters": [{"Name": "backup-type", "Values": "AUTOMATIC"}]},
        "SerializationException",
    ),
    Case(
        "TagResource without Tags",
        "TagResource",
        {"ResourceARN": ARN},
        "ValidationException",
        boto3_params={"ResourceARN": ARN},
    ),
    Case(
        "UntagResource without TagKeys",
        "UntagResource",
        {"ResourceARN": ARN},
        "ValidationException",
        boto3_params={"ResourceARN": ARN},
    ),
    Case("empty Tags list (model min 1)", "CopyBackup", {"SourceBackupId": BACKUP, "Tags": []}, "ValidationException"),
    Case(
        "51 tags (model max 50)",
        "CopyBackup",
        {"SourceBackupId": BACKUP, "Tags": [{"Key": f"k{i}", "Value": "v"} for i in range(51)]},
        "ValidationException",
    ),
    Case(
        "tag key of 129 characters",
        "TagResource",
        {"ResourceARN": ARN, "Tags": [{"Key": "k" * 129, "Value": "v"}]},
        "ValidationException",
    ),
    Case(
        "SourceRegion breaks the pattern",
        "CopyBackup",
        {"SourceBackupId": BACKUP, "SourceRegion": "US EAST"},
        "ValidationException",
    ),
    Case("empty KmsKeyId", "CopyBackup", {"SourceBackupId": BACKUP, "KmsKeyId": ""}, "ValidationException"),
    Case("BackupIds a string", "DescribeBackups", {"BackupIds": BACKUP}, "SerializationException"),
    Case(
        "unknown FileSystemType",
        "CreateFileSystem",
        {"FileSystemType": "FAT32", "StorageCapacity": 1200, "SubnetIds": ["subnet-1"]},
        "ValidationException",
    ),
    Case("unsigned request", "DescribeBackups", {}, "MissingAuthenticationTokenException", status=403, signed=False),
    Case("Region FSx does not have", "DescribeBackups", {}, "BadRequest", region="us-west-9"),
]


def send(endpoint: str, case: Case) -> tuple[int, dict[str, str], bytes]:
    body = case.body if isinstance(case.body, bytes) else json.dumps(case.body).encode()
    headers = {
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": case.target or f"{PREFIX}.{case.operation}",
    }
    request = AWSRequest(method="POST", url=f"{endpoint}/", data=body, headers=headers)
    if case.signed:
        credentials = Credentials(FAKE_ENV["AWS_ACCESS_KEY_ID"], FAKE_ENV["AWS_SECRET_ACCESS_KEY"])
        SigV4Auth(credentials, "fsx", case.region).add_auth(request)
    prepared = request.prepare()
    raw = urllib.request.Request(prepared.url, data=body, headers=dict(prepared.headers), method="POST")
    try:
        with urllib.request.urlopen(raw, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.mark.server
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_invalid_request_gets_json_client_error(emulator_process: EmulatorProcess, case: Case) -> None:
    status, headers, body = send(emulator_process.endpoint, case)
    assert status == case.status, body
    assert headers.get("Content-Type") == "application/x-amz-json-1.1"
    parsed = json.loads(body)
    assert parsed["__type"] == case.error
    assert parsed.get("message") or parsed.get("Message"), "an error must say what is wrong"

    # botocore's own JSON parser reads the answer as this error code (what client.exceptions.<Code> matches).
    model = boto3.session.Session().client("fsx", region_name=REGION)._service_model
    operation = model.operation_model(case.operation if case.operation in model.operation_names else "DescribeBackups")
    error = botocore.parsers.create_parser("json").parse(
        {"status_code": status, "headers": headers, "body": body}, operation.output_shape
    )["Error"]
    assert error["Code"] == case.error


def test_the_table_covers_enough_requests() -> None:
    assert len(CASES) >= 25


def test_validation_message_names_each_violation(emulator_process: EmulatorProcess) -> None:
    case = Case(
        "two violations", "CopyBackup", {"SourceBackupId": "snapshot-0123456789", "ClientRequestToken": "t" * 64}, ""
    )
    _, _, body = send(emulator_process.endpoint, case)
    message = json.loads(body)["message"]
    assert message.startswith("2 validation errors detected: ")
    assert "at 'sourceBackupId' failed to satisfy constraint: Member must satisfy regular expression pattern" in message
    assert "at 'clientRequestToken' failed to satisfy constraint: Member must have length less than or equal to 63" in (
        message
    )


BOTO3_CASES = [c for c in CASES if c.boto3_params is not None]


@pytest.mark.server
@pytest.mark.parametrize("case", BOTO3_CASES, ids=[c.name for c in BOTO3_CASES])
def test_botocore_raises_client_error_without_retrying(server_account: Any, case: Case) -> None:
    client = boto3.client(
        "fsx",
        region_name=REGION,
        endpoint_url=server_account.endpoint_url,
        config=Config(parameter_validation=False, retries={"mode": "standard", "total_max_attempts": 3}),
    )
    method = getattr(client, botocore.xform_name(case.operation))
    with pytest.raises(ClientError) as raised:
        method(**(case.boto3_params or {}))
    assert raised.value.response["Error"]["Code"] == case.error
    assert raised.value.response["ResponseMetadata"]["RetryAttempts"] == 0
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == case.status


def test_empty_body_reading_is_a_switchable_inference(server_account: Any) -> None:
    server_account.controls.configure(empty_body_is_empty_object=False)
    status, _, body = send(server_account.endpoint_url, Case("empty", "DescribeBackups", b"", ""))
    assert (status, json.loads(body)["__type"]) == (400, "SerializationException")
