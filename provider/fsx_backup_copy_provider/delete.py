"""delete: DeleteBackup; already gone is success; a backup still busy (a copy being made from or into it) is waited
out within the delete timeout."""

from typing import Any

import pulumi
from botocore.exceptions import BotoCoreError, ClientError

from .context import Context
from .errors import BackupCopyError, describe_failure
from .retry import StillFailing, retry_on_codes
from .state import StoredState

BUSY = frozenset({"BackupInProgress", "BackupBeingCopied", "BackupRestoring"})


def delete_copy(ctx: Context, fsx: Any, backup_id: str, stored: StoredState) -> None:
    region = stored.region or ""

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
        if error.response["Error"]["Code"] != "BackupNotFound":  # already gone: the goal is reached
            raise describe_failure(stored.label, "DeleteBackup", error, {"region": region}) from None
    except BotoCoreError as error:
        raise describe_failure(stored.label, "DeleteBackup", error, {"region": region}) from None
