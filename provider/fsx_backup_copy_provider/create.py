"""create, top to bottom: read the source, sort this resource's existing copies (claims.py), adopt an unfinished one
or start a new one, wait until AVAILABLE, set the tags, re-read, and mark the copy returned as the last AWS call.

Each AWS call that fails is reported as that call (``errors.calling``), not as "CopyBackup failed".
"""

import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import pulumi
from pulumi.dynamic import CreateResult

from . import tagging
from .admission import NoSlot
from .claims import Claim, Claimed, Stage, request_token, sort_claimed
from .context import Context
from .errors import ADVICE, BackupCopyError, calling
from .finder import BackupGone, find_backup, find_copies_of
from .retry import StillFailing, retry_on_codes
from .state import CopyInputs, outputs_of
from .validation import MAX_TAGS
from .wait import discard, gone, wait_available

ClientFor = Callable[[str], Any]  # Region -> FSx client


def create_copy(ctx: Context, fsx_for: ClientFor, inputs: CopyInputs) -> CreateResult:
    deadline = ctx.clock.now() + inputs.timeouts.create
    source = _source(fsx_for, inputs)
    source_tags = tagging.as_map(source.get("Tags"))
    claim_room = _tag_room(inputs, source_tags)

    request = inputs.copy_request()
    claim = Claim.for_copy(inputs.identity, inputs.region, request)
    fsx, claimed = _existing(fsx_for, inputs, source, claim)
    copy = claimed.adoptable
    with _admitted(ctx, inputs, deadline, adopted=copy is not None):
        if copy is None:
            if claim_room:
                request["Tags"] = [*request.get("Tags", []), claim.tag()]
            token = request_token(claim, request, claimed.returned_ids)
            copy = _start(ctx, fsx, inputs, request, token, claimed, deadline)
            pulumi.log.info(
                f"BackupCopy {inputs.label}: copying {inputs.source_backup_id} ({inputs.source_region}) "
                f"to {copy['BackupId']} ({inputs.region})"
            )
        else:
            pulumi.log.info(
                f"BackupCopy {inputs.label}: resuming {copy['BackupId']} ({copy['Lifecycle']}), left by an earlier "
                "create of this resource that did not finish"
            )
        copy = wait_available(ctx, fsx, inputs, copy, deadline)
    claimed_copy = claim_room or claimed.adoptable is not None  # an adopted copy carries the claim already
    return hand_over(fsx, inputs, copy, source_tags, claim if claimed_copy else None)


def hand_over(
    fsx: Any, inputs: CopyInputs, copy: Mapping[str, Any], source_tags: Mapping[str, str], claim: Claim | None
) -> CreateResult:
    """An AVAILABLE copy's last steps before the engine gets it: the declared tags, the final read, then (as the
    very last AWS call) the claim marked returned, so that no later create adopts it (claims.py)."""
    with calling(inputs.label, "TagResource/UntagResource (setting the copy's tags)", inputs.context()):
        tagging.apply(fsx, copy, tagging.desired(inputs.copy_tags, source_tags, inputs.tags))
    final = _reread(fsx, inputs, copy["BackupId"])
    if claim is not None:
        with calling(inputs.label, "TagResource (marking the copy as handed to Pulumi)", inputs.context()):
            fsx.tag_resource(ResourceARN=final["ResourceARN"], Tags=[claim.at(Stage.RETURNED).tag()])
    return CreateResult(final["BackupId"], outputs_of(final, inputs, source_tags, inputs.applied()))


def _source(fsx_for: ClientFor, inputs: CopyInputs) -> dict[str, Any]:
    with calling(inputs.label, f"DescribeBackups of the source backup in {inputs.source_region}", inputs.context()):
        try:
            return find_backup(fsx_for(inputs.source_region), inputs.source_backup_id)
        except BackupGone:
            # What CopyBackup would answer; found out before starting anything.
            raise BackupCopyError(
                f"BackupCopy {inputs.label}: CopyBackup failed with BackupNotFound: "
                + ADVICE["BackupNotFound"].format(**inputs.context())
            ) from None


def _tag_room(inputs: CopyInputs, source_tags: Mapping[str, str]) -> bool:
    """Refuse tags FSx would refuse (the source's with copyTags plus the user's, over 50); say if the claim fits."""
    inherited = len(tagging.visible(source_tags)) if inputs.copy_tags else 0
    total = inherited + len(inputs.tags)
    if total > MAX_TAGS:
        raise BackupCopyError(
            f"BackupCopy {inputs.label}: copyTags would give the copy the source backup's {inherited} tags plus "
            f"your {len(inputs.tags)}, {total} in all, and FSx allows at most {MAX_TAGS} per backup. Set copyTags to "
            "false, or give fewer tags."
        )
    if total == MAX_TAGS:
        pulumi.log.warn(
            f"BackupCopy {inputs.label}: no room for the provider's claim tag (50 tags in all); if this create is "
            "interrupted, the next one cannot adopt the copy it started"
        )
    return total < MAX_TAGS


def _existing(fsx_for: ClientFor, inputs: CopyInputs, source: Mapping[str, Any], claim: Claim) -> tuple[Any, Claimed]:
    """The destination's client, and this resource's copies there: FAILED ones are deleted, others reported or
    adopted."""
    file_system_id = (source.get("FileSystem") or {}).get("FileSystemId")
    with calling(inputs.label, f"DescribeBackups of existing copies in {inputs.region}", inputs.context()):
        fsx = fsx_for(inputs.region)
        claimed = sort_claimed(find_copies_of(fsx, file_system_id) if file_system_id else [], claim)
    for backup in claimed.failed:
        discard(fsx, inputs, backup, "a failed copy left by an earlier create")
    for backup in claimed.unfinished_elsewhere:
        # Never deleted: it may still become a copy someone wants; it is findable by its claim tag.
        pulumi.log.warn(
            f"BackupCopy {inputs.label}: {backup['BackupId']} ({backup.get('Lifecycle')}) was started for this "
            "resource by an earlier create that did not finish, for other inputs; it is not managed by this stack. "
            "Delete it if it is not needed."
        )
    for backup in claimed.returned:
        pulumi.log.info(
            f"BackupCopy {inputs.label}: leaving {backup['BackupId']} alone: an earlier create of this resource handed "
            "it to Pulumi (the copy being replaced, or one kept by retainOnDelete or `pulumi state delete`)"
        )
    return fsx, claimed


def _start(
    ctx: Context,
    fsx: Any,
    inputs: CopyInputs,
    request: dict[str, Any],
    token: str,
    claimed: Claimed,
    deadline: float,
) -> dict[str, Any]:
    copy = _copy_backup(ctx, fsx, inputs, request, token, deadline)
    if copy["BackupId"] in claimed.returned_ids or copy.get("Lifecycle") == "DELETED":
        # FSx answered with an earlier copy for a reused token (how long FSx remembers tokens is not documented):
        # that copy is not ours to adopt, so ask once more with a token never used before.
        copy = _copy_backup(ctx, fsx, inputs, request, f"pfbc-{uuid.uuid4().hex}", deadline)
    return copy


@contextmanager
def _admitted(ctx: Context, inputs: CopyInputs, deadline: float, adopted: bool) -> Iterator[None]:
    """One of the destination Region's copy slots in this process (admission.py), from before CopyBackup (or the
    adoption) until the wait ends."""

    def queued(in_progress: int) -> None:
        pulumi.log.info(
            f"BackupCopy {inputs.label}: {in_progress} copies into {inputs.region} are already in progress from this "
            f"deployment (FSx allows {ctx.admission.limit}); this one starts when one of them ends"
        )

    try:
        with ctx.admission.slot(inputs.region, ctx.clock.now, deadline, adopted=adopted, on_queue=queued):
            yield
    except NoSlot:
        raise BackupCopyError(
            f"BackupCopy {inputs.label}: no copy into {inputs.region} could start within the create timeout of "
            f"{inputs.timeouts.create:.0f}s: the other copies of this deployment into that Region kept all "
            f"{ctx.admission.limit} slots. Nothing was started; run `pulumi up` again, or raise customTimeouts create."
        ) from None


def _copy_backup(
    ctx: Context, fsx: Any, inputs: CopyInputs, request: dict[str, Any], token: str, deadline: float
) -> dict[str, Any]:
    """CopyBackup; ServiceLimitExceeded (copies of other stacks hold the Region's slots) is waited out."""

    def wait(code: str, delay: float) -> None:
        pulumi.log.info(
            f"BackupCopy {inputs.label}: {inputs.region} already has the maximum of copies in "
            f"progress; trying again in {delay:.0f}s"
        )

    def call() -> dict[str, Any]:
        copy: dict[str, Any] = fsx.copy_backup(**request, ClientRequestToken=token)["Backup"]
        return copy

    with calling(inputs.label, "CopyBackup", inputs.context()):
        try:
            return retry_on_codes(ctx, call, frozenset({"ServiceLimitExceeded"}), deadline, wait)
        except StillFailing as failing:
            raise failing.error from None  # reported by `calling`, with FSx's advice for the code


def _reread(fsx: Any, inputs: CopyInputs, backup_id: str) -> dict[str, Any]:
    with calling(inputs.label, "DescribeBackups of the new copy", inputs.context()):
        try:
            return find_backup(fsx, backup_id)
        except BackupGone:
            raise gone(inputs, backup_id) from None
