"""Behaviour the FSx documentation does not pin down, as explicit, switchable choices.

Every field here is an inference ([INFER] in emulator/README.md), not documented AWS behaviour. Tests and the
control API can change them; ``EmulatorSettings()`` is the emulator's best guess at the real service.
"""

from dataclasses import dataclass, field, fields
from typing import Any

# Opt-in Regions (not enabled by default in an account). "Cross-Region backup copies are not supported in opt-in
# Regions" is documented; which error FSx returns for it is not ([INFER]: InvalidRegion).
DEFAULT_OPT_IN_REGIONS = frozenset(
    {
        "af-south-1",
        "ap-east-1",
        "ap-east-2",
        "ap-south-2",
        "ap-southeast-3",
        "ap-southeast-4",
        "ap-southeast-5",
        "ap-southeast-7",
        "ca-west-1",
        "eu-central-2",
        "eu-south-1",
        "eu-south-2",
        "il-central-1",
        "me-central-1",
        "me-south-1",
        "mx-central-1",
    }
)


@dataclass
class EmulatorSettings:
    # Documented: "up to five backup copy requests in progress to a single destination AWS Region per account".
    max_copies_in_progress: int = 5
    # [INFER] Error for deleting a copy that is still COPYING (undocumented; BackupInProgress is the modelled fit).
    delete_in_progress_error: str = "BackupInProgress"
    # [INFER] Seconds after a copy becomes AVAILABLE during which its source still answers BackupBeingCopied
    # (documented only as "a short delay").
    being_copied_grace_seconds: float = 0.0
    # [INFER] The docs say the *sum* of source tags and new tags may not exceed 50; "sum" counts a key present in
    # both twice, "union" counts the merged set.
    copy_tags_limit_counting: str = "sum"
    # [INFER] Whether a ClientRequestToken is forgotten when its backup is deleted (token lifetime undocumented).
    forget_token_on_delete: bool = True
    # [INFER] Whether copies report ProgressPercent while COPYING (the real service may leave it at 0).
    report_copy_progress: bool = True
    # [INFER] Regions with no Multi-AZ FSx for Windows, where a MULTI_AZ_1 Windows backup cannot be copied.
    regions_without_multi_az_windows: frozenset[str] = frozenset()
    opt_in_regions: frozenset[str] = field(default=DEFAULT_OPT_IN_REGIONS)
    # [INFER] Wire choices where AWS's documentation names no FSx-specific answer (emulator/README.md, "Wire
    # protocol"): an empty request body is read as {} (else refused with SerializationException); the error for
    # a Region FSx does not have (the real endpoint would not resolve), for a NextToken no earlier page gave,
    # and for a TagResource that would leave more than 50 tags (TagResource's model lists BadRequest).
    empty_body_is_empty_object: bool = True
    unknown_region_error: str = "BadRequest"
    invalid_next_token_error: str = "BadRequest"
    tag_limit_error: str = "BadRequest"

    def update(self, changes: dict[str, Any]) -> None:
        """Apply a partial update (from the control API), refusing unknown names."""
        known = {f.name for f in fields(self)}
        unknown = set(changes) - known
        if unknown:
            raise ValueError(f"unknown emulator settings: {sorted(unknown)}; known: {sorted(known)}")
        for name, value in changes.items():
            current = getattr(self, name)
            setattr(self, name, frozenset(value) if isinstance(current, frozenset) else value)

    def as_dict(self) -> dict[str, Any]:
        return {f.name: sorted(v) if isinstance(v := getattr(self, f.name), frozenset) else v for f in fields(self)}
