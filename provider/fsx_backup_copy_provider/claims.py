"""Which copy belongs to which resource, and whether create already handed it to the engine.

Under the real engine every deployment is a new provider process, and a rerun after a crash, ``pulumi up --replace``,
``pulumi state taint`` and a resource added back after ``retainOnDelete`` or ``pulumi state delete`` all send the same
olds-less Check and the same Create. Nothing in the requests or in process memory tells them apart, so the answer is
written on the AWS side, on the copy itself, in one tag:

    pulumi-fsx-backup-copy:claim = <identity>.<inputs>.<stage>[.<hand-over>]

- ``identity``: hash of the resource's project/stack/[parent/]name (sent by the SDK), so two resources with identical
  inputs never share a copy;
- ``inputs``: hash of the source, its Region, the destination Region and whether a KMS key was given. The key
  reference itself is left out (it may be secret, and anyone who can describe the copy could confirm a guessed alias
  against it); create compares an unfinished copy's key with the one requested instead;
- ``stage``: ``creating`` from the CopyBackup request on (so no copy ever exists unlabelled), turned into
  ``returned`` by create's last AWS call before it hands the copy to the engine;
- ``hand-over``: a random id written with ``returned`` and kept in the resource's outputs, so that a Delete of the old
  state can tell that a later create handed the same copy over again (delete.py).

Create accepts only a copy that carries its own ``creating`` claim: one it finds unfinished, or the one CopyBackup
answers with. A ``returned`` copy, a copy without a claim, and another resource's copy are never adopted and never
deleted: they are the copy in state (``up --replace``), one the user kept, or someone else's. The one window left:
between the mark and the engine saving the Create response (one gRPC answer), a crash leaves a ``returned`` copy that
is not in state; the rerun makes a new copy and reports the leftover by id (docs/reliability.md measures it).
"""

import hashlib
import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

CLAIM_TAG = "pulumi-fsx-backup-copy:claim"
# The tag keys BackupCopyRotation sets (pulumi_fsx_backup_copy.rotation.TAG_PREFIX): a copy with one is a rotation's.
ROTATION_TAG_PREFIX = "pulumi-fsx-rotation:"


class Stage(Enum):
    CREATING = "creating"
    RETURNED = "returned"


def _digest(value: Any, length: int) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()[:length]


def identity_hash(resource_identity: str) -> str:
    return _digest(resource_identity, 16)


def new_hand_over() -> str:
    return uuid.uuid4().hex[:16]


@dataclass(frozen=True)
class Claim:
    identity: str
    inputs: str
    stage: Stage = Stage.CREATING
    hand_over: str | None = None

    @classmethod
    def for_copy(cls, resource_identity: str, region: str, copy_request: Mapping[str, Any]) -> "Claim":
        deciding = {k: copy_request.get(k) for k in ("SourceBackupId", "SourceRegion")}
        deciding |= {"Region": region, "KeyGiven": bool(copy_request.get("KmsKeyId"))}
        return cls(identity_hash(resource_identity), _digest(deciding, 16))

    @classmethod
    def parse(cls, value: str | None) -> "Claim | None":
        parts = (value or "").split(".")
        if len(parts) < 2:
            return None
        # A claim written before stages existed (two parts) is treated as returned: never adopted, never deleted.
        stage = Stage.CREATING if len(parts) > 2 and parts[2] == Stage.CREATING.value else Stage.RETURNED
        hand_over = parts[3] if stage is Stage.RETURNED and len(parts) > 3 else None
        return cls(parts[0], parts[1], stage, hand_over)

    def at(self, stage: Stage, hand_over: str | None = None) -> "Claim":
        return Claim(self.identity, self.inputs, stage, hand_over if stage is Stage.RETURNED else None)

    def same_copy(self, other: "Claim") -> bool:
        return (self.identity, self.inputs) == (other.identity, other.inputs)

    def value(self) -> str:
        suffix = f".{self.hand_over}" if self.hand_over else ""
        return f"{self.identity}.{self.inputs}.{self.stage.value}{suffix}"

    def tag(self) -> dict[str, str]:
        return {"Key": CLAIM_TAG, "Value": self.value()}


def claim_of(backup: Mapping[str, Any]) -> Claim | None:
    tags = {t["Key"]: t.get("Value") for t in backup.get("Tags") or []}
    return Claim.parse(tags.get(CLAIM_TAG))


def rotation_tags_of(backup: Mapping[str, Any]) -> list[str]:
    return sorted(t["Key"] for t in backup.get("Tags") or [] if t["Key"].startswith(ROTATION_TAG_PREFIX))


def is_own_unfinished(backup: Mapping[str, Any], claim: Claim) -> bool:
    """Does ``backup`` carry this create's own ``creating`` claim (same resource, same inputs)?"""
    found = claim_of(backup)
    return found is not None and found.stage is Stage.CREATING and found.same_copy(claim)


@dataclass(frozen=True)
class Claimed:
    """This resource's copies in the destination Region, sorted by what create may do with each."""

    candidates: list[dict[str, Any]]  # unfinished copies made for these inputs, newest first (key still to compare)
    unfinished_elsewhere: list[dict[str, Any]]  # unfinished, for other inputs: reported
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
    return Claimed(same, others, failed, returned)


def request_token(claim: Claim, request: Mapping[str, Any], returned_ids: list[str]) -> str:
    """Deterministic ClientRequestToken (FSx: at most 63 of [A-Za-z0-9_.-]).

    The same for a retry of the same create (botocore's retries, or a rerun after a crash whose DescribeBackups does
    not list the copy yet) in any process: the request's tags are sorted by key (tagging.as_list), so the order in
    which the engine's map reached this process does not matter. Different once a copy of this resource has been
    returned. FSx binds a token to the request's parameters, so they are part of it: a rerun with other tags gets
    another token rather than IncompatibleParameterError. The token is seen only by FSx (and CloudTrail, which logs
    the request's parameters themselves).
    """
    return "pfbc-" + _digest([claim.identity, claim.inputs, dict(request), sorted(returned_ids)], 40)
