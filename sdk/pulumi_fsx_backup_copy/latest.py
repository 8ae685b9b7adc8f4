"""find_latest_backup: the newest AVAILABLE FSx backup of a file system or volume, looked up at program time.

Shaped like pulumi-aws's ``get_x`` / ``get_x_output`` functions. It never returns ``None``: a program that copies
"the latest backup" must fail loudly when there is none, rather than silently declare no copy (which the engine
would read as "delete the copies"). A backup here is one of the file system itself: copies (they carry a
``SourceBackupId``) and anything this tool tagged are never returned, so a DR copy kept in the source Region can
never pass for a restore point. Clients come from the provider's ``fsx_backup_copy_provider.aws.client``, so the
credential chain, stack config ``aws:profile`` and ``AWS_ENDPOINT_URL``/``AWS_ENDPOINT_URL_FSX`` are the same as the
provider's, with the same botocore standard retries. Failures are ``pulumi.RunError``s: the CLI shows their one
paragraph, not a traceback.
"""

import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

import pulumi
from botocore.exceptions import BotoCoreError, ClientError

from fsx_backup_copy_provider import aws
from fsx_backup_copy_provider.errors import CREDENTIAL_ERROR_CODES
from fsx_backup_copy_provider.validation import check_region, type_name

from . import mocked

DEFAULT_BACKUP_TYPES: tuple[str, ...] = ("AUTOMATIC", "USER_INITIATED")
BACKUP_TYPES = frozenset({"AUTOMATIC", "USER_INITIATED", "AWS_BACKUP"})
# Tags this tool writes (the provider's claim, the rotation's): a backup carrying one is this tool's, not a source.
OWN_TAG_PREFIXES = ("pulumi-fsx-backup-copy:", "pulumi-fsx-rotation:")
# FSx's FileSystemId and VolumeId patterns (botocore's model): prefix -> (pattern, digits, example, what)
ID_FORMS: Mapping[str, tuple[re.Pattern[str], str, str, str]] = MappingProxyType(
    {
        "fs": (re.compile(r"fs-[0-9a-f]{8,}"), "at least 8", "fs-0123456789abcdef0", "file system"),
        "fsvol": (re.compile(r"fsvol-[0-9a-f]{17,}"), "17", "fsvol-0123456789abcdef0", "volume"),
    }
)


class BackupLookupError(pulumi.RunError):
    """A backup look-up could not be answered (credentials, permissions, throttling beyond retries, network).

    A ``pulumi.RunError``, so the CLI prints its message alone; the AWS error it comes from is in ``aws_error``.
    """

    def __init__(self, message: str, aws_error: BaseException | None = None) -> None:
        super().__init__(message)
        self.aws_error = aws_error


class NoBackupFoundError(BackupLookupError, LookupError):
    """The look-up ran, and no AVAILABLE backup matched."""


@dataclass(frozen=True)
class LatestBackup:
    """One AVAILABLE FSx backup, as DescribeBackups describes it."""

    backup_id: str
    arn: str
    region: str
    creation_time: datetime  # timezone-aware, UTC
    backup_type: str
    file_system_id: str
    volume_id: str | None = None
    owner_id: str | None = None
    kms_key_id: str | None = None
    tags: Mapping[str, str] = field(default_factory=dict)
    # Always None: copies are never returned. Kept so that code reading them goes on working.
    source_backup_id: str | None = None
    source_region: str | None = None

    @property
    def id(self) -> str:
        """The backup id (pulumi-aws results name it ``id``)."""
        return self.backup_id

    @staticmethod
    def from_description(region: str, backup: Mapping[str, Any]) -> "LatestBackup":
        file_system: Mapping[str, Any] = backup.get("FileSystem") or {}
        volume: Mapping[str, Any] = backup.get("Volume") or {}
        return LatestBackup(
            backup_id=str(backup["BackupId"]),
            arn=str(backup.get("ResourceARN", "")),
            region=region,
            creation_time=_utc(backup["CreationTime"]),
            backup_type=str(backup.get("Type", "")),
            file_system_id=str(file_system.get("FileSystemId", "")),
            volume_id=volume.get("VolumeId") or backup.get("VolumeId"),
            owner_id=backup.get("OwnerId"),
            kms_key_id=backup.get("KmsKeyId"),
            tags={t["Key"]: t.get("Value", "") for t in backup.get("Tags") or []},
            source_backup_id=backup.get("SourceBackupId"),
            source_region=backup.get("SourceBackupRegion"),
        )


def _utc(value: Any) -> datetime:
    """botocore parses CreationTime to an aware datetime; anything else (epoch seconds) is read as UTC."""
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromtimestamp(float(value), UTC)


def resolve_region(region: str | None) -> str:
    """The argument, else stack config aws:region, else AWS_REGION / AWS_DEFAULT_REGION (the provider's order)."""
    found = region or _stack_config("region") or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    if not found:
        raise BackupLookupError(
            "No AWS Region for the backup look-up: pass region=..., run `pulumi config set aws:region REGION`, "
            "or set AWS_REGION."
        )
    return found


def _stack_config(key: str) -> str | None:
    try:
        return pulumi.Config("aws").get(key)
    except Exception:  # outside a Pulumi program there is no stack config
        return None


def fsx_client(region: str) -> Any:
    """The provider's cached FSx client for ``region`` with the stack's aws:profile."""
    return aws.client("fsx", region, _stack_config("profile"))


def describe_failure(what: str, region: str, error: BaseException) -> BackupLookupError:
    """One paragraph: which look-up, the AWS error code, what to do."""
    prefix = f"{what}: DescribeBackups in {region} failed"
    if isinstance(error, ClientError):
        code = error.response.get("Error", {}).get("Code", "Unknown")
        said = error.response.get("Error", {}).get("Message", "")
        said = f" (AWS said: {said})" if said else ""
        if code in CREDENTIAL_ERROR_CODES:
            advice = (
                "the credentials were refused or lack permission. Use credentials (AWS_PROFILE, `pulumi config set "
                "aws:profile NAME`, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or a CI role) allowed fsx:DescribeBackups "
                f"in {region}."
            )
        elif code in ("ThrottlingException", "TooManyRequestsException", "RequestLimitExceeded"):
            advice = "FSx kept throttling after botocore's retries. Run again later, or stagger scheduled runs."
        else:
            advice = "run again; if it persists, fix what AWS's message names."
        return BackupLookupError(f"{prefix} with {code}: {advice}{said}", error)
    return BackupLookupError(
        f"{prefix}: {type(error).__name__}: {error}. Check the network, credentials and Region.", error
    )


def describe_all(region: str, filters: Sequence[Mapping[str, Any]], what: str) -> list[Mapping[str, Any]]:
    """Every backup DescribeBackups returns for ``filters`` (all pages); any failure is a BackupLookupError.

    Under ``pulumi.runtime.set_mocks`` it refuses, before any client exists, unless an emulator would answer.
    """
    if refused := mocked.refusal(what, region):
        raise BackupLookupError(refused)
    try:
        paginator = fsx_client(region).get_paginator("describe_backups")
        pages = paginator.paginate(Filters=list(filters)) if filters else paginator.paginate()
        return [backup for page in pages for backup in page.get("Backups", [])]
    except (ClientError, BotoCoreError) as error:
        raise describe_failure(what, region, error) from None  # one paragraph, not botocore's chained traceback


def made_by_this_tool(backup: Mapping[str, Any]) -> bool:
    """A copy (it has a source) or a backup carrying this tool's tags: never a source backup."""
    keys = [str(t.get("Key", "")) for t in backup.get("Tags") or []]
    return bool(backup.get("SourceBackupId")) or any(k.startswith(OWN_TAG_PREFIXES) for k in keys)


def types_problem(backup_types: Any) -> str | None:
    """What is wrong with ``backup_types``, or None."""
    types = [backup_types] if isinstance(backup_types, str) else list(backup_types)
    if not types or sorted(set(types) - BACKUP_TYPES) or isinstance(backup_types, str):
        return f"backup_types must be a non-empty list drawn from {sorted(BACKUP_TYPES)}, not {backup_types!r}"
    return None


def _check_types(backup_types: Iterable[str]) -> tuple[str, ...]:
    if problem := types_problem(backup_types):
        raise ValueError(problem)
    return tuple(backup_types)


def id_problem(name: str, value: Any, prefix: str) -> str | None:
    """What is wrong with a file system id (``prefix`` "fs") or volume id ("fsvol"), worded like the backup id's."""
    pattern, digits, example, what = ID_FORMS[prefix]
    if not isinstance(value, str):
        return f"{name} must be a {what} id string such as {example}, not {type_name(value)}"
    if not pattern.fullmatch(value):
        return (
            f"{name} '{value}' is not an FSx {what} id: expected '{prefix}-' followed by {digits} lowercase hex digits"
        )
    return None


class LookupArgsError(pulumi.RunError, ValueError):
    """Plain arguments a look-up refuses before any AWS call (one paragraph, as every program-time error here)."""


def _check_lookup(file_system_id: Any, volume_id: Any, region: str) -> None:
    problems = [
        id_problem("file_system_id", file_system_id, "fs") if file_system_id else None,
        id_problem("volume_id", volume_id, "fsvol") if volume_id else None,
        f"region {problem}" if (problem := check_region(region)) else None,
    ]
    if found := [p for p in problems if p]:
        raise LookupArgsError("find_latest_backup: " + "; ".join(found))


def list_backups(
    file_system_id: str | None = None,
    volume_id: str | None = None,
    region: str | None = None,
    backup_types: Iterable[str] = DEFAULT_BACKUP_TYPES,
    tags: Mapping[str, str] | None = None,
    *,
    what: str = "find_latest_backup",
) -> list[LatestBackup]:
    """Every AVAILABLE backup matching, newest first (ties by backup id); possibly empty. ``what`` names the caller."""
    region = resolve_region(region)
    types = _check_types(backup_types)
    _check_lookup(file_system_id, volume_id, region)
    filters: list[dict[str, Any]] = [{"Name": "backup-type", "Values": list(types)}]
    if file_system_id:
        filters.append({"Name": "file-system-id", "Values": [file_system_id]})
    if volume_id:
        filters.append({"Name": "volume-id", "Values": [volume_id]})
    wanted_tags = dict(tags or {})
    found = []
    for description in describe_all(region, filters, what):
        if description.get("Lifecycle") != "AVAILABLE" or made_by_this_tool(description):
            continue
        backup = LatestBackup.from_description(region, description)
        # Tags have no server-side filter. The others are checked again where the description carries them.
        if backup.backup_type not in types:
            continue
        if file_system_id and backup.file_system_id not in ("", file_system_id):
            continue
        if volume_id and backup.volume_id not in (None, volume_id):
            continue
        if any(backup.tags.get(k) != v for k, v in wanted_tags.items()):
            continue
        found.append(backup)
    return sorted(found, key=lambda b: (b.creation_time, b.backup_id), reverse=True)


def find_latest_backup(
    file_system_id: str | None = None,
    volume_id: str | None = None,
    region: str | None = None,
    backup_types: Iterable[str] = DEFAULT_BACKUP_TYPES,
    tags: Mapping[str, str] | None = None,
) -> LatestBackup:
    """The newest AVAILABLE backup matching every given criterion; raises NoBackupFoundError when none does."""
    types = _check_types(backup_types)
    found = list_backups(file_system_id, volume_id, region, types, tags)
    if not found:
        criteria = [f"types {', '.join(types)}"]
        if file_system_id:
            criteria.append(f"file system {file_system_id}")
        if volume_id:
            criteria.append(f"volume {volume_id}")
        if tags:
            criteria.append("tags " + ", ".join(f"{k}={v}" for k, v in sorted(tags.items())))
        raise NoBackupFoundError(
            f"find_latest_backup: no AVAILABLE backup in {resolve_region(region)} with {'; '.join(criteria)}. "
            "Check the file system or volume id and the Region, or wait for the first backup to finish."
        )
    return found[0]


def find_latest_backup_output(
    file_system_id: pulumi.Input[str | None] = None,
    volume_id: pulumi.Input[str | None] = None,
    region: pulumi.Input[str | None] = None,
    backup_types: pulumi.Input[Sequence[str]] = DEFAULT_BACKUP_TYPES,
    tags: pulumi.Input[Mapping[str, str] | None] = None,
) -> "pulumi.Output[LatestBackup]":
    """find_latest_backup over inputs that may be Outputs; the look-up runs once they are known."""
    args = pulumi.Output.all(file_system_id, volume_id, region, backup_types, tags)

    def look_up(values: list[Any]) -> LatestBackup:
        fs, volume, where, types, wanted = values
        return find_latest_backup(fs, volume, where, tuple(types), wanted)

    return args.apply(look_up)
