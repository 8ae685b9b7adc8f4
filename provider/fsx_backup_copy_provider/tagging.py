"""What tags a copy should have, and the calls that get it there (never touching aws: or the claim tag)."""

from collections.abc import Iterable, Mapping
from typing import Any

from .claims import CLAIM_TAG, ROTATION_TAG_PREFIX
from .validation import MAX_TAGS


def managed(key: str) -> bool:
    """Tags the user manages: not AWS's reserved aws: tags, not the provider's claim."""
    return not key.lower().startswith("aws:") and key != CLAIM_TAG


def as_map(tags: Iterable[Mapping[str, str]] | None) -> dict[str, str]:
    return {t["Key"]: t.get("Value", "") for t in tags or []}


def as_list(tags: Mapping[str, str]) -> list[dict[str, str]]:
    """Sorted by key: the engine's map reaches each process in its own order, and requests must not depend on it."""
    return [{"Key": k, "Value": tags[k]} for k in sorted(tags)]


def visible(tags: Mapping[str, str]) -> dict[str, str]:
    return {k: v for k, v in tags.items() if managed(k)}


def inheritable(source_tags: Mapping[str, str]) -> dict[str, str]:
    """The source's tags copyTags brings in: never this tool's own (a rotation's tags on a copy of its copy)."""
    return {k: v for k, v in visible(source_tags).items() if not k.startswith(ROTATION_TAG_PREFIX)}


def desired(
    copy_tags: Any, source_tags: Mapping[str, str] | None, user_tags: Mapping[str, str] | None
) -> dict[str, str]:
    """The copy's managed tags: the source's when copyTags is on, overlaid by the user's (theirs win)."""
    inherited = inheritable(source_tags or {}) if copy_tags else {}
    return {**inherited, **visible(user_tags or {})}


def _drop_advice(excess: int, user_tags: Mapping[str, str], inherited: Mapping[str, str]) -> str:
    yours = ", ".join(sorted(user_tags)) or "none"
    theirs = ", ".join(sorted(inherited))
    source = f"; or set copyTags to false to leave out the source's {len(inherited)} ({theirs})" if inherited else ""
    return f"Drop {excess} of your tags (yours: {yours}){source}."


def copy_room_problem(copy_tags: bool, source_tags: Mapping[str, str], user_tags: Mapping[str, str]) -> str | None:
    """Why CopyBackup cannot carry the claim (None if it can). FSx counts the *sum* of the source's tags (copyTags)
    and the request's (the user's plus the claim), and every copy must carry its claim from the request on."""
    inherited = {k: v for k, v in source_tags.items() if not k.lower().startswith("aws:")} if copy_tags else {}
    total = len(inherited) + len(user_tags) + 1
    if total <= MAX_TAGS:
        return None
    return (
        f"the copy would get {total} tags: {len(user_tags)} of yours, {len(inherited)} of the source backup's "
        f"(copyTags) and the provider's claim tag, which every copy carries; FSx allows {MAX_TAGS}. "
        + _drop_advice(total - MAX_TAGS, user_tags, inherited)
    )


def room_problem(wanted: Mapping[str, str], user_tags: Mapping[str, str]) -> str | None:
    """Why a recorded copy cannot carry ``wanted`` plus its claim (None if it can)."""
    total = len(wanted) + 1
    if total <= MAX_TAGS:
        return None
    inherited = {k: v for k, v in wanted.items() if k not in user_tags}
    return (
        f"the copy would get {total} tags: {len(wanted)} wanted ({len(inherited)} from the source with copyTags) and "
        f"the provider's claim tag, which every copy carries; FSx allows {MAX_TAGS}. "
        + _drop_advice(total - MAX_TAGS, user_tags, inherited)
    )


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
