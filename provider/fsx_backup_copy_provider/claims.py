"""Which copy belongs to which resource: what makes create safe to rerun after a crash, and replace safe.

The dynamic host does not tell ``create`` the resource's URN, nor whether an earlier create of the same
resource crashed. So every copy carries one tag, ``pulumi-fsx-backup-copy:claim = <identity>.<inputs>.<state>``:

- ``identity``: hash of the resource's project/stack/name (sent by the SDK), so two resources with identical
  inputs never share a copy;
- ``inputs``: hash of everything CopyBackup is given, so a copy made for other inputs is never adopted;
- ``state``: ``pending`` from the moment CopyBackup creates the copy (the tag is part of the request, so it is
  atomic), ``confirmed`` once create has finished with it.

A rerun of create adopts a *pending* copy with its identity and inputs (a crash or a timed-out wait left it
unrecorded), and never a *confirmed* one (that is the old copy of a forced replacement, still in state). The
ClientRequestToken also folds in the ids of the confirmed copies, so a replacement with unchanged inputs gets a new
token and a new copy, while a retry of the same create gets the same token and the same copy.
"""

import hashlib
import json
from dataclasses import dataclass
from typing import Any

CLAIM_TAG = "pulumi-fsx-backup-copy:claim"
PENDING, CONFIRMED = "pending", "confirmed"


def _digest(value: Any, length: int) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()[:length]


@dataclass(frozen=True)
class Claim:
    identity: str
    inputs: str
    state: str

    @classmethod
    def for_request(cls, resource_identity: str, copy_request: dict[str, Any]) -> "Claim":
        request = {k: v for k, v in copy_request.items() if k not in ("ClientRequestToken", "Tags")}
        user_tags = sorted((t["Key"], t["Value"]) for t in copy_request.get("Tags", []) if t["Key"] != CLAIM_TAG)
        return cls(_digest(resource_identity, 16), _digest({**request, "Tags": user_tags}, 16), PENDING)

    @classmethod
    def parse(cls, value: str | None) -> "Claim | None":
        parts = (value or "").split(".")
        return cls(*parts) if len(parts) == 3 else None

    def tag_value(self) -> str:
        return f"{self.identity}.{self.inputs}.{self.state}"

    def confirmed(self) -> "Claim":
        return Claim(self.identity, self.inputs, CONFIRMED)

    def same_resource(self, other: "Claim") -> bool:
        return self.identity == other.identity

    def same_request(self, other: "Claim") -> bool:
        return self.identity == other.identity and self.inputs == other.inputs


def claim_of(backup: dict[str, Any]) -> Claim | None:
    tags = {t["Key"]: t["Value"] for t in backup.get("Tags", [])}
    return Claim.parse(tags.get(CLAIM_TAG))


def request_token(claim: Claim, confirmed_copy_ids: list[str]) -> str:
    """Deterministic ClientRequestToken (FSx: at most 63 of [A-Za-z0-9_.-])."""
    return "pfbc-" + _digest([claim.identity, claim.inputs, sorted(confirmed_copy_ids)], 40)
