"""What tags a copy should have, and the calls that get it there (never touching aws: or the claim tag)."""

from collections.abc import Iterable, Mapping
from typing import Any

from .claims import CLAIM_TAG


def managed(key: str) -> bool:
    """Tags the user manages: not AWS's reserved aws: tags, not the provider's claim."""
    return not key.lower().startswith("aws:") and key != CLAIM_TAG


def as_map(tags: Iterable[Mapping[str, str]] | None) -> dict[str, str]:
    return {t["Key"]: t.get("Value", "") for t in tags or []}


def as_list(tags: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def visible(tags: Mapping[str, str]) -> dict[str, str]:
    return {k: v for k, v in tags.items() if managed(k)}


def desired(
    copy_tags: Any, source_tags: Mapping[str, str] | None, user_tags: Mapping[str, str] | None
) -> dict[str, str]:
    """The copy's managed tags: the source's when copyTags is on, overlaid by the user's (theirs win)."""
    inherited = visible(source_tags or {}) if copy_tags else {}
    return {**inherited, **visible(user_tags or {})}


def changes(actual: Mapping[str, str], wanted: Mapping[str, str]) -> tuple[dict[str, str], list[str]]:
    """(tags to set, keys to remove) to turn the managed part of ``actual`` into ``wanted``."""
    current = visible(actual)
    to_set = {k: v for k, v in wanted.items() if current.get(k) != v}
    to_remove = sorted(k for k in current if k not in wanted)
    return to_set, to_remove


def apply(fsx: Any, backup: Mapping[str, Any], wanted: Mapping[str, str]) -> None:
    """Make the copy's managed tags ``wanted`` (never touching aws: tags or the claim), 50 keys a call at most."""
    to_set, to_remove = changes(as_map(backup.get("Tags")), wanted)
    arn = backup["ResourceARN"]
    for start in range(0, len(to_remove), 50):
        fsx.untag_resource(ResourceARN=arn, TagKeys=to_remove[start : start + 50])
    items = as_list(to_set)
    for start in range(0, len(items), 50):
        fsx.tag_resource(ResourceARN=arn, Tags=items[start : start + 50])
