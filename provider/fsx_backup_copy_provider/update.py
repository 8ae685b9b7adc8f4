"""update: tags only (TagResource/UntagResource), and the claim put back if it was removed out of band."""

from collections.abc import Callable
from typing import Any

from pulumi.dynamic import UpdateResult

from . import tagging
from .accounts import ensure_same_account
from .claims import Claim, Stage, claim_of, new_hand_over
from .errors import BackupCopyError, calling
from .finder import BackupGone, find_backup
from .schema import SOURCE_TAGS
from .state import CopyInputs, StoredState, outputs_of

ClientFor = Callable[[str, str], Any]  # (service, Region) -> client


def update_copy(
    client_for: ClientFor, id_: str, olds: dict[str, Any], inputs: CopyInputs, stored: StoredState
) -> UpdateResult:
    fsx = client_for("fsx", inputs.region)
    source_tags = olds.get(SOURCE_TAGS) or {}
    wanted = tagging.desired(inputs.copy_tags, source_tags, inputs.tags)
    if problem := tagging.room_problem(wanted, inputs.tags):
        raise BackupCopyError(f"BackupCopy {inputs.label}: the tags were not changed: {problem}")
    hand_over = stored.hand_over
    try:
        with calling(inputs.label, "updating tags", inputs.context()):
            backup = find_backup(fsx, id_)
            tagging.apply(fsx, backup, wanted)
            found = claim_of(backup)
            if found is None or found.stage is Stage.CREATING:
                # Every recorded copy carries its claim: put back one removed out of band.
                claim = Claim.for_copy(inputs.identity, inputs.region, inputs.copy_request())
                hand_over = hand_over or new_hand_over()
                fsx.tag_resource(ResourceARN=backup["ResourceARN"], Tags=[claim.at(Stage.RETURNED, hand_over).tag()])
            final = find_backup(fsx, id_)
    except BackupGone:
        ensure_same_account(client_for, inputs.region, stored.account, inputs.label, id_, "update")
        raise BackupCopyError(
            f"BackupCopy {inputs.label}: the copy {id_} no longer exists (deleted outside "
            "Pulumi). Run `pulumi refresh`, then `pulumi up` to make a new one."
        ) from None
    return UpdateResult(outs=outputs_of(final, inputs, source_tags, inputs.applied(hand_over)))
