"""Is a new kmsKeyId the key the copy already has? Offline for key ids and key ARNs; one KMS DescribeKey for an alias.

A needless replacement re-copies the whole backup (hours, and money), so diff answers "same key" whenever the new
reference names the key FSx reports for the copy, however it is spelled: key id, key ARN, alias name or alias ARN.
"""

from collections.abc import Callable
from typing import Any

import pulumi
from botocore.exceptions import BotoCoreError, ClientError

from .validation import KEY_ID, KMS_ARN

# (key reference, Region) -> the key's ARN, or None when KMS could not say (no such alias, or no permission).
KeyResolver = Callable[[str, str], str | None]


def names_key_offline(reference: str, key_arn: str) -> bool | None:
    """True/False when the reference is a key id or key ARN; None for an alias (only KMS knows its target)."""
    if KEY_ID.fullmatch(reference):
        return key_arn.endswith(f":key/{reference}")
    arn = KMS_ARN.fullmatch(reference)
    if arn is not None and arn["kind"] == "key":
        return reference == key_arn
    return None


def names_key(reference: str, key_arn: str | None, region: str, resolve: KeyResolver) -> bool:
    if not key_arn:
        return False
    offline = names_key_offline(reference, key_arn)
    if offline is not None:
        return offline
    return resolve(reference, region) == key_arn


def resolve_key(kms: Any, reference: str, region: str) -> str | None:
    """The ARN of the KMS key ``reference`` names (one DescribeKey), or None when KMS cannot say."""
    try:
        arn: str = kms.describe_key(KeyId=reference)["KeyMetadata"]["Arn"]
        return arn
    except (ClientError, BotoCoreError) as error:
        code = error.response["Error"]["Code"] if isinstance(error, ClientError) else type(error).__name__
        pulumi.log.warn(
            f"BackupCopy: could not tell which key kmsKeyId names in {region} (KMS DescribeKey: {code}), so a "
            "kmsKeyId change is assumed; grant kms:DescribeKey (or check that the key exists) to avoid a needless "
            "replacement"
        )
        return None
