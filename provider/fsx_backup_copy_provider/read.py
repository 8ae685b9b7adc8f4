"""read (refresh, import, `get`): one DescribeBackups, then what a copy in state must carry.

- A copy that is gone drops out of state, but only once the credentials are known to be for the copy's account
  (accounts.py): another account's credentials see no copy at all.
- A copy read into state whose claim still says ``creating`` (a refresh that imported a pending create) is marked
  ``returned``, so no later create adopts the copy the engine now holds. `BackupCopy.get` reads without managing
  and marks nothing.
- A copy in state without its claim (removed out of band) is reported, and the outputs say so, so that the next
  `pulumi up` updates it and puts the claim back.
"""

from collections.abc import Callable
from typing import Any

import pulumi
from botocore.exceptions import BotoCoreError, ClientError
from pulumi.dynamic import ReadResult

from .accounts import ensure_same_account
from .claims import CLAIM_TAG, Stage, claim_of, new_hand_over
from .errors import BackupCopyError, calling
from .finder import BackupGone, find_backup
from .schema import SOURCE_TAGS
from .state import CLAIM_MISSING, HAND_OVER, CopyInputs, StoredState, outputs_of

ClientFor = Callable[[str, str], Any]  # (service, Region) -> client


def read_copy(client_for: ClientFor, id_: str, props: dict[str, Any], stored: StoredState) -> ReadResult:
    if not stored.region:
        raise BackupCopyError(f"BackupCopy {id_}: read failed: no Region. Pass region=..., or set aws:region.")
    region = stored.region
    with calling(stored.label, "DescribeBackups", {"region": region, "hidden": stored.hidden}):
        try:
            backup = find_backup(client_for("fsx", region), id_)
        except BackupGone:
            if stored.is_get:
                # The engine would hand the program a resource with no outputs; say what is wrong instead.
                raise BackupCopyError(
                    f"BackupCopy.get: there is no backup {id_} in {region}. Check the id and the region "
                    "argument (else the stack's aws:region is used)."
                ) from None
            ensure_same_account(client_for, region, stored.account, stored.label, id_, "refresh")
            return ReadResult(id_="", outs={})  # gone: refresh drops it, the next up recreates it
    applied = dict(stored.applied or {"region": region})
    applied.pop(CLAIM_MISSING, None)
    if not stored.is_get:
        applied |= _claim_kept(client_for("fsx", region), backup, stored)
    source_region = backup.get("SourceBackupRegion") or props.get("sourceRegion") or region
    inputs = CopyInputs.from_props(
        {
            "sourceBackupId": backup.get("SourceBackupId") or props.get("sourceBackupId") or id_,
            "sourceRegion": source_region,
            "region": region,
            "copyTags": props.get("copyTags"),
        }
    )
    outs = outputs_of(backup, inputs, props.get(SOURCE_TAGS) or {}, applied)
    return ReadResult(id_=backup["BackupId"], outs=outs)


def _claim_kept(fsx: Any, backup: dict[str, Any], stored: StoredState) -> dict[str, Any]:
    """What appliedInputs records about the claim after this read (and the mark it makes)."""
    claim = claim_of(backup)
    if claim is None:
        pulumi.log.warn(
            f"BackupCopy {stored.label}: the copy {backup['BackupId']} in the state has lost its {CLAIM_TAG} tag "
            "(removed outside Pulumi). The next `pulumi up` puts it back; until then, keep tag policies and clean-up "
            "tools away from that tag."
        )
        return {CLAIM_MISSING: True}
    kept: dict[str, Any] = {}
    if claim.stage is Stage.CREATING:
        hand_over = stored.hand_over or new_hand_over()
        try:
            fsx.tag_resource(ResourceARN=backup["ResourceARN"], Tags=[claim.at(Stage.RETURNED, hand_over).tag()])
            kept[HAND_OVER] = hand_over
        except (ClientError, BotoCoreError) as error:
            pulumi.log.warn(
                f"BackupCopy {stored.label}: could not mark {backup['BackupId']} as handed to Pulumi "
                f"(TagResource: {type(error).__name__}); run `pulumi refresh` with the deploy role before any "
                "`pulumi up --replace` of it"
            )
    return kept
