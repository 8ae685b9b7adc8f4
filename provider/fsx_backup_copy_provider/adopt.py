"""create with ``adoptBackupId``: bring a copy made outside Pulumi under management instead of copying again.

Dynamic resources cannot be imported (pulumi/pulumi#16175), so this is the way in for hand-made copies. Nothing is
copied; the backup is checked to be what the resource declares (in the destination Region, a copy of
sourceBackupId from sourceRegion, encrypted with the requested key) and to belong to no one else: a copy carrying
another resource's claim or a rotation's tags is refused, and so is one this resource already handed to Pulumi (the
copy in state, under ``up --replace`` or taint: a replacement never takes back the copy it replaces). It is then
waited for if still in progress, given the declared tags and the claim tag (returned, so no later create adopts or
deletes it as an unfinished copy), and recorded like any created copy.
"""

from typing import Any

from pulumi.dynamic import CreateResult

from . import tagging
from .claims import CLAIM_TAG, Claim, Stage, claim_of, rotation_tags_of
from .context import Context
from .create import ClientFor, hand_over
from .errors import BackupCopyError, calling
from .finder import BackupGone, find_backup
from .keys import KeyResolver, names_key
from .state import CopyInputs
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
    claim = Claim.for_copy(inputs.identity, inputs.region, inputs.copy_request())
    if refusal := _owned_elsewhere(backup, claim):
        raise BackupCopyError(f"BackupCopy {inputs.label}: adoptBackupId {backup_id} {refusal}")
    mismatches = _mismatches(inputs, backup, resolve)
    if mismatches:
        raise BackupCopyError(
            f"BackupCopy {inputs.label}: adoptBackupId {backup_id} is not the copy this resource declares: "
            + "; ".join(mismatches)
            + ". Fix the inputs to describe the copy, or adopt another backup."
        )
    source_tags = _source_tags(fsx_for, inputs)
    wanted = tagging.desired(inputs.copy_tags, source_tags, inputs.tags)
    if problem := tagging.room_problem(wanted, inputs.tags):
        raise BackupCopyError(f"BackupCopy {inputs.label}: adoptBackupId {backup_id} was not adopted: {problem}")
    backup = wait_available(ctx, fsx, inputs, backup, deadline)
    return hand_over(fsx, inputs, backup, source_tags, claim)


def _release_hint(backup: dict[str, Any], keys: list[str]) -> str:
    listed = " ".join(keys)
    return (
        f"remove the tag{'s' if len(keys) > 1 else ''} {', '.join(keys)} by hand "
        f"(aws fsx untag-resource --resource-arn {backup.get('ResourceARN')} --tag-keys {listed}), then run "
        "`pulumi up` again"
    )


def _owned_elsewhere(backup: dict[str, Any], claim: Claim) -> str | None:
    """Why the copy is not free to adopt (None if it is): someone else's, a rotation's, or already in Pulumi."""
    rotation = rotation_tags_of(backup)
    if rotation:
        return (
            "belongs to a BackupCopyRotation (it carries its tags), which may delete it when it leaves the window; it "
            f"was not adopted. To release it deliberately, {_release_hint(backup, rotation)}."
        )
    found = claim_of(backup)
    if found is None:
        return None
    if found.identity != claim.identity:
        return (
            f"is managed by another BackupCopy resource (it carries that resource's {CLAIM_TAG} tag), whose "
            f"destroy would delete it; it was not adopted. To release it deliberately, once that resource no longer "
            f"manages it (pulumi state delete, or retainOnDelete), {_release_hint(backup, [CLAIM_TAG])}."
        )
    if found.stage is Stage.RETURNED:
        return (
            "was already handed to Pulumi by this resource: it is the copy in the stack's state (this create is a "
            "replacement: `pulumi up --replace` or `pulumi state taint`, after which the engine deletes the copy in "
            "state), or one kept by retainOnDelete or `pulumi state delete`. A replacement never takes back the copy "
            "it replaces: to replace an adopted copy with a new one, remove adoptBackupId and run the replacement "
            f"again. To bring back a copy you kept, {_release_hint(backup, [CLAIM_TAG])}."
        )
    return None  # this resource's own unfinished copy


def _mismatches(inputs: CopyInputs, backup: dict[str, Any], resolve: KeyResolver) -> list[str]:
    found: list[str] = []
    if backup.get("SourceBackupId") != inputs.source_backup_id:
        copied_from = backup.get("SourceBackupId") or "nothing (it is not a copy)"
        found.append(f"it is a copy of {copied_from}, not of sourceBackupId {inputs.source_backup_id}")
    source_region = backup.get("SourceBackupRegion") or inputs.region
    if backup.get("SourceBackupId") and source_region != inputs.source_region:
        found.append(f"its source is in {source_region}, not in sourceRegion {inputs.source_region}")
    if inputs.kms_key_id and not names_key(inputs.kms_key_id, backup.get("KmsKeyId"), inputs.region, resolve):
        found.append("it is encrypted with another key than the one kmsKeyId names")
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
