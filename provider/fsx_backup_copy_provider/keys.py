"""Is a new kmsKeyId the key the copy already has? Offline for key ids and key ARNs; one KMS DescribeKey for an alias.

A needless replacement re-copies the whole backup (hours, and money), so diff answers "same key" whenever the new
reference names the key FSx reports for the copy, however it is spelled: key id, key ARN, alias name or alias ARN.
"""

from collections.abc import Callable

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
