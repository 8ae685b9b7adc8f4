"""docs/iam/*.json grant every AWS action the provider calls, and nothing it does not.

The test drives a whole lifecycle (check, create with a customer-managed key and tags, refresh, preview diffs,
update, delete) against the in-process emulator, records each API call the provider's own clients make (a
botocore ``before-parameter-build`` hook on the clients ``aws.client`` builds), and evaluates the policies for
those calls: action, resource ARN and ``aws:RequestedRegion``. Statements conditioned on ``kms:ViaService`` apply
only to what FSx does with the keys on the caller's behalf (the FSx user guides' "Amazon FSx key policies for AWS
KMS" list the KMS permissions FSx requires: Decrypt, GenerateDataKeyWithoutPlaintext, CreateGrant, DescribeKey),
which no emulator shows, so those are checked by shape. Tagging on create needs fsx:TagResource as well as the
create action (FSx user guides, "Grant permission to tag resources during creation").
"""

import fnmatch
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from fsx_backup_copy_provider import BackupCopyProvider, aws
from fsx_backup_copy_provider.context import Context
from fsx_backup_copy_provider.waiter import VirtualClock
from tests.support import ACCOUNT_ID, ROOT, FsxAccount

SRC, DST = "us-east-2", "us-west-2"
DEPLOY = ROOT / "docs" / "iam" / "deploy-policy.json"
DRIFT = ROOT / "docs" / "iam" / "drift-policy.json"
DOC = ROOT / "docs" / "iam.md"
FSX_SIDE_KMS = {"kms:Decrypt", "kms:GenerateDataKeyWithoutPlaintext", "kms:CreateGrant", "kms:DescribeKey"}
WRITES = {"fsx:CopyBackup", "fsx:DeleteBackup", "fsx:TagResource", "fsx:UntagResource"}


@dataclass(frozen=True)
class Call:
    phase: str  # "deploy" (pulumi up) or "drift" (pulumi preview --refresh)
    action: str
    region: str
    resource: str
    params: str


class Recorder:
    def __init__(self, account: FsxAccount, context: Context) -> None:
        self.account, self.context = account, context
        self.phase = "deploy"
        self.calls: list[Call] = []

    def record(self, service: str, region: str, model: Any, params: dict[str, Any], **_: Any) -> None:
        action = f"{service}:{model.name}"
        self.calls.append(Call(self.phase, action, region, self._resource(action, region, params), json.dumps(params)))

    def _resource(self, action: str, region: str, params: dict[str, Any]) -> str:
        """The ARN IAM authorizes the call against ("*" for list-like calls)."""
        if "ResourceARN" in params:
            return str(params["ResourceARN"])
        if action == "fsx:DeleteBackup":
            return f"arn:aws:fsx:{region}:{ACCOUNT_ID}:backup/{params['BackupId']}"
        if action == "fsx:CopyBackup":
            return f"arn:aws:fsx:{region}:{ACCOUNT_ID}:backup/*"
        if action.startswith("kms:") and "KeyId" in params:
            kms = self.account.client(region, "kms")
            return str(kms.describe_key(KeyId=params["KeyId"])["KeyMetadata"]["Arn"])
        return "*"


@pytest.fixture
def recorder(inprocess_account: FsxAccount) -> Iterator[Recorder]:
    from fsx_emulator import control

    clock = VirtualClock()
    control.use_clock(clock.now)  # copies take minutes of virtual time, milliseconds of real time
    recording = Recorder(inprocess_account, Context(clock=clock))
    aws.clear_cache()
    # The provider gets its clients from its cache (aws.py): hook the very clients it will use, in both Regions.
    for service in ("fsx", "kms"):
        for region in (SRC, DST):
            client = aws.client(service, region, None)
            prefix = client.meta.service_model.signing_name

            def handler(prefix: str = prefix, region: str = region, **kwargs: Any) -> None:
                recording.record(prefix, region, **kwargs)

            client.meta.events.register("before-parameter-build.*.*", handler)
    yield recording
    aws.clear_cache()


def _lifecycle(recorder: Recorder) -> dict[str, str]:
    """pulumi up, preview --refresh (drift), up with changed tags, destroy; returns the placeholder values."""
    account = recorder.account
    source_key = account.kms_key(SRC, alias="alias/source")
    key = account.kms_key(DST, alias="alias/dr")
    source = account.source_backup(SRC, tags={"team": "storage"}, kms_key_id=source_key["Arn"])
    provider = BackupCopyProvider(recorder.context)
    news = {
        "sourceBackupId": source,
        "sourceRegion": SRC,
        "region": DST,
        "kmsKeyId": "alias/dr",
        "copyTags": True,
        "tags": {"env": "dr", "owner": "platform"},
        "resourceIdentity": "proj/dev/copy",
    }
    checked = provider.check({}, news)
    assert checked.failures == []
    created = provider.create(checked.inputs)
    outs = created.outs or {}

    recorder.phase = "drift"
    read = provider.read(created.id or "", outs)
    outs = read.outs or outs
    account.client(DST, "kms").create_alias(AliasName="alias/dr-renamed", TargetKeyId=key["KeyId"])
    changes: list[dict[str, Any]] = [
        {},
        {"tags": {"env": "dr"}},
        {"kmsKeyId": key["Arn"]},
        {"kmsKeyId": "alias/dr-renamed"},  # another alias: diff asks KMS whether it names the same key
    ]
    for change in changes:
        provider.diff(created.id or "", outs, provider.check(outs, {**news, **change}).inputs)

    recorder.phase = "deploy"
    updated = provider.update(created.id or "", outs, provider.check(outs, {**news, "tags": {"env": "prod"}}).inputs)
    provider.delete(created.id or "", updated.outs or outs)
    return {
        "ACCOUNT_ID": ACCOUNT_ID,
        "SOURCE_REGION": SRC,
        "DESTINATION_REGION": DST,
        "SOURCE_KEY_ID": source_key["KeyId"],
        "DESTINATION_KEY_ID": key["KeyId"],
    }


def _policy(path: Any, values: dict[str, str]) -> list[dict[str, Any]]:
    text = path.read_text()
    for placeholder, value in values.items():
        text = text.replace(placeholder, value)
    statements: list[dict[str, Any]] = json.loads(text)["Statement"]
    return statements


def _listed(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _applies_to_direct_call(statement: dict[str, Any], call: Call) -> bool:
    """Does this Allow statement authorize the call made by the deployer's own credentials?"""
    if statement["Effect"] != "Allow":
        return False
    if not any(fnmatch.fnmatchcase(call.action.lower(), a.lower()) for a in _listed(statement["Action"])):
        return False
    if not any(fnmatch.fnmatchcase(call.resource, r) for r in _listed(statement["Resource"])):
        return False
    for operator, keys in statement.get("Condition", {}).items():
        for key, allowed in keys.items():
            if (operator, key) != ("StringEquals", "aws:RequestedRegion"):
                return False  # e.g. kms:ViaService: only for calls FSx makes, never for the provider's own
            if call.region not in _listed(allowed):
                return False
    return True


def _granted_directly(statements: list[dict[str, Any]]) -> set[str]:
    return {
        action
        for s in statements
        if "kms:ViaService" not in json.dumps(s.get("Condition", {}))
        for action in _listed(s["Action"])
    }


@pytest.fixture
def lifecycle(recorder: Recorder) -> tuple[list[Call], dict[str, str]]:
    values = _lifecycle(recorder)
    return recorder.calls, values


def test_deploy_policy_allows_every_call_of_a_whole_lifecycle(lifecycle: tuple[list[Call], dict[str, str]]) -> None:
    calls, values = lifecycle
    statements = _policy(DEPLOY, values)
    actions = {c.action for c in calls}
    assert {"fsx:CopyBackup", "fsx:DescribeBackups", "fsx:DeleteBackup", "kms:DescribeKey"} <= actions, actions
    refused = [c for c in calls if not any(_applies_to_direct_call(s, c) for s in statements)]
    assert refused == [], refused
    # Least privilege: nothing granted to the deployer's own calls that the provider never makes.
    assert _granted_directly(statements) == actions


def test_copies_made_with_tags_may_be_tagged_on_create(lifecycle: tuple[list[Call], dict[str, str]]) -> None:
    calls, values = lifecycle
    statements = _policy(DEPLOY, values)
    copies = [c for c in calls if c.action == "fsx:CopyBackup" and '"Tags"' in c.params]
    assert copies
    for copy in copies:
        new_copy = f"arn:aws:fsx:{copy.region}:{ACCOUNT_ID}:backup/backup-0123456789abcdef0"
        tagging = Call(copy.phase, "fsx:TagResource", copy.region, new_copy, "")
        assert any(_applies_to_direct_call(s, tagging) for s in statements)


def test_drift_policy_allows_refresh_and_preview_and_nothing_that_writes(
    lifecycle: tuple[list[Call], dict[str, str]],
) -> None:
    calls, values = lifecycle
    statements = _policy(DRIFT, values)
    drift = [c for c in calls if c.phase == "drift"]
    assert drift and not {c.action for c in drift} & WRITES
    refused = [c for c in drift if not any(_applies_to_direct_call(s, c) for s in statements)]
    assert refused == [], refused
    assert _granted_directly(statements) == {c.action for c in drift}


def test_fsx_may_use_the_customer_managed_keys_on_both_sides() -> None:
    values = {"ACCOUNT_ID": ACCOUNT_ID, "SOURCE_REGION": SRC, "DESTINATION_REGION": DST}
    values |= {"SOURCE_KEY_ID": "src-key", "DESTINATION_KEY_ID": "dst-key"}
    via_fsx = [s for s in _policy(DEPLOY, values) if "kms:ViaService" in json.dumps(s.get("Condition", {}))]
    granted = {a for s in via_fsx for a in _listed(s["Action"])}
    assert granted == FSX_SIDE_KMS
    for statement in via_fsx:
        assert set(_listed(statement["Resource"])) == {
            f"arn:aws:kms:{SRC}:{ACCOUNT_ID}:key/src-key",
            f"arn:aws:kms:{DST}:{ACCOUNT_ID}:key/dst-key",
        }
        services = _listed(statement["Condition"]["StringEquals"]["kms:ViaService"])
        assert set(services) == {f"fsx.{SRC}.amazonaws.com", f"fsx.{DST}.amazonaws.com"}


def test_iam_doc_names_every_action_and_placeholder_of_the_policies() -> None:
    doc = DOC.read_text()
    for path in (DEPLOY, DRIFT):
        assert f"iam/{path.name}" in doc
        text = path.read_text()
        for action in {a for s in json.loads(text)["Statement"] for a in _listed(s["Action"])}:
            assert f"`{action}`" in doc, action
        for placeholder in set(re.findall(r"[A-Z]+(?:_[A-Z]+)+", text)):
            assert f"`{placeholder}`" in doc, placeholder
