"""The SDK: arguments and outputs match the provider's table; programs register the right type and wire inputs."""

import inspect
import runpy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pulumi
import pytest
from mypy import api as mypy_api

from fsx_backup_copy_provider.schema import INPUTS, OUTPUTS
from pulumi_fsx_backup_copy import BackupCopy, BackupCopyArgs
from tests.support import ROOT

TYPE_TOKEN = "pulumi-python:dynamic/fsx:BackupCopy"


class RecordingMocks(pulumi.runtime.Mocks):
    def __init__(self) -> None:
        self.resources: list[pulumi.runtime.MockResourceArgs] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        self.resources.append(args)
        outputs = dict(args.inputs)
        outputs.update(backupId="backup-0123456789abcdef0", arn="arn:aws:fsx:us-west-2:123456789012:backup/x")
        return (args.resource_id or "backup-0123456789abcdef0", outputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        return {}, None


@pytest.fixture
def mocks() -> RecordingMocks:
    recording = RecordingMocks()
    pulumi.runtime.set_mocks(recording, project="proj", stack="dev", preview=False)
    return recording


def test_args_and_keywords_match_the_schema_table() -> None:
    user_inputs = [p for p in INPUTS if not p.internal]
    args_params = inspect.signature(BackupCopyArgs.__init__).parameters
    assert [n for n in args_params if n != "self"] == [p.python_name for p in user_inputs]
    assert [n for n in args_params if args_params[n].default is inspect.Parameter.empty and n != "self"] == [
        p.python_name for p in user_inputs if p.required
    ]
    hints = BackupCopy.__annotations__
    assert [n for n in hints if n in {o.python_name for o in OUTPUTS}] == [o.python_name for o in OUTPUTS]


@pulumi.runtime.test
def test_keywords_register_type_token_and_wire_inputs(mocks: RecordingMocks) -> Any:
    copy = BackupCopy(
        "dr",
        source_backup_id="backup-0a3364eded1014b28",
        source_region="us-east-2",
        kms_key_id="alias/dr",
        tags={"team": "storage"},
        opts=pulumi.ResourceOptions(custom_timeouts=pulumi.CustomTimeouts(create="3h")),
    )

    def check(values: list[Any]) -> None:
        backup_id, arn = values
        [registered] = mocks.resources
        assert registered.typ == TYPE_TOKEN and registered.name == "dr"
        inputs = registered.inputs
        assert inputs["sourceBackupId"] == "backup-0a3364eded1014b28"
        assert inputs["sourceRegion"] == "us-east-2" and inputs["kmsKeyId"] == "alias/dr"
        assert inputs["tags"] == {"team": "storage"}
        assert inputs["customTimeouts"] == {"create": "3h"}
        assert inputs["resourceIdentity"] == "proj/dev/dr"
        assert isinstance(inputs["__provider"], str) and len(inputs["__provider"]) < 400  # pickled by reference
        assert backup_id == "backup-0123456789abcdef0" and arn.startswith("arn:aws:fsx:")

    return pulumi.Output.all(copy.backup_id, copy.arn).apply(check)


@pulumi.runtime.test
def test_args_object_is_the_same_as_keywords(mocks: RecordingMocks) -> Any:
    a = BackupCopy("a", BackupCopyArgs(source_backup_id="backup-0a3364eded1014b28", copy_tags=True))
    b = BackupCopy("b", source_backup_id="backup-0a3364eded1014b28", copy_tags=True)
    c = BackupCopy("c", args=BackupCopyArgs(source_backup_id="backup-0a3364eded1014b28", copy_tags=True))

    def check(_: Any) -> None:
        first, second, third = ({k: v for k, v in r.inputs.items() if k != "resourceIdentity"} for r in mocks.resources)
        assert first == second == third and first["copyTags"] is True

    return pulumi.Output.all(a.urn, b.urn, c.urn).apply(check)


@pulumi.runtime.test
def test_get_reads_by_id(mocks: RecordingMocks) -> Any:
    copy = BackupCopy.get("existing", "backup-0123456789abcdef0", region="eu-west-1")
    return copy.backup_id.apply(lambda value: _assert_equal(value, "backup-0123456789abcdef0"))


def _assert_equal(actual: Any, expected: Any) -> None:
    assert actual == expected


@pytest.fixture
def example_config() -> Iterator[None]:
    pulumi.runtime.set_all_config(
        {
            "cross-region-dr:sourceBackupId": "backup-0a3364eded1014b28",
            "cross-region-dr:sourceRegion": "us-east-2",
            "cross-region-dr:kmsKeyId": "alias/dr",
        }
    )
    yield
    pulumi.runtime.set_all_config({})


@pulumi.runtime.test
def test_example_program_registers_under_mocks(mocks: RecordingMocks, example_config: None) -> Any:
    pulumi.runtime.set_mocks(mocks, project="cross-region-dr", stack="dr", preview=False)
    namespace = runpy.run_path(str(ROOT / "examples" / "cross-region-dr" / "__main__.py"), run_name="__main__")

    def check(_: Any) -> None:
        [registered] = mocks.resources
        assert registered.typ == TYPE_TOKEN
        assert registered.inputs["kmsKeyId"] == "alias/dr"
        assert registered.inputs["tags"] == {"purpose": "disaster-recovery", "managed-by": "pulumi"}
        assert registered.inputs["customTimeouts"] == {"create": "8h", "delete": "1h"}

    return namespace["copy"].urn.apply(check)


def test_programs_type_check_and_type_errors_are_caught(tmp_path: Path) -> None:
    good = ROOT / "examples" / "cross-region-dr" / "__main__.py"
    stdout, _, status = mypy_api.run(["--strict", "--follow-imports=silent", str(good)])
    assert status == 0, stdout

    bad = tmp_path / "bad.py"
    bad.write_text(
        "from pulumi_fsx_backup_copy import BackupCopy\n"
        "BackupCopy('x', source_backup_id='backup-0a3364eded1014b28', copy_tags='yes')\n"
        "BackupCopy('y', source_region='us-east-2')\n"
    )
    stdout, _, status = mypy_api.run(["--strict", "--follow-imports=silent", str(bad)])
    assert status == 1
    assert "copy_tags" in stdout and "source_backup_id" in stdout


@pulumi.runtime.test
def test_same_name_under_different_parents_has_different_identities(mocks: RecordingMocks) -> Any:
    class Site(pulumi.ComponentResource):
        def __init__(self, name: str) -> None:
            super().__init__("acme:storage:Site", name)

    copies = [
        BackupCopy("copy", source_backup_id="backup-0a3364eded1014b28", opts=pulumi.ResourceOptions(parent=Site(site)))
        for site in ("paris", "tokyo")
    ]

    def check(_: Any) -> None:
        identities = [r.inputs["resourceIdentity"] for r in mocks.resources if r.typ == TYPE_TOKEN]
        scope = "proj/dev/acme:storage:Site"
        assert sorted(identities) == [f"{scope}::paris/copy", f"{scope}::tokyo/copy"]

    return pulumi.Output.all(*(c.urn for c in copies)).apply(check)


@pulumi.runtime.test
def test_secret_inputs_name_every_secret_argument_and_plain_values_none(mocks: RecordingMocks) -> Any:
    source = "backup-0a3364eded1014b28"
    plain = BackupCopy("plain", source_backup_id=source, kms_key_id="alias/dr", tags={"team": "storage"})
    known = BackupCopy("known", source_backup_id=pulumi.Output.from_input(source), kms_key_id="alias/dr")
    secret = BackupCopy(
        "secret",
        source_backup_id=source,
        kms_key_id=pulumi.Output.secret("alias/dr"),
        tags={"team": "storage", "ticket": pulumi.Output.secret("CHG-1")},  # one secret value inside a plain dict
    )

    def check(_: Any) -> None:
        by_name = {r.name: r.inputs["secretInputs"] for r in mocks.resources}
        assert by_name == {"plain": [], "known": [], "secret": ["kmsKeyId", "tags"]}

    return pulumi.Output.all(plain.urn, known.urn, secret.urn).apply(check)
