"""Users' set_mocks tests see bad inputs: the SDK applies check's rules to plain values when a BackupCopy is declared.

Without this, only the engine's Check sees them, and a unit test under set_mocks (no Check) passes with inputs
that `pulumi up` refuses. Values that are Outputs are left to the engine's Check.
"""

from collections.abc import Iterator
from typing import Any

import pulumi
import pytest

from fsx_backup_copy_provider import BackupCopyProvider
from pulumi_fsx_backup_copy import BackupCopy, BackupCopyArgs
from pulumi_fsx_backup_copy.backup_copy import BackupCopyArgsError

SOURCE = "backup-0a3364eded1014b28"
KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"
EU_KEY = f"arn:aws:kms:eu-west-1:123456789012:key/{KEY_ID}"


class Mocks(pulumi.runtime.Mocks):
    def __init__(self) -> None:
        self.names: list[str] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        self.names.append(args.name)
        return ("backup-0123456789abcdef0", dict(args.inputs))

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        return {}, None


@pytest.fixture
def mocks() -> Iterator[Mocks]:
    recording = Mocks()
    pulumi.runtime.set_mocks(recording, project="proj", stack="dev", preview=False)
    yield recording
    pulumi.runtime.set_all_config({})


def engine_check_failures(wire_inputs: dict[str, Any]) -> list[tuple[str, str]]:
    """What the provider's check (run by the engine in `pulumi up`) says about the same inputs."""
    result = BackupCopyProvider().check({}, {"resourceIdentity": "proj/dev/x", **wire_inputs})
    return [(f.property, f.reason) for f in result.failures]


# (python keyword arguments, the same inputs as the engine sends them)
BAD: list[tuple[dict[str, Any], dict[str, Any]]] = [
    (
        {"source_backup_id": "fs-0a3364eded1014b28", "region": "us-west-2"},
        {"sourceBackupId": "fs-0a3364eded1014b28", "region": "us-west-2"},
    ),
    ({"source_backup_id": SOURCE, "region": "us-west-9"}, {"sourceBackupId": SOURCE, "region": "us-west-9"}),
    (
        {"source_backup_id": SOURCE, "region": "us-west-2", "tags": {"aws:owner": "me", "k": "a;b"}},
        {"sourceBackupId": SOURCE, "region": "us-west-2", "tags": {"aws:owner": "me", "k": "a;b"}},
    ),
    (
        {"source_backup_id": SOURCE, "region": "us-west-2", "kms_key_id": EU_KEY},
        {"sourceBackupId": SOURCE, "region": "us-west-2", "kmsKeyId": EU_KEY},
    ),
    (
        {"source_backup_id": SOURCE, "region": "us-west-2", "source_region": "cn-north-1", "copy_tags": "yes"},
        {"sourceBackupId": SOURCE, "region": "us-west-2", "sourceRegion": "cn-north-1", "copyTags": "yes"},
    ),
]


@pytest.mark.parametrize(("kwargs", "wire"), BAD, ids=[str(sorted(k.items()))[:60] for k, _ in BAD])
def test_bad_plain_values_raise_with_checks_messages(
    mocks: Mocks, kwargs: dict[str, Any], wire: dict[str, Any]
) -> None:
    expected = engine_check_failures(wire)
    assert expected  # the case really is bad for the provider
    with pytest.raises(BackupCopyArgsError) as raised:
        BackupCopy("bad", **kwargs)
    assert raised.value.failures == expected
    for _, reason in expected:
        assert reason in str(raised.value)
    assert "BackupCopy 'bad'" in str(raised.value)
    assert mocks.names == []  # nothing was registered

    with pytest.raises(BackupCopyArgsError):
        BackupCopy("bad-args", BackupCopyArgs(**kwargs))


def test_bad_custom_timeout_is_caught_too(mocks: Mocks) -> None:
    opts = pulumi.ResourceOptions(custom_timeouts=pulumi.CustomTimeouts(create="two hours"))
    with pytest.raises(BackupCopyArgsError) as raised:
        BackupCopy("bad", source_backup_id=SOURCE, region="us-west-2", opts=opts)
    assert [p for p, _ in raised.value.failures] == ["customTimeouts"]


def test_kms_key_region_is_checked_against_the_stacks_aws_region(mocks: Mocks) -> None:
    pulumi.runtime.set_all_config({"aws:region": "us-west-2"})
    with pytest.raises(BackupCopyArgsError) as raised:
        BackupCopy("bad", source_backup_id=SOURCE, kms_key_id=EU_KEY)
    assert raised.value.failures == engine_check_failures(
        {"sourceBackupId": SOURCE, "region": "us-west-2", "kmsKeyId": EU_KEY}
    )


@pulumi.runtime.test
def test_outputs_are_left_to_the_engines_check(mocks: Mocks) -> Any:
    later = pulumi.Output.from_input("not-a-backup-id").apply(lambda value: value)
    region = pulumi.Output.from_input("us-west-9").apply(lambda value: value)
    copy = BackupCopy(
        "wired",
        source_backup_id=later,
        region=region,
        kms_key_id=EU_KEY,  # the Region it must match is an Output
        tags={"team": later},
    )
    return copy.urn.apply(lambda _: _assert_registered(mocks, "wired"))


@pulumi.runtime.test
def test_good_plain_values_register(mocks: Mocks) -> Any:
    copy = BackupCopy("good", source_backup_id=SOURCE, region="eu-west-1", tags={"team": "storage"})
    return copy.urn.apply(lambda _: _assert_registered(mocks, "good"))


def _assert_registered(mocks: Mocks, name: str) -> None:
    assert mocks.names == [name]


@pytest.mark.parametrize("shape", ["positional", "keyword"])
def test_a_dict_instead_of_args_says_what_to_pass(mocks: Mocks, shape: str) -> None:
    given = {"source_backup_id": SOURCE}
    with pytest.raises(TypeError) as raised:
        if shape == "positional":
            BackupCopy("d", given)  # type: ignore[call-overload]
        else:
            BackupCopy("d", args=given)  # type: ignore[call-overload]
    message = str(raised.value)
    assert "BackupCopyArgs(source_backup_id=" in message and "keyword arguments" in message
    assert "missing 1 required keyword-only argument" not in message


def test_a_camel_case_keyword_names_its_snake_case_argument() -> None:
    pulumi.runtime.set_mocks(Mocks(), project="dr", stack="test")
    with pytest.raises(TypeError, match=r"snake_case: sourceBackupId= -> source_backup_id="):
        wire_names: dict[str, Any] = {"sourceBackupId": "backup-0a3364eded1014b28"}
        BackupCopy("copy", **wire_names)


def test_get_checks_the_ids_form_before_anything_is_read() -> None:
    pulumi.runtime.set_mocks(Mocks(), project="dr", stack="test")
    with pytest.raises(BackupCopyArgsError, match=r"'copy-1' is not an FSx backup id"):
        BackupCopy.get("x", "copy-1")
