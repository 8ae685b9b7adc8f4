"""A rotation's arguments, checked when it is declared and before any AWS call, with BackupCopy's own texts.

Each Region's child is checked as the provider's check would check it (``check_values`` on the inputs the child
would get), so a Region typo, a malformed key or too many tags read exactly as they do for a ``BackupCopy``.
"""

import inspect
from collections.abc import Mapping
from typing import Any

import pulumi

from fsx_backup_copy_provider.check import check_values
from fsx_backup_copy_provider.unknowns import WIRE_UNKNOWN
from fsx_backup_copy_provider.validation import check_tags, type_name

from .latest import id_problem, types_problem

TAG_PREFIX = "pulumi-fsx-rotation:"
# A stand-in creation time, to check the tags a child gets (the real one is as long).
_CREATED_SAMPLE = "2026-01-01T00:00:00.000000Z"
# The child's wire property -> the rotation argument it comes from.
_ARGUMENT = {"sourceRegion": "source_region", "region": "regions", "kmsKeyId": "kms_key_ids", "tags": "tags"}


class RotationArgsError(pulumi.RunError, ValueError):
    """Plain rotation arguments that would fail, raised when the rotation is declared (before any look-up).

    ``failures`` holds (argument, reason) pairs; reasons about a child's inputs are the texts ``pulumi up`` shows
    for a BackupCopy. A ``pulumi.RunError``, so the CLI prints the message alone.
    """

    def __init__(self, resource_name: str, failures: list[tuple[str, str]]) -> None:
        self.resource_name = resource_name
        self.failures = failures
        reasons = "".join(f"\n  - {argument}: {reason}" for argument, reason in failures)
        super().__init__(f"BackupCopyRotation '{resource_name}' has invalid arguments:{reasons}")


def tag_safe(value: str) -> bool:
    """Whether ``value`` may be a tag value (length and characters), by the provider's tag rules."""
    return not check_tags({"key": value})


def _plain(value: Any) -> Any:
    """Outputs are not known yet: the checks skip them, as the SDK's BackupCopy check does."""
    return WIRE_UNKNOWN if isinstance(value, pulumi.Output) or inspect.isawaitable(value) else value


def shape_failures(
    file_system_id: Any, regions: Any, keep: Any, kms_key_ids: Any, tags: Any, backup_types: Any
) -> list[tuple[str, str]]:
    """Problems with the arguments' shapes (types, forms, the rotation's own rules)."""
    failures: list[tuple[str, str]] = []
    if problem := id_problem("file_system_id", file_system_id, "fs"):
        failures.append(("file_system_id", problem))
    if isinstance(regions, str) or not isinstance(regions, list | tuple) or not regions:
        failures.append(("regions", f"regions must be a non-empty list of Region names, not {regions!r}"))
    elif not all(isinstance(r, str) for r in regions):
        failures.append(("regions", f"regions must be a list of Region name strings, not {list(regions)!r}"))
    elif len(set(regions)) != len(regions):
        failures.append(("regions", f"regions lists a Region twice: {list(regions)}"))
    if isinstance(keep, bool) or not isinstance(keep, int) or keep < 1:
        failures.append(("keep", f"keep must be an integer of at least 1, not {keep!r}"))
    if not isinstance(kms_key_ids, Mapping):
        failures.append(
            (
                "kms_key_ids",
                "kms_key_ids must be a map of Region to KMS key (key id, key ARN, alias name or alias ARN), such as "
                f"{{'us-west-2': 'alias/fsx-dr'}}, not {type_name(kms_key_ids)}",
            )
        )
    elif isinstance(regions, list | tuple) and (stray := sorted(set(kms_key_ids) - set(regions))):
        failures.append(("kms_key_ids", f"kms_key_ids names Regions that are not in regions: {stray}"))
    if not isinstance(tags, Mapping):
        failures.append(("tags", f"tags must be a map of tag keys to string values, not {type_name(tags)}"))
    elif reserved := sorted(str(k) for k in tags if str(k).startswith(TAG_PREFIX)):
        failures.append(
            ("tags", f"tags may not use the prefix {TAG_PREFIX!r}, which the rotation sets itself: {reserved}")
        )
    if problem := types_problem(backup_types):
        failures.append(("backup_types", problem))
    return failures


def child_failures(
    source_region: str, regions: Any, kms_key_ids: Mapping[str, Any], tags: Mapping[str, Any], identity: str
) -> list[tuple[str, str]]:
    """Each Region's child as the provider's check would see it (arguments of the right shapes only)."""
    failures: list[tuple[str, str]] = []
    child_tags = {k: _plain(v) for k, v in tags.items()}
    child_tags |= {TAG_PREFIX + "name": identity, TAG_PREFIX + "source-created": _CREATED_SAMPLE}
    for region in regions:
        child = {"sourceRegion": source_region, "region": region, "tags": child_tags}
        if region in kms_key_ids:
            child["kmsKeyId"] = _plain(kms_key_ids[region])
        for prop, reason in check_values(child, region):
            argument = f"kms_key_ids['{region}']" if prop == "kmsKeyId" else _ARGUMENT.get(prop, prop)
            if (argument, reason) not in failures:
                failures.append((argument, reason))
    return failures
