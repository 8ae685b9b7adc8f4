"""delete: DeleteBackup; already gone is success (once the credentials are known to be the copy's account); a backup
still busy (a copy being made from or into it) is waited out within the delete timeout.

A copy whose claim carries another hand-over id than this state's was handed to Pulumi again by a later create (a
replacement that got the same copy back, or another resource that adopted it after its claim was released): it is
the copy some newer state holds, so this Delete of the old state leaves it alone (claims.py).
"""

from collections.abc import Callable
from typing import Any

import pulumi
from botocore.exceptions import BotoCoreError, ClientError

from .accounts import ensure_same_account
from .claims import claim_of
from .context import Context
from .errors import BackupCopyError, describe_failure
from .finder import BackupGone, find_backup
from .retry import StillFailing, retry_on_codes
from .state import StoredState

BUSY = frozenset({"BackupInProgress", "BackupBeingCopied", "BackupRestoring"})
ClientFor = Callable[[str, str], Any]  # (service, Region) -> client


def delete_copy(ctx: Context, client_for: ClientFor, backup_id: str, stored: StoredState) -> None:
    region = stored.region or ""
    fsx = client_for("fsx", region)
    context = {"region": region, "hidden": stored.hidden}
    if stored.hand_over and _handed_over_again(fsx, backup_id, stored, context):
        return

    def wait(code: str, delay: float) -> None:
        pulumi.log.info(
            f"BackupCopy {stored.label}: {backup_id} cannot be deleted yet ({code}); trying again in {delay:.0f}s"
        )

    try:
        retry_on_codes(
            ctx,
            lambda: fsx.delete_backup(BackupId=backup_id),
            BUSY,
            ctx.clock.now() + stored.timeouts.delete,
            wait,
            cap=60.0,
        )
    except StillFailing as busy:
        raise BackupCopyError(
            f"BackupCopy {stored.label}: DeleteBackup of {backup_id} failed with {busy.code} for the whole delete "
            f"timeout ({stored.timeouts.delete:.0f}s): a copy is still being made from or into it. Run "
            "`pulumi destroy` again once it finishes, or raise customTimeouts delete."
        ) from None
    except ClientError as error:
        if error.response["Error"]["Code"] != "BackupNotFound":
            raise describe_failure(stored.label, "DeleteBackup", error, context) from None
        # Already gone is the goal reached, unless the credentials are for another account than the copy's.
        ensure_same_account(client_for, region, stored.account, stored.label, backup_id, "delete")
    except BotoCoreError as error:
        raise describe_failure(stored.label, "DeleteBackup", error, context) from None


def _handed_over_again(fsx: Any, backup_id: str, stored: StoredState, context: dict[str, Any]) -> bool:
    try:
        backup = find_backup(fsx, backup_id)
    except BackupGone:
        return False  # DeleteBackup says so too (and the account is checked there)
    except (ClientError, BotoCoreError) as error:
        raise describe_failure(stored.label, "DescribeBackups before DeleteBackup", error, context) from None
    claim = claim_of(backup)
    if claim is None or claim.hand_over is None or claim.hand_over == stored.hand_over:
        return False
    pulumi.log.info(
        f"BackupCopy {stored.label}: not deleting {backup_id}: a later create handed it to Pulumi again (it is the "
        "copy a newer state holds), so this delete of the old state leaves it"
    )
    return True
