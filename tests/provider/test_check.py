"""check validates without AWS calls, names the property in every failure, and lets unknowns through."""

from collections.abc import Iterator
from typing import Any

import boto3
import botocore
import pytest
from pulumi.output import Unknown

from fsx_backup_copy_provider import BackupCopyProvider, aws

GOOD = {"sourceBackupId": "backup-0a3364eded1014b28", "region": "us-west-2", "resourceIdentity": "p/s/copy"}


@pytest.fixture(autouse=True)
def no_aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """check makes no AWS call: no client is even made (the provider gets every client from aws.py's cache)."""
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    aws.clear_cache()
    yield
    assert aws.cached_clients() == 0, "check must not call AWS"


def failures(news: dict[str, Any]) -> list[tuple[str, str]]:
    result = BackupCopyProvider().check({}, news)
    return [(f.property, f.reason) for f in result.failures]


KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"

# (case, changes to GOOD, the property the failure must name)
BAD_INPUTS: list[tuple[str, dict[str, Any], str]] = [
    ("missing source", {"sourceBackupId": None}, "sourceBackupId"),
    ("source not a string", {"sourceBackupId": 42}, "sourceBackupId"),
    ("source without prefix", {"sourceBackupId": "0a3364eded1014b28"}, "sourceBackupId"),
    ("source too short", {"sourceBackupId": "backup-0a3"}, "sourceBackupId"),
    ("source upper case", {"sourceBackupId": "backup-0A3364EDED1014B28"}, "sourceBackupId"),
    ("source is a file system", {"sourceBackupId": "fs-0a3364eded1014b28"}, "sourceBackupId"),
    (
        "source is an ARN",
        {"sourceBackupId": "arn:aws:fsx:us-east-1:123456789012:backup/backup-0a3364eded1014b28"},
        "sourceBackupId",
    ),
    ("region not a Region", {"region": "us-westt-2x"}, "region"),
    ("region upper case", {"region": "US-WEST-2"}, "region"),
    ("region a list", {"region": ["us-west-2"]}, "region"),
    ("source region not a Region", {"sourceRegion": "mars-north-1"}, "sourceRegion"),
    ("source region a number", {"sourceRegion": 2}, "sourceRegion"),
    ("region of the right form that does not exist", {"region": "us-west-9"}, "region"),
    ("source region of the right form that does not exist", {"sourceRegion": "eu-foo-1"}, "sourceRegion"),
    ("China into commercial", {"sourceRegion": "cn-north-1"}, "sourceRegion"),
    ("GovCloud into commercial", {"sourceRegion": "us-gov-west-1"}, "sourceRegion"),
    ("commercial into China", {"region": "cn-northwest-1", "sourceRegion": "us-east-1"}, "sourceRegion"),
    ("kms not a reference", {"kmsKeyId": "my-key"}, "kmsKeyId"),
    ("kms a number", {"kmsKeyId": 7}, "kmsKeyId"),
    ("kms ARN in another Region", {"kmsKeyId": f"arn:aws:kms:us-east-1:123456789012:key/{KEY_ID}"}, "kmsKeyId"),
    ("kms ARN of another service", {"kmsKeyId": f"arn:aws:s3:us-west-2:123456789012:key/{KEY_ID}"}, "kmsKeyId"),
    ("kms ARN bad key id", {"kmsKeyId": "arn:aws:kms:us-west-2:123456789012:key/not-a-key"}, "kmsKeyId"),
    ("kms alias ARN in another Region", {"kmsKeyId": "arn:aws:kms:eu-west-1:123456789012:alias/dr"}, "kmsKeyId"),
    ("kms ARN in another partition", {"kmsKeyId": f"arn:aws-cn:kms:us-west-2:123456789012:key/{KEY_ID}"}, "kmsKeyId"),
    ("kms alias with spaces", {"kmsKeyId": "alias/my key"}, "kmsKeyId"),
    ("copyTags a string", {"copyTags": "yes"}, "copyTags"),
    ("copyTags a number", {"copyTags": 1}, "copyTags"),
    ("tags a list", {"tags": ["a"]}, "tags"),
    ("tags a string", {"tags": "team=storage"}, "tags"),
    ("51 tags", {"tags": {f"k{i}": "v" for i in range(51)}}, "tags"),
    ("50 tags: no room for the claim", {"tags": {f"k{i}": "v" for i in range(50)}}, "tags"),
    ("empty tag key", {"tags": {"": "v"}}, "tags"),
    ("tag key too long", {"tags": {"k" * 129: "v"}}, "tags"),
    ("tag value too long", {"tags": {"k": "v" * 257}}, "tags"),
    ("aws: tag key", {"tags": {"aws:createdBy": "me"}}, "tags"),
    ("AWS: tag key", {"tags": {"AWS:createdBy": "me"}}, "tags"),
    ("provider's own tag key", {"tags": {"pulumi-fsx-backup-copy:claim": "x"}}, "tags"),
    ("tag key with a comma", {"tags": {"a,b": "v"}}, "tags"),
    ("tag value with a semicolon", {"tags": {"k": "a;b"}}, "tags"),
    ("tag value a number", {"tags": {"k": 5}}, "tags"),
    ("unknown property", {"kmsKey": "alias/dr"}, "kmsKey"),
    ("bad create timeout", {"customTimeouts": {"create": "two hours"}}, "customTimeouts"),
    ("unknown timeout", {"customTimeouts": {"read": "5m"}}, "customTimeouts"),
]


@pytest.mark.parametrize(("case", "change", "prop"), BAD_INPUTS, ids=[case for case, _, _ in BAD_INPUTS])
def test_bad_input_fails_check_naming_the_property(case: str, change: dict[str, Any], prop: str) -> None:
    news = {k: v for k, v in {**GOOD, **change}.items() if v is not None}
    found = failures(news)
    assert [p for p, _ in found] == [prop], found
    assert found[0][1].startswith(prop)


# (inputs, the property, the failure's exact text): each reads as one sentence after the property's name.
MESSAGES: list[tuple[dict[str, Any], str, str]] = [
    (
        {"kmsKeyId": f"arn:aws:kms:us-east-1:123456789012:key/{KEY_ID}"},
        "kmsKeyId",
        "kmsKeyId names a key in us-east-1, but KMS keys are regional and the copy is made in us-west-2: "
        "use a key in us-west-2",
    ),
    ({"tags": {"k": 5}}, "tags", "tags has a value for key 'k' that is a number, not a string"),
    (
        {"tags": {"aws:createdBy": "me"}},
        "tags",
        "tags has a key 'aws:createdBy' with the prefix 'aws:', which AWS reserves for its own tags",
    ),
    ({"tags": {"k": "v" * 257}}, "tags", "tags has a value for key 'k' longer than 256 characters"),
    (
        {"customTimeouts": {"read": "5m"}},
        "customTimeouts",
        "customTimeouts has an unknown timeout 'read': use create, update or delete",
    ),
    (
        {"customTimeouts": {"create": "two hours"}},
        "customTimeouts",
        "customTimeouts has a create timeout 'two hours' that is not a duration such as 2h, 45m, 1h30m or 90s",
    ),
]


@pytest.mark.parametrize(("change", "prop", "message"), MESSAGES, ids=[m[2][:40] for m in MESSAGES])
def test_failure_reads_as_a_sentence_after_the_property_name(change: dict[str, Any], prop: str, message: str) -> None:
    assert failures({**GOOD, **change}) == [(prop, message)]


def test_no_failure_repeats_its_property_name() -> None:
    for case, change, prop in BAD_INPUTS:
        for _, reason in failures({k: v for k, v in {**GOOD, **change}.items() if v is not None}):
            rest = reason.removeprefix(prop).lstrip(" :")
            assert not rest.lower().startswith(("the ", prop.lower(), "tag key", "tags ")), (case, reason)


@pytest.mark.parametrize(
    ("region", "nearest"),
    [("us-west-9", "us-west-2, us-west-1 or us-east-2"), ("cn-north-9", "cn-north-1 or cn-northwest-1")],
)
def test_a_region_typo_names_the_nearest_regions_of_its_partition(region: str, nearest: str) -> None:
    [(prop, reason)] = failures({**GOOD, "region": region})
    assert prop == "region" and reason.startswith(f"region '{region}' is not a Region where FSx is available")
    assert f"botocore {botocore.__version__}" in reason and reason.endswith(f"; did you mean {nearest}?")
    assert "upgrade botocore" not in reason and "eu-west-1" not in reason  # no list of every Region


def test_an_unknown_region_like_no_other_says_to_upgrade_botocore() -> None:
    [(prop, reason)] = failures({**GOOD, "region": "xx-nowhere-1"})
    assert prop == "region" and f"botocore {botocore.__version__}" in reason and "upgrade botocore" in reason


def test_every_region_botocore_knows_for_fsx_passes() -> None:
    session = boto3.session.Session()
    for partition in session.get_available_partitions():
        for region in session.get_available_regions("fsx", partition_name=partition):
            assert failures({**GOOD, "region": region}) == [], region


def test_secret_tag_values_are_never_quoted_in_failures() -> None:
    found = failures({**GOOD, "tags": {"db-password": "hunter2;hunter2"}})
    assert found and all("hunter2" not in reason for _, reason in found)


GOOD_INPUTS: list[tuple[str, dict[str, Any]]] = [
    ("minimal", {}),
    ("cross-Region", {"sourceRegion": "us-east-2"}),
    ("China pair", {"region": "cn-north-1", "sourceRegion": "cn-northwest-1"}),
    ("GovCloud pair", {"region": "us-gov-east-1", "sourceRegion": "us-gov-west-1"}),
    ("key id", {"kmsKeyId": KEY_ID}),
    ("multi-Region key id", {"kmsKeyId": "mrk-1234abcd12ab34cd56ef1234567890ab"}),
    ("key ARN", {"kmsKeyId": f"arn:aws:kms:us-west-2:123456789012:key/{KEY_ID}"}),
    ("alias", {"kmsKeyId": "alias/dr-key"}),
    ("alias ARN", {"kmsKeyId": "arn:aws:kms:us-west-2:123456789012:alias/dr-key"}),
    ("tags", {"tags": {"team": "storage", "Name": "DR copy", "path": "/a/b=c+d@e", "empty": ""}}),
    ("unicode tags", {"tags": {"équipe": "stockage"}}),
    ("49 tags (the claim makes 50)", {"tags": {f"k{i}": "v" for i in range(49)}}),
    ("copyTags", {"copyTags": True}),
    ("timeouts", {"customTimeouts": {"create": "2h30m", "delete": "45m"}}),
]


@pytest.mark.parametrize(("case", "change"), GOOD_INPUTS, ids=[case for case, _ in GOOD_INPUTS])
def test_good_input_passes(case: str, change: dict[str, Any]) -> None:
    assert failures({**GOOD, **change}) == []


UNKNOWN = Unknown()


@pytest.mark.parametrize(
    "change",
    [
        {"sourceBackupId": UNKNOWN},
        {"region": UNKNOWN, "kmsKeyId": "alias/x"},
        {"kmsKeyId": UNKNOWN},
        {"tags": UNKNOWN},
        {"tags": {"team": UNKNOWN}},
        {"sourceRegion": UNKNOWN},
        {"copyTags": UNKNOWN},
    ],
)
def test_unknown_values_during_preview_are_not_failures(change: dict[str, Any]) -> None:
    assert failures({**GOOD, **change}) == []


def test_region_defaults_from_stack_config_then_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    news = {k: v for k, v in GOOD.items() if k != "region"}
    provider = BackupCopyProvider()
    assert [p for p, _ in failures(news)] == ["region"]

    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    assert provider.check({}, news).inputs["region"] == "eu-west-1"
    monkeypatch.setenv("AWS_REGION", "eu-central-1")
    assert provider.check({}, news).inputs["region"] == "eu-central-1"
    provider._config_region = "ap-southeast-2"  # what configure() stores from aws:region
    assert provider.check({}, news).inputs["region"] == "ap-southeast-2"


def test_defaults_are_filled_and_explicit_values_kept() -> None:
    inputs = BackupCopyProvider().check({}, {**GOOD, "__provider": "serialized"}).inputs
    assert inputs["copyTags"] is False
    assert inputs["__provider"] == "serialized"
    assert "sourceRegion" not in inputs  # in-Region copy: left to mean "the destination Region"
