"""The one table of BackupCopy's properties. check, diff, the outputs and the SDK's arguments derive from it.

Like terraform-provider-aws's schema: each field once, with its wire name, how it is validated, and whether a
change replaces the copy (``ForceNew``) or updates it in place.
"""

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from . import tagging
from .timeouts import check_timeouts
from .validation import check_backup_id, check_bool, check_kms_key, check_region, check_tags


class OnChange(Enum):
    REPLACE = "replace"  # FSx has no UpdateBackup: a different copy is needed
    UPDATE = "update"  # changed in place (TagResource/UntagResource)
    IGNORE = "ignore"  # provider bookkeeping; never a change


@dataclass(frozen=True)
class CheckContext:
    """What validators may need besides the value: the destination Region after defaulting."""

    region: str | None


Validator = Callable[[Any, CheckContext], list[str]]


def _one(check: Callable[[Any], str | None]) -> Validator:
    return lambda value, context: [problem] if (problem := check(value)) else []


@dataclass(frozen=True)
class InputProperty:
    python_name: str
    wire_name: str
    python_type: str  # as the SDK declares it (checked by tests/sdk/test_table_is_the_one_source.py)
    on_change: OnChange
    validate: Validator
    doc: str
    required: bool = False
    internal: bool = False  # filled by the SDK, not a user argument
    default: Any = None
    # The value in effect given the checked inputs (an omitted sourceRegion means the copy's own Region); diff
    # compares it with the output of the same name.
    effective: Callable[[Any, Mapping[str, Any]], Any] = lambda value, inputs: value


# An output's value, from the copy as FSx describes it (a Backup) and the resource's checked inputs (CopyInputs).
OutputSource = Callable[[Mapping[str, Any], Any], Any]


@dataclass(frozen=True)
class OutputProperty:
    python_name: str
    wire_name: str
    python_type: str
    doc: str
    source: OutputSource


def _backup(key: str) -> OutputSource:
    return lambda backup, inputs: backup.get(key)


def _nested(parent: str, key: str) -> OutputSource:
    return lambda backup, inputs: (backup.get(parent) or {}).get(key)


def _iso(value: Any) -> str | None:
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    return str(value) if value is not None else None


INPUTS: tuple[InputProperty, ...] = (
    InputProperty(
        "source_backup_id",
        "sourceBackupId",
        "str",
        OnChange.REPLACE,
        _one(check_backup_id),
        "The backup to copy (backup-...).",
        required=True,
    ),
    InputProperty(
        "source_region",
        "sourceRegion",
        "str",
        OnChange.REPLACE,
        _one(check_region),
        "Region of the source backup; omitted means an in-Region copy.",
        effective=lambda value, inputs: value or inputs.get("region"),
    ),
    InputProperty(
        "region",
        "region",
        "str",
        OnChange.REPLACE,
        _one(check_region),
        "Destination Region; defaults to stack config aws:region, then AWS_REGION/AWS_DEFAULT_REGION.",
    ),
    InputProperty(
        "kms_key_id",
        "kmsKeyId",
        "str",
        OnChange.REPLACE,
        lambda value, context: [p] if (p := check_kms_key(value, context.region)) else [],
        "KMS key for the copy in the destination Region (key id, key ARN, alias name or alias ARN); "
        "omitted means the Region's FSx-managed key.",
    ),
    InputProperty(
        "copy_tags",
        "copyTags",
        "bool",
        OnChange.UPDATE,
        _one(check_bool),
        "Copy the source backup's tags to the copy (tags given here win).",
        default=False,
        effective=lambda value, inputs: bool(value),
    ),
    InputProperty(
        "tags",
        "tags",
        "Mapping[str, str]",
        OnChange.UPDATE,
        lambda value, context: check_tags(value),
        "Tags for the copy.",
    ),
    InputProperty(
        "adopt_backup_id",
        "adoptBackupId",
        "str",
        OnChange.IGNORE,
        _one(check_backup_id),
        "An existing copy to bring under management instead of copying (backup-...): create checks that it is a copy "
        "of sourceBackupId with the requested key, then tags and records it. Once recorded, a change is no change.",
    ),
    InputProperty(
        "custom_timeouts",
        "customTimeouts",
        "Mapping[str, str]",
        OnChange.IGNORE,
        lambda value, context: check_timeouts(value),
        "opts.custom_timeouts, carried as an input because the dynamic host drops the engine's.",
        internal=True,
    ),
    InputProperty(
        "resource_identity",
        "resourceIdentity",
        "str",
        OnChange.IGNORE,
        lambda value, context: [] if isinstance(value, str) else ["must be a string"],
        "project/stack/name of the resource, so creates of distinct resources never share a copy.",
        internal=True,
    ),
    InputProperty(
        "secret_inputs",
        "secretInputs",
        "list[str]",
        OnChange.IGNORE,
        lambda value, context: [] if isinstance(value, list) else ["must be a list of property names"],
        "The arguments that are secrets (Output.is_secret), so that no message shows their values.",
        internal=True,
    ),
    InputProperty(
        "kms_key_id_unchanged",
        "kmsKeyIdUnchanged",
        "bool",
        OnChange.IGNORE,
        _one(check_bool),
        "Set by check: kmsKeyId is the one in the state's inputs, so diff needs no record of the reference.",
        internal=True,
    ),
)

OUTPUTS: tuple[OutputProperty, ...] = (
    OutputProperty("backup_id", "backupId", "str", "The copy's backup id (also the resource id).", _backup("BackupId")),
    OutputProperty("arn", "arn", "str", "The copy's ARN.", _backup("ResourceARN")),
    OutputProperty("lifecycle", "lifecycle", "str", "AVAILABLE once created.", _backup("Lifecycle")),
    OutputProperty(
        "progress_percent", "progressPercent", "int", "Copy progress as FSx reports it.", _backup("ProgressPercent")
    ),
    OutputProperty("kms_key_id", "kmsKeyId", "str", "ARN of the key that encrypts the copy.", _backup("KmsKeyId")),
    OutputProperty(
        "tags",
        "tags",
        "Mapping[str, str]",
        "The tags the copy actually has (without aws: tags and the provider's claim tag).",
        lambda backup, inputs: tagging.visible(tagging.as_map(backup.get("Tags"))),
    ),
    OutputProperty(
        "file_system_id", "fileSystemId", "str", "The source file system's id.", _nested("FileSystem", "FileSystemId")
    ),
    OutputProperty(
        "file_system_type",
        "fileSystemType",
        "str",
        "LUSTRE, WINDOWS or OPENZFS.",
        _nested("FileSystem", "FileSystemType"),
    ),
    OutputProperty(
        "volume_id", "volumeId", "str", "The source volume's id, for volume backups.", _nested("Volume", "VolumeId")
    ),
    OutputProperty(
        "resource_type",
        "resourceType",
        "str",
        "FILE_SYSTEM or VOLUME.",
        lambda backup, inputs: backup.get("ResourceType") or "FILE_SYSTEM",
    ),
    OutputProperty("owner_id", "ownerId", "str", "The AWS account that owns the copy.", _backup("OwnerId")),
    OutputProperty(
        "creation_time",
        "creationTime",
        "str",
        "When the copy was created (ISO 8601).",
        lambda backup, inputs: _iso(backup.get("CreationTime")),
    ),
    OutputProperty("backup_type", "backupType", "str", "USER_INITIATED for copies.", _backup("Type")),
    OutputProperty(
        "source_backup_id",
        "sourceBackupId",
        "str",
        "The backup this is a copy of.",
        lambda backup, inputs: backup.get("SourceBackupId") or inputs.source_backup_id,
    ),
    OutputProperty(
        "source_region",
        "sourceRegion",
        "str",
        "The Region of the source backup.",
        lambda backup, inputs: backup.get("SourceBackupRegion") or inputs.source_region,
    ),
    OutputProperty("region", "region", "str", "The Region of the copy.", lambda backup, inputs: inputs.region),
    OutputProperty(
        "copy_tags",
        "copyTags",
        "bool",
        "Whether the source's tags are kept on the copy.",
        lambda backup, inputs: inputs.copy_tags,
    ),
)

# Outputs that are bookkeeping for diff, not for users: the inputs as last applied (minus tag values, which may
# be secret) and the source's tags at copy time (what copyTags brings in).
APPLIED_INPUTS = "appliedInputs"
SOURCE_TAGS = "sourceTags"

WIRE_TO_PYTHON: dict[str, str] = {p.wire_name: p.python_name for p in INPUTS} | {
    p.wire_name: p.python_name for p in OUTPUTS
}
PYTHON_TO_WIRE: dict[str, str] = {python: wire for wire, python in WIRE_TO_PYTHON.items()}
