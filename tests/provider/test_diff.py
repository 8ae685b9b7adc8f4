"""diff: old outputs against new checked inputs; no change when AWS only normalised; replace vs update."""

from typing import Any

import pytest
from pulumi.output import Unknown

from fsx_backup_copy_provider import BackupCopyProvider
from fsx_backup_copy_provider.check import mark_kms_unchanged
from fsx_backup_copy_provider.diff import diff_inputs
from fsx_backup_copy_provider.state import CopyInputs, sanitized

KEY_ARN = "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"

NEWS: dict[str, Any] = {
    "__provider": "p2",
    "sourceBackupId": "backup-0a3364eded1014b28",
    "sourceRegion": "us-east-2",
    "region": "us-west-2",
    "kmsKeyId": "alias/dr",
    "copyTags": False,
    "tags": {"env": "dr"},
    "resourceIdentity": "proj/dev/copy",
}


# What KMS says each alias names (the provider asks DescribeKey only when a reference is not the one applied).
ALIASES = {"alias/dr": KEY_ARN, "alias/dr-again": KEY_ARN, "alias/other": KEY_ARN.replace("1234abcd", "9999abcd")}
RESOLVED: list[str] = []


def resolve(reference: str, region: str) -> str | None:
    RESOLVED.append(reference)
    return ALIASES.get(reference) if region == "us-west-2" else None


def old_outputs(**changes: Any) -> dict[str, Any]:
    """Outputs as create returned them for NEWS: AWS reports the key's ARN and the tags the copy has."""
    applied = CopyInputs.from_props({k: v for k, v in NEWS.items() if k != "__provider"}).applied()
    outputs: dict[str, Any] = {
        "__provider": "p1",
        "backupId": "backup-0123456789abcdef0",
        "sourceBackupId": NEWS["sourceBackupId"],
        "kmsKeyId": KEY_ARN,
        "tags": {"env": "dr"},
        "sourceRegion": "us-east-2",
        "region": "us-west-2",
        "copyTags": False,
        "appliedInputs": applied,
        "sourceTags": {"team": "storage"},
    }
    outputs.update(changes)
    return outputs


def diff(olds: dict[str, Any], old_kms: str | None = "alias/dr", **news_changes: Any) -> tuple[bool | None, list[str]]:
    """diff of news checked against old inputs whose kmsKeyId is ``old_kms`` (check notes an unchanged one)."""
    news = {k: v for k, v in {**NEWS, **news_changes}.items() if v is not None}
    mark_kms_unchanged({"kmsKeyId": old_kms}, news)
    result = diff_inputs(olds, news, resolve)
    return result.any, list(result.replaces)


CASES: list[tuple[str, dict[str, Any], dict[str, Any], bool, list[str]]] = [
    # (case, changes to old outputs, changes to new inputs, changes, replaces)
    ("nothing changed", {}, {}, False, []),
    ("only __provider changed (code or SDK upgrade)", {"__provider": "other"}, {}, False, []),
    ("alias given, ARN returned", {}, {}, False, []),
    ("only timeouts changed", {}, {"customTimeouts": {"create": "12h"}}, False, []),
    ("resource renamed (identity changes)", {}, {"resourceIdentity": "proj/dev/renamed"}, False, []),
    ("tag value changed", {}, {"tags": {"env": "prod"}}, True, []),
    ("tag added", {}, {"tags": {"env": "dr", "team": "x"}}, True, []),
    ("tags removed", {}, {"tags": None}, True, []),
    ("tag changed by hand (refresh saw it)", {"tags": {"env": "hacked"}}, {}, True, []),
    ("tag added by hand", {"tags": {"env": "dr", "owner": "bob"}}, {}, True, []),
    ("aws: tag added by AWS is not drift", {"tags": {"env": "dr", "aws:backup:source": "x"}}, {}, False, []),
    ("copyTags turned on", {}, {"copyTags": True}, True, []),
    ("kms key changed", {}, {"kmsKeyId": "alias/other"}, True, ["kmsKeyId"]),
    ("kms key removed", {}, {"kmsKeyId": None}, True, ["kmsKeyId"]),
    ("source changed", {}, {"sourceBackupId": "backup-0b3364eded1014b28"}, True, ["sourceBackupId"]),
    ("source Region changed", {}, {"sourceRegion": "eu-west-1"}, True, ["sourceRegion"]),
    ("destination Region changed", {}, {"region": "eu-west-2"}, True, ["region"]),
    (
        "source and kms changed",
        {},
        {"sourceBackupId": "backup-0b3364eded1014b28", "kmsKeyId": "alias/o"},
        True,
        ["sourceBackupId", "kmsKeyId"],
    ),
    ("unknown kms during preview", {}, {"kmsKeyId": Unknown()}, True, ["kmsKeyId"]),
    ("unknown source during preview", {}, {"sourceBackupId": Unknown()}, True, ["sourceBackupId"]),
    ("unknown tag value during preview", {}, {"tags": {"env": Unknown()}}, True, []),
]


@pytest.mark.parametrize(("case", "olds", "news", "changes", "replaces"), CASES, ids=[c[0] for c in CASES])
def test_diff(case: str, olds: dict[str, Any], news: dict[str, Any], changes: bool, replaces: list[str]) -> None:
    assert diff(old_outputs(**olds), **news) == (changes, replaces)


def test_in_region_copy_with_source_region_spelled_out_is_no_change() -> None:
    in_region = {"sourceRegion": None}
    olds = old_outputs(sourceRegion="us-west-2")
    assert diff(olds, **in_region) == (False, [])
    assert diff(olds, sourceRegion="us-west-2") == (False, [])


def test_copy_tags_keeps_inherited_tags_without_a_diff() -> None:
    olds = old_outputs(copyTags=True, tags={"team": "storage", "env": "dr"})
    assert diff(olds, copyTags=True) == (False, [])
    # the user's tag overrides the inherited one
    olds = old_outputs(copyTags=True, tags={"team": "mine", "env": "dr"})
    assert diff(olds, copyTags=True, tags={"team": "mine", "env": "dr"}) == (False, [])


def test_diff_never_answers_unknown() -> None:
    provider = BackupCopyProvider()
    news = provider.check(dict(NEWS), dict(NEWS)).inputs
    result = provider.diff("backup-0123456789abcdef0", old_outputs(), news)
    assert result.changes is False  # not None: None would make the engine diff __provider itself


KEY_ID = KEY_ARN.rsplit("/", 1)[-1]


@pytest.mark.parametrize(
    ("case", "old_kms", "new_kms", "replaces", "asks_kms"),
    [
        ("alias given, then the key's ARN", "alias/dr", KEY_ARN, [], False),
        ("alias given, then the key's id", "alias/dr", KEY_ID, [], False),
        ("key ARN given, then the key id", KEY_ARN, KEY_ID, [], False),
        ("key id given, then the key ARN", KEY_ID, KEY_ARN, [], False),
        ("key ARN given, then an alias of it", KEY_ARN, "alias/dr", [], True),
        ("another alias of the same key", "alias/dr", "alias/dr-again", [], True),
        ("an alias of another key", "alias/dr", "alias/other", ["kmsKeyId"], True),
        ("another key's id", "alias/dr", KEY_ID.replace("1234abcd", "9999abcd"), ["kmsKeyId"], False),
        ("an alias KMS cannot resolve", "alias/dr", "alias/missing", ["kmsKeyId"], True),
        ("a key given, then none (the FSx-managed key)", "alias/dr", None, ["kmsKeyId"], False),
    ],
)
def test_the_same_kms_key_named_another_way_is_no_change(
    case: str, old_kms: str, new_kms: str | None, replaces: list[str], asks_kms: bool
) -> None:
    applied = CopyInputs.from_props({**NEWS, "kmsKeyId": old_kms}).applied()
    RESOLVED.clear()
    assert diff(old_outputs(appliedInputs=applied), old_kms, kmsKeyId=new_kms) == (bool(replaces), replaces), case
    assert bool(RESOLVED) is asks_kms, case


def test_applied_inputs_keep_nothing_of_the_kms_reference() -> None:
    """Not the value, and no digest either: an unsalted one confirms a guessed alias offline."""
    applied = CopyInputs.from_props(dict(NEWS)).applied()
    assert applied == {"kmsKeyGiven": True, "region": "us-west-2", "resourceIdentity": "proj/dev/copy"}
    legacy = {"region": "us-west-2", "kmsKeyId": "sha256:0123456789abcdef0123456789abcdef"}
    assert sanitized(legacy) == {"region": "us-west-2", "kmsKeyGiven": True}  # a refresh drops the old digest


def test_an_unchanged_kms_reference_is_no_change_without_any_kms_call() -> None:
    RESOLVED.clear()
    assert diff(old_outputs(), "alias/dr") == (False, [])
    assert RESOLVED == []


def test_state_written_by_0_1_0_diffs_the_same() -> None:
    """0.1.0 kept the inputs verbatim under appliedInputs; such state must not show a change."""
    legacy = {k: v for k, v in NEWS.items() if k not in ("tags", "__provider")}
    assert diff(old_outputs(appliedInputs=legacy)) == (False, [])
    assert diff(old_outputs(appliedInputs=legacy), kmsKeyId="alias/other") == (True, ["kmsKeyId"])
