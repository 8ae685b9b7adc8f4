"""Inputs and stored state read from the engine's property maps, and outputs built from an FSx Backup.

Secrets: the dynamic host answers Configure with acceptSecrets=false, so the engine sends plain values and re-marks an
output secret only when its key equals a secret input's key (pulumi/pulumi provider_plugin.go, annotateSecrets). So
no user input value is ever copied under another key: ``appliedInputs`` keeps nothing of the KMS key reference (not
even a digest, which would confirm a guessed alias offline; check.py tells diff "unchanged" instead), no tag values,
and the Region only when it is not secret.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from . import tagging
from .schema import APPLIED_INPUTS, INPUTS, OUTPUTS, SOURCE_TAGS, OutputProperty
from .secrets import SECRET_INPUTS, hidden_values, secret_names
from .timeouts import Timeouts

HAND_OVER = "handOver"  # the id the claim's returned mark carries (claims.py), so delete can tell it is still ours
CLAIM_MISSING = "claimMissing"  # a refresh found the copy without its claim: diff asks for an update to restore it
KEY_GIVEN = "kmsKeyGiven"  # whether a kmsKeyId was given (false: the FSx-managed key), not which


def sanitized(applied: Mapping[str, Any]) -> dict[str, Any]:
    """appliedInputs as this version writes it: older versions kept the KMS reference (as given, or as an unsalted
    digest that confirms a guess), which may be secret; only whether one was given is kept."""
    verbatim = ("region", "resourceIdentity", "customTimeouts", HAND_OVER, SECRET_INPUTS)
    kept = {k: applied[k] for k in verbatim if applied.get(k)}
    if applied.get(CLAIM_MISSING):
        kept[CLAIM_MISSING] = True
    if KEY_GIVEN in applied:
        kept[KEY_GIVEN] = bool(applied[KEY_GIVEN])
    elif "kmsKeyId" in applied:
        kept[KEY_GIVEN] = bool(applied["kmsKeyId"])
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
    hidden: tuple[str, ...] = ()  # values no message may show (secrets.py)
    secret: frozenset[str] = frozenset()  # inputs the SDK found secret

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
            hidden=hidden_values(props),
            secret=secret_names(props),
        )

    @property
    def label(self) -> str:
        return label_of(self.identity, self.source_backup_id)

    def shown(self, wire_name: str, value: str) -> str:
        """``value`` as a message may show it: a secret input is named, never shown."""
        return f"(secret {wire_name})" if wire_name in self.secret else value

    def context(self) -> dict[str, Any]:
        """Values error advice may name (never a KMS reference, tag values or a secret input), and what to hide."""
        return {
            "source": self.shown("sourceBackupId", self.source_backup_id),
            "source_region": self.shown("sourceRegion", self.source_region),
            "region": self.shown("region", self.region),
            "hidden": self.hidden,
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

    def applied(self, hand_over: str | None = None) -> dict[str, Any]:
        """The appliedInputs output: bookkeeping only, nothing that is or confirms a secret."""
        applied: dict[str, Any] = {KEY_GIVEN: bool(self.kms_key_id)}
        if "region" not in self.secret:
            applied["region"] = self.region
        if self.identity and not self.identity.startswith("unnamed/"):
            applied["resourceIdentity"] = self.identity
        if self.custom_timeouts:
            applied["customTimeouts"] = self.custom_timeouts
        if hand_over:
            applied[HAND_OVER] = hand_over
        if self.secret:
            applied[SECRET_INPUTS] = sorted(self.secret)  # names only, so read and delete hide the values too
        return applied


@dataclass(frozen=True)
class StoredState:
    """What read and delete need from the old outputs (or, for `get`, the few props the program gave)."""

    region: str | None
    label: str
    timeouts: Timeouts
    applied: dict[str, Any]
    is_get: bool  # a Read with no old outputs: BackupCopy.get / ResourceOptions(id=...)
    account: str | None = None  # the AWS account the copy's ARN names
    hidden: tuple[str, ...] = ()

    @classmethod
    def from_props(cls, backup_id: str, props: Mapping[str, Any], default_region: str | None) -> "StoredState":
        applied = sanitized(props.get(APPLIED_INPUTS) or {})
        arn = props.get("arn")
        account = arn.split(":")[4] if isinstance(arn, str) and arn.count(":") >= 5 else props.get("ownerId")
        return cls(
            region=props.get("region") or applied.get("region") or default_region,
            label=label_of(applied.get("resourceIdentity") or props.get("resourceIdentity"), backup_id),
            timeouts=Timeouts.from_input(applied.get("customTimeouts") or props.get("customTimeouts")),
            applied=applied,
            is_get="backupId" not in props,
            account=account if isinstance(account, str) and account else None,
            hidden=hidden_values({**props, SECRET_INPUTS: applied.get(SECRET_INPUTS)}),
        )

    @property
    def hand_over(self) -> str | None:
        value = self.applied.get(HAND_OVER)
        return value if isinstance(value, str) else None


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
