"""diff: compare old outputs (what the host passes) with new checked inputs, never "unknown".

A replacing input is unchanged when it names what the copy already is, as FSx reports it in the outputs: the same
source, source Region and destination Region (an omitted sourceRegion means an in-Region copy), and the same KMS key
however it is spelled (keys.py; check's note that the reference equals the state's answers the common case without a
call, and no record of the reference is kept in the outputs).
Tags are compared with what the copy really has, so a refresh that saw a tag changed by hand shows as an update, and
so does one that found the claim tag removed (the update puts it back).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from . import tagging
from .check import KMS_UNCHANGED
from .keys import KeyResolver, names_key
from .schema import APPLIED_INPUTS, INPUTS, SOURCE_TAGS, InputProperty, OnChange
from .state import CLAIM_MISSING, KEY_GIVEN, sanitized
from .unknowns import contains_unknown, is_unknown


@dataclass(frozen=True)
class Difference:
    changed: list[str]
    replaces: list[str]

    @property
    def any(self) -> bool:
        return bool(self.changed)


def _kms_unchanged(old: Mapping[str, Any], news: Mapping[str, Any], resolve: KeyResolver) -> bool:
    applied = sanitized(old.get(APPLIED_INPUTS) or {})
    new = news.get("kmsKeyId")
    if new is None:
        return not applied.get(KEY_GIVEN)  # still the FSx-managed key
    if news.get(KMS_UNCHANGED) and applied.get(KEY_GIVEN):
        return True
    region = old.get("region") or applied.get("region")
    return isinstance(region, str) and names_key(new, old.get("kmsKeyId"), region, resolve)


def _unchanged(prop: InputProperty, old: Mapping[str, Any], news: Mapping[str, Any], resolve: KeyResolver) -> bool:
    new = news.get(prop.wire_name)
    if contains_unknown(new):
        return False
    if prop.wire_name == "kmsKeyId":  # the same key may be spelled several ways (keys.py)
        return _kms_unchanged(old, news, resolve)
    return bool(prop.effective(new, news) == prop.effective(old.get(prop.wire_name), old))


def diff_inputs(
    old_outputs: Mapping[str, Any],
    news: Mapping[str, Any],
    resolve: KeyResolver,
    table: tuple[InputProperty, ...] = INPUTS,
) -> Difference:
    changed: list[str] = []
    replaces: list[str] = []
    for prop in table:
        if prop.on_change is OnChange.IGNORE or prop.wire_name == "tags":
            continue
        if not _unchanged(prop, old_outputs, news, resolve):
            changed.append(prop.wire_name)
            if prop.on_change is OnChange.REPLACE:
                replaces.append(prop.wire_name)

    new_tags = news.get("tags")
    if contains_unknown(new_tags) or is_unknown(news.get("copyTags")):
        changed.append("tags")
    elif sanitized(old_outputs.get(APPLIED_INPUTS) or {}).get(CLAIM_MISSING):
        changed.append("tags")  # a refresh found the claim removed: the update puts it back
    else:
        wanted = tagging.desired(news.get("copyTags"), old_outputs.get(SOURCE_TAGS), new_tags)
        if tagging.visible(old_outputs.get("tags") or {}) != wanted:
            changed.append("tags")
    return Difference(changed, replaces)
