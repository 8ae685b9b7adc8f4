"""diff: compare old outputs (what the host passes) with new checked inputs, offline and never "unknown".

Each input is compared with the value last applied (kept in the outputs), so a value AWS normalised (an alias
given, an ARN returned; a defaulted Region) is no change. Tags are compared with what the copy really has, so a
refresh that saw a tag changed by hand shows as a pending update.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from . import tagging
from .schema import APPLIED_INPUTS, INPUTS, SOURCE_TAGS, OnChange
from .unknowns import contains_unknown


@dataclass(frozen=True)
class Difference:
    changed: list[str]
    replaces: list[str]

    @property
    def any(self) -> bool:
        return bool(self.changed)


def _effective(wire_name: str, value: Any, inputs: Mapping[str, Any]) -> Any:
    if wire_name == "sourceRegion" and value is None:
        return inputs.get("region")  # an in-Region copy
    if wire_name == "copyTags" and value is None:
        return False
    return value


def diff_inputs(old_outputs: Mapping[str, Any], news: Mapping[str, Any]) -> Difference:
    applied: Mapping[str, Any] = old_outputs.get(APPLIED_INPUTS) or old_outputs
    changed: list[str] = []
    replaces: list[str] = []
    for prop in INPUTS:
        if prop.on_change is OnChange.IGNORE or prop.wire_name == "tags":
            continue
        new = news.get(prop.wire_name)
        differs = contains_unknown(new) or (
            _effective(prop.wire_name, new, news) != _effective(prop.wire_name, applied.get(prop.wire_name), applied)
        )
        if differs:
            changed.append(prop.wire_name)
            if prop.on_change is OnChange.REPLACE:
                replaces.append(prop.wire_name)

    new_tags = news.get("tags")
    if contains_unknown(new_tags) or contains_unknown(news.get("copyTags")):
        changed.append("tags")
    else:
        wanted = tagging.desired(news.get("copyTags"), old_outputs.get(SOURCE_TAGS), new_tags)
        if tagging.visible(old_outputs.get("tags") or {}) != wanted:
            changed.append("tags")
    return Difference(changed, replaces)
