"""Which copy belongs to which resource: what makes create safe to rerun after a crash, and replace safe.

The dynamic host does not tell ``create`` the resource's URN, nor whether an earlier create of the same resource
was interrupted. So every copy carries one tag, ``pulumi-fsx-backup-copy:claim = <identity>.<inputs>``:

- ``identity``: hash of the resource's project/stack/name (sent by the SDK), so two resources with identical
  inputs never share a copy;
- ``inputs``: hash of everything CopyBackup is given.

The tag is part of the CopyBackup request, so no copy ever exists without it. What create cannot see on the AWS
side is whether the engine has *recorded* one of those copies. The engine tells it, one call earlier: it sends
``Check`` with the old inputs when the resource is in state (update, replace) and with empty olds when it is not
(create, or rerun after an interrupted create). ``check`` notes the recorded inputs per identity in this process
(``RecordedCopies``), and ``create``, which the engine sends next in the same provider process, decides:

- nothing recorded: every copy with this identity is unrecorded; adopt the newest one made for these inputs (an
  interrupted create or a timed-out wait left it). Others are reported, never deleted (a copy kept with
  retainOnDelete looks the same); only FAILED ones are deleted;
- recorded with other inputs (a replacing change): adopt a copy made for the new inputs, if an interrupted earlier
  attempt left one; the recorded copy has the old inputs and is left for the engine to delete;
- recorded with the same inputs (``pulumi up --replace``): one of those copies is the recorded one, so never adopt;
  make a new copy with a new ClientRequestToken.
"""

import hashlib
import json
import threading
from dataclasses import dataclass
from typing import Any

CLAIM_TAG = "pulumi-fsx-backup-copy:claim"


def _digest(value: Any, length: int) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()[:length]


def identity_hash(resource_identity: str) -> str:
    return _digest(resource_identity, 16)


@dataclass(frozen=True)
class Claim:
    identity: str
    inputs: str

    @classmethod
    def for_request(cls, resource_identity: str, copy_request: dict[str, Any]) -> "Claim":
        request = {k: v for k, v in copy_request.items() if k not in ("ClientRequestToken", "Tags")}
        user_tags = sorted((t["Key"], t["Value"]) for t in copy_request.get("Tags", []) if t["Key"] != CLAIM_TAG)
        return cls(identity_hash(resource_identity), _digest({**request, "Tags": user_tags}, 16))

    @classmethod
    def parse(cls, value: str | None) -> "Claim | None":
        parts = (value or "").split(".")
        return cls(parts[0], parts[1]) if len(parts) >= 2 else None

    def tag_value(self) -> str:
        return f"{self.identity}.{self.inputs}"


def claim_of(backup: dict[str, Any]) -> Claim | None:
    tags = {t["Key"]: t["Value"] for t in backup.get("Tags", [])}
    return Claim.parse(tags.get(CLAIM_TAG))


def request_token(claim: Claim, existing_copy_ids: list[str]) -> str:
    """Deterministic ClientRequestToken (FSx: at most 63 of [A-Za-z0-9_.-]).

    The same for a retry of the same create; different once a copy for these inputs exists, so a forced
    replacement can never be answered with the old copy.
    """
    return "pfbc-" + _digest([claim.identity, claim.inputs, sorted(existing_copy_ids)], 40)


class RecordedCopies:
    """Per identity, the claim (and id, once known) of the copy the engine holds in state.

    Process memory is the right scope: the engine sends Check and then Create for a resource to the same provider
    process, and a crash loses the note together with the create it was for.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._notes: dict[str, tuple[Claim, str | None]] = {}

    def note(self, claim: Claim, backup_id: str | None = None) -> None:
        with self._lock:
            self._notes[claim.identity] = (claim, backup_id)

    def get(self, identity: str) -> Claim | None:
        with self._lock:
            noted = self._notes.get(identity)
        return noted[0] if noted else None

    def deleted(self, identity: str, backup_id: str) -> None:
        """The copy ``backup_id`` was deleted: forget it, unless the note is already about a newer copy."""
        with self._lock:
            noted = self._notes.get(identity)
            if noted is not None and noted[1] in (None, backup_id):
                del self._notes[identity]


RECORDED = RecordedCopies()
