"""Is "the copy is gone" true, or are the credentials for another account? Asked only when FSx says a recorded copy
does not exist, because a refresh with another account's credentials would otherwise drop every copy from state and
the next `up` would duplicate them and orphan the originals.

The caller's account comes from sts:GetCallerIdentity, which needs no IAM permission (the STS API reference: "No
permissions are required to perform this operation"); the copy's from its ARN.
"""

from collections.abc import Callable
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from .errors import BackupCopyError

ClientFor = Callable[[str, str], Any]  # (service, Region) -> client


def caller_account(sts: Any) -> str:
    account: str = sts.get_caller_identity()["Account"]
    return account


def ensure_same_account(
    client_for: ClientFor, region: str, copy_account: str | None, label: str, backup_id: str, action: str
) -> None:
    """Raise unless the credentials are for the account the copy's ARN names (nothing known: nothing to compare)."""
    if not copy_account:
        return
    try:
        caller = caller_account(client_for("sts", region))
    except (ClientError, BotoCoreError) as error:
        raise BackupCopyError(
            f"BackupCopy {label}: {action} found no copy {backup_id}, and sts:GetCallerIdentity failed "
            f"({type(error).__name__}), so it cannot tell a deleted copy from credentials for another account than "
            f"{copy_account}, the copy's. The copy is kept in the state; check the credentials and run it again."
        ) from None
    if caller != copy_account:
        raise BackupCopyError(
            f"BackupCopy {label}: {action} with credentials for AWS account {caller}, but the copy {backup_id} is in "
            f"account {copy_account} (its ARN): FSx cannot see it from {caller}. Nothing was changed and the copy is "
            f"kept in the state. Use credentials for account {copy_account} (AWS_PROFILE, `pulumi config set "
            "aws:profile NAME`, or the CI role) and run it again."
        )
