"""Expected failures as one paragraph: which resource, which AWS error, what to do. Never secrets or credentials:
AWS's own message is kept with every KMS reference and hidden input value taken out (secrets.py)."""

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from types import MappingProxyType
from typing import Any

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
    ProfileNotFound,
)

from .secrets import redact, redact_aws


class BackupCopyError(Exception):
    """An expected failure; its text is the whole message a user needs."""


CREDENTIAL_ERROR_CODES = frozenset(
    {
        "UnrecognizedClientException",
        "InvalidClientTokenId",
        "ExpiredToken",
        "ExpiredTokenException",
        "InvalidSignatureException",
        "SignatureDoesNotMatch",
        "AccessDeniedException",
        "AccessDenied",
    }
)

CREDENTIALS_ADVICE = (
    "Set credentials the way the AWS CLI reads them (AWS_PROFILE or `pulumi config set aws:profile NAME`, "
    "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or an instance or CI role) with fsx:CopyBackup, fsx:DescribeBackups, "
    "fsx:DeleteBackup, fsx:TagResource and fsx:UntagResource, then run `pulumi up` again."
)

# What to do about each CopyBackup error (the modelled errors of the operation).
ADVICE: Mapping[str, str] = MappingProxyType(
    {
        "BackupNotFound": "The source backup {source} does not exist in {source_region}. Check sourceBackupId and "
        "sourceRegion (the Region the source backup is in).",
        "BadRequest": "FSx rejected the request as malformed. Check the inputs named in AWS's message.",
        "IncompatibleParameterError": "A previous request with the same client request token had other parameters. "
        "Run `pulumi up` again; if it persists, change a tag to get a fresh token.",
        "IncompatibleRegionForMultiAZ": "The source is a Multi-AZ FSx for Windows backup and {region} does not offer "
        "Multi-AZ Windows file systems, so the copy could not be restored there. Copy it to another Region.",
        "InternalServerError": "FSx had an internal error and botocore's retries did not get past it. Run "
        "`pulumi up` again later.",
        "InvalidDestinationKmsKey": "The KMS key that kmsKeyId names is not usable for the copy: it must be an enabled "
        "symmetric key in {region} (keys are regional) whose policy lets FSx use it. Fix kmsKeyId or the key.",
        "InvalidRegion": "{source_region} cannot be copied into {region}: both Regions must be in the same partition, "
        "and cross-Region copies are not supported in opt-in Regions. Fix sourceRegion or region.",
        "InvalidSourceKmsKey": "The KMS key that encrypts the source backup {source} is disabled or not usable. "
        "Re-enable the key or grant access to it in {source_region}.",
        "ServiceLimitExceeded": "FSx allows at most 5 copies in progress into one Region per account, and none "
        "finished within the create timeout. Raise customTimeouts.create, or copy fewer backups into {region} at once.",
        "SourceBackupUnavailable": "The source backup {source} is not AVAILABLE yet. Wait for it to finish (a "
        "dependency on the resource that creates it does this) and run `pulumi up` again.",
        "UnsupportedOperation": "FSx cannot copy this backup (for example, FSx for ONTAP backups cannot be copied with "
        "CopyBackup). Use AWS Backup copy jobs for it.",
        "ThrottlingException": "FSx throttled the requests and botocore's retries did not get past it. Run "
        "`pulumi up` again, or create fewer copies at once.",
    }
)


def describe_failure(resource: str, action: str, error: BaseException, context: dict[str, Any]) -> BackupCopyError:
    """The BackupCopyError to raise for ``error`` met while doing ``action`` for ``resource``."""
    prefix = f"BackupCopy {resource}: {action} failed"
    if isinstance(error, NoCredentialsError | PartialCredentialsError):
        return BackupCopyError(f"{prefix}: no usable AWS credentials were found. {CREDENTIALS_ADVICE}")
    if isinstance(error, ProfileNotFound):
        return BackupCopyError(
            f"{prefix}: the AWS profile named in aws:profile or AWS_PROFILE does not exist. {CREDENTIALS_ADVICE}"
        )
    if isinstance(error, NoRegionError):
        return BackupCopyError(
            f"{prefix}: no AWS Region is set. Set the region input, `pulumi config set "
            "aws:region REGION`, or AWS_REGION."
        )
    if isinstance(error, EndpointConnectionError):
        return BackupCopyError(
            f"{prefix}: cannot reach the FSx endpoint ({error.kwargs.get('endpoint_url')}). "
            "Check the network and any AWS_ENDPOINT_URL setting, then run `pulumi up` again."
        )
    if isinstance(error, ClientError):
        code = error.response.get("Error", {}).get("Code", "Unknown")
        aws_message = error.response.get("Error", {}).get("Message", "")
        if code in CREDENTIAL_ERROR_CODES:
            return BackupCopyError(
                f"{prefix} with {code}: AWS did not accept the credentials or they lack "
                f"permission. {CREDENTIALS_ADVICE}"
            )
        advice = ADVICE.get(code, "See AWS's message; fix the input it names and run `pulumi up` again.")
        advice = advice.format_map(_Defaulting(context))
        said = f" (AWS said: {redact_aws(aws_message, context.get('hidden', ()))})" if aws_message else ""
        return BackupCopyError(f"{prefix} with {code}: {advice}{said}")
    return BackupCopyError(f"{prefix}: {type(error).__name__}: {error}")


class _Defaulting(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return f"<{key}>"


def cleaned(error: BackupCopyError, hidden: tuple[str, ...]) -> BackupCopyError:
    """An operation's expected failure as the engine shows it: no traceback, and no hidden value (secrets.py)."""
    return BackupCopyError(redact(str(error), hidden)).with_traceback(None)


@contextmanager
def calling(resource: str, action: str, context: Mapping[str, Any]) -> Iterator[None]:
    """Report an AWS failure inside the block as ``action`` (the call that failed), in one paragraph."""
    try:
        yield
    except (ClientError, BotoCoreError) as error:
        raise describe_failure(resource, action, error, dict(context)) from None
