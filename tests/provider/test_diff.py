"""diff: old outputs against new checked inputs; no change when AWS only normalised; replace vs update."""

from typing import Any

import pytest
from pulumi.output import Unknown

from fsx_backup_copy_provider import BackupCopyProvider

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


def old_outputs(**changes: Any) -> dict[str, Any]:
    """Outputs as create returned them for NEWS: AWS reports the key's ARN and the tags the copy has."""
    applied = {k: v for k, v in NEWS.items() if k not in ("tags", "__provider")}
    outputs: dict[str, Any] = {
        "__provider": "p1",
        "backupId": "backup-0123456789abcdef0",
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


def diff(olds: dict[str, Any], **news_changes: Any) -> tuple[bool | None, list[str]]:
    news = {k: v for k, v in {**NEWS, **news_changes}.items() if v is not None}
    result = BackupCopyProvider().diff("backup-0123456789abcdef0", olds, news)
    return result.changes, list(result.replaces or [])


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
    applied = {k: v for k, v in NEWS.items() if k not in ("tags", "__provider", "sourceRegion")}
    olds = old_outputs(appliedInputs=applied, sourceRegion="us-west-2")
    assert diff(olds, **in_region) == (False, [])
    assert diff(olds, sourceRegion="us-west-2") == (False, [])


def test_copy_tags_keeps_inherited_tags_without_a_diff() -> None:
    applied = {**old_outputs()["appliedInputs"], "copyTags": True}
    olds = old_outputs(appliedInputs=applied, copyTags=True, tags={"team": "storage", "env": "dr"})
    assert diff(olds, copyTags=True) == (False, [])
    # the user's tag overrides the inherited one
    olds = old_outputs(appliedInputs=applied, copyTags=True, tags={"team": "mine", "env": "dr"})
    assert diff(olds, copyTags=True, tags={"team": "mine", "env": "dr"}) == (False, [])


def test_diff_never_answers_unknown() -> None:
    result = BackupCopyProvider().diff("backup-0123456789abcdef0", old_outputs(), dict(NEWS))
    assert result.changes is False  # not None: None would make the engine diff __provider itself
