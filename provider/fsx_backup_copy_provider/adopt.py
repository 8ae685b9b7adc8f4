"""create with ``adoptBackupId``: bring a copy made outside Pulumi under management instead of copying again.

Dynamic resources cannot be imported (pulumi/pulumi#16175), so this is the way in for hand-made copies. Nothing is
copied; the backup is checked to be what the resource declares (in the destination Region, a copy of
sourceBackupId from sourceRegion, encrypted with the requested key), waited for if still in progress, given the
declared tags and the claim tag (returned, so no later create adopts or deletes it as an unfinished copy), and
recorded like any created copy.
"""

from typing import Any

from pulumi.dynamic import CreateResult

from . import tagging
from .claims import Claim
from .context import Context
from .create import ClientFor, hand_over
from .errors import BackupCopyError, calling
from .finder import BackupGone, find_backup
from .keys import KeyResolver, names_key
from .state import CopyInputs
from .validation import MAX_TAGS
from .wait import wait_available


def adopt_copy(
    ctx: Context, fsx_for: ClientFor, resolve: KeyResolver, inputs: CopyInputs, backup_id: str
) -> CreateResult:
    deadline = ctx.clock.now() + inputs.timeouts.create
    with calling(inputs.label, f"DescribeBackups of {backup_id} (adoptBackupId) in {inputs.region}", inputs.context()):
        fsx = fsx_for(inputs.region)
        try:
            backup = find_backup(fsx, backup_id)
        except BackupGone:
            raise BackupCopyError(
                f"BackupCopy {inputs.label}: adoptBackupId {backup_id} does not exist in {inputs.region}. Check the id "
                "and the region input (the copy must be in the destination Region)."
            ) from None
    mismatches = _mismatches(inputs, backup, resolve)
    if mismatches:
        raise BackupCopyError(
            f"BackupCopy {inputs.label}: adoptBackupId {backup_id} is not the copy this resource declares: "
            + "; ".join(mismatches)
            + ". Fix the inputs to describe the copy, or adopt another backup."
        )
    backup = wait_available(ctx, fsx, inputs, backup, deadline)
    source_tags = _source_tags(fsx_for, inputs)
    room = len(tagging.desired(inputs.copy_tags, source_tags, inputs.tags)) < MAX_TAGS
    claim = Claim.for_copy(inputs.identity, inputs.region, inputs.copy_request())
    return hand_over(fsx, inputs, backup, source_tags, claim if room else None)


def _mismatches(inputs: CopyInputs, backup: dict[str, Any], resolve: KeyResolver) -> list[str]:
    found: list[str] = []
    if backup.get("SourceBackupId") != inputs.source_backup_id:
        copied_from = backup.get("SourceBackupId") or "nothing (it is not a copy)"
        found.append(f"it is a copy of {copied_from}, not of sourceBackupId {inputs.source_backup_id}")
    source_region = backup.get("SourceBackupRegion") or inputs.region
    if backup.get("SourceBackupId") and source_region != inputs.source_region:
        found.append(f"its source is in {source_region}, not in sourceRegion {inputs.source_region}")
    if inputs.kms_key_id and not names_key(inputs.kms_key_id, backup.get("KmsKeyId"), inputs.region, resolve):
        found.append(f"it is encrypted with {backup.get('KmsKeyId')}, not with the kmsKeyId given")
    if backup.get("Lifecycle") in ("FAILED", "DELETED"):
        found.append(f"it is {backup.get('Lifecycle')}")
    return found


def _source_tags(fsx_for: ClientFor, inputs: CopyInputs) -> dict[str, str]:
    """The source's tags (what copyTags brings in); an expired source has none to bring."""
    if not inputs.copy_tags:
        return {}
    with calling(inputs.label, f"DescribeBackups of the source backup in {inputs.source_region}", inputs.context()):
        try:
            return tagging.as_map(find_backup(fsx_for(inputs.source_region), inputs.source_backup_id).get("Tags"))
        except BackupGone:
            return {}
