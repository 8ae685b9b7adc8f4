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
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from typing import Any

import pulumi
import pytest

from fsx_backup_copy_provider import BackupCopyProvider, aws
from fsx_backup_copy_provider.context import Context
from fsx_backup_copy_provider.waiter import VirtualClock
from pulumi_fsx_backup_copy import BackupCopyRotation
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


def recording_in(account: FsxAccount, regions: tuple[str, ...]) -> Iterator[Recorder]:
    """A Recorder on a virtual clock (copies take minutes of virtual time, milliseconds of real time). The provider
    gets its clients from its cache (aws.py): hook the very clients it will use, in each of ``regions``."""
    from fsx_emulator import control

    clock = VirtualClock()
    control.use_clock(clock.now)
    recording = Recorder(account, Context(clock=clock))
    aws.clear_cache()
    for service in ("fsx", "kms"):
        for region in regions:
            client = aws.client(service, region, None)
            prefix = client.meta.service_model.signing_name

            def handler(prefix: str = prefix, region: str = region, **kwargs: Any) -> None:
                recording.record(prefix, region, **kwargs)

            client.meta.events.register("before-parameter-build.*.*", handler)
    yield recording
    aws.clear_cache()


@pytest.fixture
def recorder(inprocess_account: FsxAccount) -> Iterator[Recorder]:

    yield from recording_in(inprocess_account, (SRC, DST))


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
    for path in (
        DEPLOY,
        DRIFT,
        ROOT / "docs" / "iam" / "rotation-deploy-policy.json",
        ROOT / "docs" / "iam" / "rotation-drift-policy.json",
    ):
        assert f"iam/{path.name}" in doc
        text = path.read_text()
        for action in {a for s in json.loads(text)["Statement"] for a in _listed(s["Action"])}:
            assert f"`{action}`" in doc, action
        for placeholder in set(re.findall(r"[A-Z]+(?:_[A-Z]+)+", text)):
            assert f"`{placeholder}`" in doc, placeholder


# ------------------------------------------------------------------------------------------------ the rotation
DR1, DR2 = "us-west-2", "us-east-1"
ROTATION_DEPLOY = ROOT / "docs" / "iam" / "rotation-deploy-policy.json"
ROTATION_DRIFT = ROOT / "docs" / "iam" / "rotation-drift-policy.json"
COPY_TYPE = "pulumi-python:dynamic/fsx:BackupCopy"


@pytest.fixture
def rotation_recorder(inprocess_account: FsxAccount) -> Iterator[Recorder]:
    """As ``recorder``, in the source Region and both DR Regions: the look-ups use the same cached clients."""

    yield from recording_in(inprocess_account, (SRC, DR1, DR2))


class Declared(pulumi.runtime.Mocks):
    """The children a rotation declares, by name, with their inputs as the engine would send them."""

    def __init__(self) -> None:
        self.copies: dict[str, dict[str, Any]] = {}

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        if args.typ == COPY_TYPE:
            self.copies[args.name] = {k: v for k, v in args.inputs.items() if k != "__provider"}
        return f"{args.name}-id", {**args.inputs, "backupId": f"{args.name}-id"}

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], None]:
        return {}, None


class RotationStack:
    """A stack with one BackupCopyRotation: each run executes the program (its look-ups reach the emulator), then
    sends the provider what the engine would: check and create for new children, delete for removed ones."""

    def __init__(self, recorder: Recorder, file_system_id: str) -> None:
        self.recorder, self.file_system_id = recorder, file_system_id
        self.provider = BackupCopyProvider(recorder.context)
        self.tags = {"purpose": "disaster-recovery"}
        self.state: dict[str, tuple[str, dict[str, Any], dict[str, Any]]] = {}  # name -> (id, outputs, inputs)

    def program(self) -> dict[str, dict[str, Any]]:
        declared = Declared()
        pulumi.runtime.set_mocks(declared, project="dr", stack="prod", preview=False)

        @pulumi.runtime.test
        def run() -> Any:
            return BackupCopyRotation(
                "nightly",
                file_system_id=self.file_system_id,
                source_region=SRC,
                regions=[DR1, DR2],
                keep=1,
                kms_key_ids={DR1: "alias/dr-west", DR2: "alias/dr-east"},
                tags=self.tags,
            ).copies

        run()
        return declared.copies

    def up(self) -> None:
        declared = self.program()
        for name, inputs in declared.items():
            if name not in self.state:
                checked = self.provider.check({}, inputs)
                assert checked.failures == []
                created = self.provider.create(checked.inputs)
                self.state[name] = (created.id or "", created.outs or {}, checked.inputs)
                continue
            copy_id, outs, old = self.state[name]
            news = self.provider.check(old, inputs).inputs
            if self.provider.diff(copy_id, outs, news).changes:  # tags changed: an in-place update
                updated = self.provider.update(copy_id, outs, news)
                self.state[name] = (copy_id, updated.outs or outs, news)
        self.destroy(keep=set(declared))

    def drift(self) -> None:
        """pulumi preview --refresh: the program, a read of every child, the diffs (one with a renamed alias)."""
        declared = self.program()
        for name, (copy_id, recorded, inputs) in self.state.items():
            outs = self.provider.read(copy_id, recorded).outs or recorded
            for change in ({}, {"kmsKeyId": f"alias/{'dr-west' if DR1 in name else 'dr-east'}-renamed"}):
                news = self.provider.check(inputs, {**declared[name], **change}).inputs
                self.provider.diff(copy_id, outs, news)

    def destroy(self, keep: Collection[str] = ()) -> None:
        for name in [n for n in self.state if n not in keep]:
            copy_id, outs, _ = self.state.pop(name)
            self.provider.delete(copy_id, outs)


def _rotation_lifecycle(recorder: Recorder) -> dict[str, str]:
    """Three nights of rotation (keep=1, so the third deletes), a drift check between, then destroy."""
    account = recorder.account
    source_key = account.kms_key(SRC, alias="alias/source")
    keys = {DR1: account.kms_key(DR1, alias="alias/dr-west"), DR2: account.kms_key(DR2, alias="alias/dr-east")}
    for region, key in keys.items():
        name = "alias/dr-west-renamed" if region == DR1 else "alias/dr-east-renamed"
        account.client(region, "kms").create_alias(AliasName=name, TargetKeyId=key["KeyId"])
    fsx = account.client(SRC)
    file_system = fsx.create_file_system(
        FileSystemType="LUSTRE",
        StorageCapacity=1200,
        SubnetIds=["subnet-0123456789abcdef0"],
        KmsKeyId=source_key["Arn"],
    )["FileSystem"]["FileSystemId"]
    stack = RotationStack(recorder, file_system)

    def night() -> None:
        account.wait_available(SRC, fsx.create_backup(FileSystemId=file_system)["Backup"]["BackupId"])

    night()
    recorder.phase = "deploy"
    stack.up()
    recorder.phase = "drift"
    stack.drift()
    recorder.phase = "deploy"
    night()
    stack.up()
    stack.tags = {"team": "storage"}  # a tag dropped and one added: every kept copy is updated in place
    night()
    stack.up()
    stack.destroy()
    return {
        "ACCOUNT_ID": ACCOUNT_ID,
        "SOURCE_REGION": SRC,
        "FIRST_DR_REGION": DR1,
        "SECOND_DR_REGION": DR2,
        "SOURCE_KEY_ID": source_key["KeyId"],
        "FIRST_DR_KEY_ID": keys[DR1]["KeyId"],
        "SECOND_DR_KEY_ID": keys[DR2]["KeyId"],
    }


@pytest.fixture
def rotation_lifecycle(rotation_recorder: Recorder) -> tuple[list[Call], dict[str, str]]:
    values = _rotation_lifecycle(rotation_recorder)
    return rotation_recorder.calls, values


def test_rotation_deploy_policy_allows_every_call_a_rotation_makes(
    rotation_lifecycle: tuple[list[Call], dict[str, str]],
) -> None:
    calls, values = rotation_lifecycle
    statements = _policy(ROTATION_DEPLOY, values)
    actions = {c.action for c in calls}
    assert {"fsx:CopyBackup", "fsx:DeleteBackup", "fsx:TagResource", "kms:DescribeKey"} <= actions, actions
    # The look-ups describe in the source Region and in every DR Region.
    assert {c.region for c in calls if c.action == "fsx:DescribeBackups"} == {SRC, DR1, DR2}
    refused = [c for c in calls if not any(_applies_to_direct_call(s, c) for s in statements)]
    assert refused == [], refused
    assert _granted_directly(statements) == actions


def test_rotation_drift_policy_allows_the_look_ups_refresh_and_preview_and_nothing_that_writes(
    rotation_lifecycle: tuple[list[Call], dict[str, str]],
) -> None:
    calls, values = rotation_lifecycle
    statements = _policy(ROTATION_DRIFT, values)
    drift = [c for c in calls if c.phase == "drift"]
    assert {c.region for c in drift if c.action == "fsx:DescribeBackups"} == {SRC, DR1, DR2}
    assert not {c.action for c in drift} & WRITES
    refused = [c for c in drift if not any(_applies_to_direct_call(s, c) for s in statements)]
    assert refused == [], refused
    assert _granted_directly(statements) == {c.action for c in drift}


def test_fsx_may_use_the_rotations_keys_in_every_region() -> None:
    values = {"ACCOUNT_ID": ACCOUNT_ID, "SOURCE_REGION": SRC, "FIRST_DR_REGION": DR1, "SECOND_DR_REGION": DR2}
    values |= {"SOURCE_KEY_ID": "src-key", "FIRST_DR_KEY_ID": "dr1-key", "SECOND_DR_KEY_ID": "dr2-key"}
    via_fsx = [s for s in _policy(ROTATION_DEPLOY, values) if "kms:ViaService" in json.dumps(s.get("Condition", {}))]
    assert {a for s in via_fsx for a in _listed(s["Action"])} == FSX_SIDE_KMS
    keys = {f"arn:aws:kms:{r}:{ACCOUNT_ID}:key/{k}" for r, k in ((SRC, "src-key"), (DR1, "dr1-key"), (DR2, "dr2-key"))}
    for statement in via_fsx:
        assert set(_listed(statement["Resource"])) == keys
        services = set(_listed(statement["Condition"]["StringEquals"]["kms:ViaService"]))
        assert services == {f"fsx.{r}.amazonaws.com" for r in (SRC, DR1, DR2)}


def test_the_rotation_policies_grant_what_the_copy_policies_do_in_every_region() -> None:
    """BackupCopy's policies may gain actions (the rotation's children are BackupCopy resources): keep in step."""
    for copy, rotation in ((DEPLOY, ROTATION_DEPLOY), (DRIFT, ROTATION_DRIFT)):
        granted = {a for s in json.loads(copy.read_text())["Statement"] for a in _listed(s["Action"])}
        assert granted == {a for s in json.loads(rotation.read_text())["Statement"] for a in _listed(s["Action"])}
