"""create, top to bottom: read the source, refuse tags that leave no room for the claim, sort this resource's existing
copies (claims.py), adopt an unfinished one or start a new one (accepting only an answer that carries this create's
claim), wait until AVAILABLE, set the tags, re-read, and mark the copy returned as the last AWS call.

Each AWS call that fails is reported as that call (``errors.calling``), not as "CopyBackup failed".
"""

import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import pulumi
from pulumi.dynamic import CreateResult

from . import engine_link, tagging
from .admission import NoSlot
from .claims import Claim, Claimed, Stage, is_own_unfinished, new_hand_over, request_token, sort_claimed
from .context import Context
from .errors import ADVICE, BackupCopyError, calling
from .finder import BackupGone, find_backup, find_claimed
from .keys import KeyResolver, names_key
from .retry import StillFailing, retry_on_codes
from .state import CopyInputs, outputs_of
from .wait import discard, gone, wait_available

ClientFor = Callable[[str], Any]  # Region -> FSx client


def create_copy(ctx: Context, fsx_for: ClientFor, resolve: KeyResolver, inputs: CopyInputs) -> CreateResult:
    deadline = ctx.clock.now() + inputs.timeouts.create
    source = _source(fsx_for, inputs)
    source_tags = tagging.as_map(source.get("Tags"))
    if problem := tagging.copy_room_problem(inputs.copy_tags, source_tags, inputs.tags):
        raise BackupCopyError(f"BackupCopy {inputs.label}: nothing was copied: {problem}")

    request = inputs.copy_request()
    claim = Claim.for_copy(inputs.identity, inputs.region, request)
    fsx, claimed = _existing(fsx_for, inputs, claim)
    copy = _adoptable(inputs, claimed, resolve)
    with _admitted(ctx, inputs, deadline, adopted=copy is not None):
        if copy is None:
            request["Tags"] = [*request.get("Tags", []), claim.tag()]
            token = request_token(claim, request, claimed.returned_ids)
            copy = _start(ctx, fsx, inputs, request, token, claim, deadline)
            pulumi.log.info(
                f"BackupCopy {inputs.label}: copying {inputs.shown('sourceBackupId', inputs.source_backup_id)} "
                f"({inputs.shown('sourceRegion', inputs.source_region)}) to {copy['BackupId']} "
                f"({inputs.shown('region', inputs.region)})"
            )
        else:
            pulumi.log.info(
                f"BackupCopy {inputs.label}: resuming {copy['BackupId']} ({copy['Lifecycle']}), left by an earlier "
                "create of this resource that did not finish"
            )
        copy = wait_available(ctx, fsx, inputs, copy, deadline)
    return hand_over(fsx, inputs, copy, source_tags, claim)


def hand_over(
    fsx: Any, inputs: CopyInputs, copy: Mapping[str, Any], source_tags: Mapping[str, str], claim: Claim
) -> CreateResult:
    """An AVAILABLE copy's last steps before the engine gets it: the declared tags, the final read, then (as the
    very last AWS call) the claim marked returned with a new hand-over id, so that no later create adopts it and no
    Delete of an older state deletes it (claims.py)."""
    with calling(inputs.label, "TagResource/UntagResource (setting the copy's tags)", inputs.context()):
        tagging.apply(fsx, copy, tagging.desired(inputs.copy_tags, source_tags, inputs.tags))
    final = _reread(fsx, inputs, copy["BackupId"])
    if engine_link.engine_is_gone():
        raise BackupCopyError(
            f"BackupCopy {inputs.label}: the pulumi process that asked for {final['BackupId']} has gone, so the "
            "copy stays marked unfinished; the next `pulumi up` adopts it (after `pulumi cancel` if the stack is "
            "locked)"
        )
    hand_over_id = new_hand_over()
    with calling(inputs.label, "TagResource (marking the copy as handed to Pulumi)", inputs.context()):
        fsx.tag_resource(ResourceARN=final["ResourceARN"], Tags=[claim.at(Stage.RETURNED, hand_over_id).tag()])
    return CreateResult(final["BackupId"], outputs_of(final, inputs, source_tags, inputs.applied(hand_over_id)))


def _source(fsx_for: ClientFor, inputs: CopyInputs) -> dict[str, Any]:
    where = inputs.shown("sourceRegion", inputs.source_region)
    with calling(inputs.label, f"DescribeBackups of the source backup in {where}", inputs.context()):
        try:
            return find_backup(fsx_for(inputs.source_region), inputs.source_backup_id)
        except BackupGone:
            # What CopyBackup would answer; found out before starting anything.
            raise BackupCopyError(
                f"BackupCopy {inputs.label}: CopyBackup failed with BackupNotFound: "
                + ADVICE["BackupNotFound"].format(**inputs.context())
            ) from None


def _existing(fsx_for: ClientFor, inputs: CopyInputs, claim: Claim) -> tuple[Any, Claimed]:
    """The destination's client, and this resource's copies there: FAILED ones are deleted, others reported or
    adopted."""
    where = inputs.shown("region", inputs.region)
    with calling(inputs.label, f"DescribeBackups of existing copies in {where}", inputs.context()):
        fsx = fsx_for(inputs.region)
        claimed = sort_claimed(find_claimed(fsx), claim)
    for backup in claimed.failed:
        discard(fsx, inputs, backup, "a failed copy left by an earlier create")
    for backup in claimed.unfinished_elsewhere:
        _report_unfinished(inputs, backup)
    for backup in claimed.returned:
        pulumi.log.info(
            f"BackupCopy {inputs.label}: leaving {backup['BackupId']} alone: an earlier create of this resource handed "
            "it to Pulumi (the copy being replaced, or one kept by retainOnDelete or `pulumi state delete`)"
        )
    return fsx, claimed


def _report_unfinished(inputs: CopyInputs, backup: Mapping[str, Any]) -> None:
    # Never deleted: it may still become a copy someone wants; it is findable by its claim tag.
    pulumi.log.warn(
        f"BackupCopy {inputs.label}: {backup['BackupId']} ({backup.get('Lifecycle')}) was started for this "
        "resource by an earlier create that did not finish, for other inputs; it is not managed by this stack. "
        "Delete it if it is not needed."
    )


def _adoptable(inputs: CopyInputs, claimed: Claimed, resolve: KeyResolver) -> dict[str, Any] | None:
    """The newest unfinished copy for these inputs whose key is the one requested (the claim does not record the
    key: it may be secret); the others are reported."""
    found: dict[str, Any] | None = None
    for backup in claimed.candidates:
        key = backup.get("KmsKeyId")
        same_key = inputs.kms_key_id is None or names_key(inputs.kms_key_id, key, inputs.region, resolve)
        if found is None and same_key:
            found = backup
        else:
            _report_unfinished(inputs, backup)
    return found


def _start(
    ctx: Context,
    fsx: Any,
    inputs: CopyInputs,
    request: dict[str, Any],
    token: str,
    claim: Claim,
    deadline: float,
) -> dict[str, Any]:
    """CopyBackup, accepting only an answer that carries this create's own ``creating`` claim.

    FSx answers a reused token with the copy it made for it, which may be the copy in state (its claim removed out of
    band, or made without one by an older version), one the user kept, or one another create marked returned. That
    copy is reported and left alone, and CopyBackup is asked once more with a token never used before.
    """
    copy = _copy_backup(ctx, fsx, inputs, request, token, deadline)
    if _ours(fsx, inputs, copy, claim):
        return copy
    pulumi.log.info(
        f"BackupCopy {inputs.label}: leaving {copy['BackupId']} alone: FSx answered this create's request with it, "
        "but it does not carry this create's unfinished claim (it is a copy handed to Pulumi before, or one whose "
        "claim tag was removed); asking again with a new request token"
    )
    copy = _copy_backup(ctx, fsx, inputs, request, f"pfbc-{uuid.uuid4().hex}", deadline)
    if not _ours(fsx, inputs, copy, claim):
        raise BackupCopyError(
            f"BackupCopy {inputs.label}: CopyBackup answered a request token never used before with "
            f"{copy['BackupId']}, which does not carry this create's claim tag; it is left alone. Nothing is recorded; "
            "run `pulumi up` again."
        )
    return copy


def _ours(fsx: Any, inputs: CopyInputs, copy: Mapping[str, Any], claim: Claim) -> bool:
    if copy.get("Lifecycle") == "DELETED":
        return False
    if "Tags" not in copy:  # the answer left the tags out: read them
        with calling(inputs.label, "DescribeBackups of the new copy", inputs.context()):
            try:
                copy = find_backup(fsx, copy["BackupId"])
            except BackupGone:
                return False
    return is_own_unfinished(copy, claim)


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
