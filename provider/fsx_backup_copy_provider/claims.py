"""Which copy belongs to which resource, and whether create already handed it to the engine.

Under the real engine every deployment is a new provider process, and a rerun after a crash, ``pulumi up --replace``,
``pulumi state taint`` and a resource added back after ``retainOnDelete`` or ``pulumi state delete`` all send the same
olds-less Check and the same Create. Nothing in the requests or in process memory tells them apart, so the answer is
written on the AWS side, on the copy itself, in one tag:

    pulumi-fsx-backup-copy:claim = <identity>.<inputs>.<stage>

- ``identity``: hash of the resource's project/stack/[parent/]name (sent by the SDK), so two resources with identical
  inputs never share a copy;
- ``inputs``: hash of what decides which copy this is (source, its Region, destination Region, KMS key); tags are
  left out because create sets them on an adopted copy anyway;
- ``stage``: ``creating`` from the CopyBackup request on (so no copy ever exists unlabelled), turned into
  ``returned`` by create's last AWS call before it hands the copy to the engine.

Create adopts only a ``creating`` copy with its identity and inputs (an interrupted create or a timed-out wait left
it). A ``returned`` copy is never adopted and never deleted: it is the copy in state (``up --replace``), or one the
user kept. No crash can leave a copy that the engine recorded yet is still marked ``creating``, because the mark is
written before create returns. The one window left is the other way round: between the mark and the engine saving
the Create response (one gRPC answer), a crash leaves a ``returned`` copy that is not in state; the rerun makes a new
copy and reports the leftover by id (docs/reliability.md measures the window).
"""

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

CLAIM_TAG = "pulumi-fsx-backup-copy:claim"


class Stage(Enum):
    CREATING = "creating"
    RETURNED = "returned"


def _digest(value: Any, length: int) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()[:length]


def identity_hash(resource_identity: str) -> str:
    return _digest(resource_identity, 16)


@dataclass(frozen=True)
class Claim:
    identity: str
    inputs: str
    stage: Stage = Stage.CREATING

    @classmethod
    def for_copy(cls, resource_identity: str, region: str, copy_request: Mapping[str, Any]) -> "Claim":
        deciding = {k: copy_request.get(k) for k in ("SourceBackupId", "SourceRegion", "KmsKeyId")}
        return cls(identity_hash(resource_identity), _digest({**deciding, "Region": region}, 16))

    @classmethod
    def parse(cls, value: str | None) -> "Claim | None":
        parts = (value or "").split(".")
        if len(parts) < 2:
            return None
        # A claim written before stages existed (two parts) is treated as returned: never adopted, never deleted.
        stage = Stage.CREATING if len(parts) > 2 and parts[2] == Stage.CREATING.value else Stage.RETURNED
        return cls(parts[0], parts[1], stage)

    def at(self, stage: Stage) -> "Claim":
        return Claim(self.identity, self.inputs, stage)

    def same_copy(self, other: "Claim") -> bool:
        return (self.identity, self.inputs) == (other.identity, other.inputs)

    def tag(self) -> dict[str, str]:
        return {"Key": CLAIM_TAG, "Value": f"{self.identity}.{self.inputs}.{self.stage.value}"}


def claim_of(backup: Mapping[str, Any]) -> Claim | None:
    tags = {t["Key"]: t.get("Value") for t in backup.get("Tags") or []}
    return Claim.parse(tags.get(CLAIM_TAG))


@dataclass(frozen=True)
class Claimed:
    """This resource's copies in the destination Region, sorted by what create may do with each."""

    adoptable: dict[str, Any] | None  # the newest unfinished copy made for these inputs
    unfinished_elsewhere: list[dict[str, Any]]  # unfinished, for other inputs, or older duplicates: reported
    failed: list[dict[str, Any]]  # unfinished and FAILED: deleted, they hold nothing
    returned: list[dict[str, Any]]  # handed to the engine earlier: never adopted, never deleted

    @property
    def returned_ids(self) -> list[str]:
        return sorted(b["BackupId"] for b in self.returned)


def sort_claimed(backups: Iterable[Mapping[str, Any]], claim: Claim) -> Claimed:
    """Sort the copies in ``backups`` that carry this resource's identity."""
    same: list[dict[str, Any]] = []
    others: list[dict[str, Any]] = []
    failed: list[dict[str, Any]] = []
    returned: list[dict[str, Any]] = []
    for backup in backups:
        found = claim_of(backup)
        if found is None or found.identity != claim.identity:
            continue
        if found.stage is Stage.RETURNED:
            returned.append(dict(backup))
        elif backup.get("Lifecycle") == "FAILED":
            failed.append(dict(backup))
        elif found.same_copy(claim):
            same.append(dict(backup))
        else:
            others.append(dict(backup))
    same.sort(key=lambda b: str(b.get("CreationTime")), reverse=True)
    return Claimed(same[0] if same else None, same[1:] + others, failed, returned)


def request_token(claim: Claim, request: Mapping[str, Any], returned_ids: list[str]) -> str:
    """Deterministic ClientRequestToken (FSx: at most 63 of [A-Za-z0-9_.-]).

    The same for a retry of the same create (botocore's retries, or a rerun after a crash whose DescribeBackups does
    not list the copy yet); different once a copy of this resource has been returned, so ``up --replace`` can never
    be answered with the copy it replaces. FSx binds a token to the request's parameters (tags included), so they are
    part of it: a rerun with other tags gets another token rather than IncompatibleParameterError.
    """
    return "pfbc-" + _digest([claim.identity, claim.inputs, dict(request), sorted(returned_ids)], 40)
