"""Inputs and stored state read from the engine's property maps, and outputs built from an FSx Backup.

Secrets: the dynamic host answers Configure with acceptSecrets=false, so the engine sends plain values and re-marks an
output secret only when its key equals a secret input's key (pulumi/pulumi provider_plugin.go, annotateSecrets). So
no user input value is ever copied under another key: ``appliedInputs`` holds a digest of the KMS key reference as
given (enough for diff to see "unchanged"), never the value, and no tag values.
"""

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from . import tagging
from .schema import APPLIED_INPUTS, INPUTS, OUTPUTS, SOURCE_TAGS, OutputProperty
from .timeouts import Timeouts


def digest(wire_name: str, value: Any) -> str:
    """What appliedInputs keeps of an input that may be secret: enough to tell "unchanged", not the value."""
    return "sha256:" + hashlib.sha256(json.dumps([wire_name, value], sort_keys=True).encode()).hexdigest()[:32]


def applied_matches(applied: Mapping[str, Any], wire_name: str, value: Any) -> bool:
    """Whether ``value`` is what was applied: a digest, or (state written by 0.1.0) the plain value."""
    recorded = applied.get(wire_name)
    return recorded is not None and recorded in (digest(wire_name, value), value)


def sanitized(applied: Mapping[str, Any]) -> dict[str, Any]:
    """appliedInputs as this version writes it: state written by 0.1.0 kept input values, which may be secret."""
    kept = {k: applied[k] for k in ("region", "resourceIdentity", "customTimeouts") if applied.get(k)}
    kms = applied.get("kmsKeyId")
    if isinstance(kms, str):
        kept["kmsKeyId"] = kms if kms.startswith("sha256:") else digest("kmsKeyId", kms)
    return kept


def label_of(identity: str | None, fallback: str) -> str:
    return f"'{(identity or fallback).rsplit('/', 1)[-1]}'"


@dataclass(frozen=True)
class CopyInputs:
    """Checked inputs of one resource, by meaning rather than wire name."""

    source_backup_id: str
    source_region: str
    region: str
    kms_key_id: str | None
    copy_tags: bool
    tags: dict[str, str]
    timeouts: Timeouts
    identity: str
    custom_timeouts: dict[str, str] | None = None  # as given, kept so delete can read its timeout

    @classmethod
    def from_props(cls, props: Mapping[str, Any]) -> "CopyInputs":
        value = {p.wire_name: p.effective(props.get(p.wire_name), props) for p in INPUTS}
        return cls(
            source_backup_id=value["sourceBackupId"],
            source_region=value["sourceRegion"],
            region=value["region"],
            kms_key_id=value["kmsKeyId"],
            copy_tags=value["copyTags"],
            tags=dict(props.get("tags") or {}),
            timeouts=Timeouts.from_input(props.get("customTimeouts")),
            identity=props.get("resourceIdentity") or f"unnamed/{props['sourceBackupId']}",
            custom_timeouts=dict(props["customTimeouts"]) if props.get("customTimeouts") else None,
        )

    @property
    def label(self) -> str:
        return label_of(self.identity, self.source_backup_id)

    def context(self) -> dict[str, Any]:
        """Values error advice may name (never tag values)."""
        return {
            "source": self.source_backup_id,
            "source_region": self.source_region,
            "region": self.region,
            "kms": self.kms_key_id or "(FSx-managed key)",
        }

    def copy_request(self) -> dict[str, Any]:
        request: dict[str, Any] = {"SourceBackupId": self.source_backup_id, "CopyTags": self.copy_tags}
        if self.source_region != self.region:
            request["SourceRegion"] = self.source_region
        if self.kms_key_id:
            request["KmsKeyId"] = self.kms_key_id
        if self.tags:
            request["Tags"] = tagging.as_list(self.tags)
        return request

    def applied(self) -> dict[str, Any]:
        """The appliedInputs output: verbatim bookkeeping, digests of what may be secret."""
        applied: dict[str, Any] = {"region": self.region}
        if self.identity and not self.identity.startswith("unnamed/"):
            applied["resourceIdentity"] = self.identity
        if self.custom_timeouts:
            applied["customTimeouts"] = self.custom_timeouts
        if self.kms_key_id:
            applied["kmsKeyId"] = digest("kmsKeyId", self.kms_key_id)
        return applied


@dataclass(frozen=True)
class StoredState:
    """What read and delete need from the old outputs (or, for `get`, the few props the program gave)."""

    region: str | None
    label: str
    timeouts: Timeouts
    applied: dict[str, Any]
    is_get: bool  # a Read with no old outputs: BackupCopy.get / ResourceOptions(id=...)

    @classmethod
    def from_props(cls, backup_id: str, props: Mapping[str, Any], default_region: str | None) -> "StoredState":
        applied = sanitized(props.get(APPLIED_INPUTS) or {})
        return cls(
            region=props.get("region") or applied.get("region") or default_region,
            label=label_of(applied.get("resourceIdentity") or props.get("resourceIdentity"), backup_id),
            timeouts=Timeouts.from_input(applied.get("customTimeouts") or props.get("customTimeouts")),
            applied=applied,
            is_get="backupId" not in props,
        )


def outputs_of(
    backup: Mapping[str, Any],
    inputs: CopyInputs,
    source_tags: Mapping[str, str],
    applied: Mapping[str, Any],
    table: tuple[OutputProperty, ...] = OUTPUTS,
) -> dict[str, Any]:
    """Every output (the table's sources), plus what diff needs: applied inputs and the source's tags at copy time."""
    outputs = {output.wire_name: output.source(backup, inputs) for output in table}
    return {**outputs, APPLIED_INPUTS: dict(applied), SOURCE_TAGS: dict(source_tags)}
