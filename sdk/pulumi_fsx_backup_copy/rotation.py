"""BackupCopyRotation: copy the newest backups of a file system into DR Regions and keep the last K copies there.

Each run checks its arguments (the provider's own rules, no AWS call), looks up (DescribeBackups only) the source's
own AVAILABLE backups and the copies this rotation already holds in each destination Region, computes what to hold
(window.py: the window plus the successor rule), and declares one ``BackupCopy`` child per Region and kept source.
The engine then creates copies of new backups and deletes those no longer declared. Copies are recognised by the
rotation tag alone, so a user's other copies are never declared and so never touched. See docs/dr-rotation.md.
"""

import hashlib
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pulumi
from pulumi.runtime.settings import get_monitor

from .backup_copy import BackupCopy
from .latest import DEFAULT_BACKUP_TYPES, describe_all, list_backups, resolve_region
from .rotation_args import TAG_PREFIX, RotationArgsError, child_failures, shape_failures, tag_safe
from .window import Held, RotationError, SourceRef, compute_window, format_created, parse_created

__all__ = [
    "ROTATION_TAG",
    "SOURCE_CREATED_TAG",
    "BackupCopyRotation",
    "RotationArgsError",
    "RotationError",
    "RotationIdentity",
    "SourceRef",
    "compute_window",
    "format_created",
    "held_copies",
    "parse_created",
]

TYPE = "fsx-backup-copy:index:BackupCopyRotation"
ROTATION_TAG = TAG_PREFIX + "name"  # the rotation's identity (RotationIdentity.text)
SOURCE_CREATED_TAG = TAG_PREFIX + "source-created"  # the source backup's CreationTime, UTC, microseconds
# A copy in these states is one the rotation holds (a FAILED copy is not; the provider deletes those itself).
HELD_LIFECYCLES = frozenset({"AVAILABLE", "CREATING", "COPYING", "PENDING", "TRANSFERRING"})


def _digest(text: str, length: int) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:length]


@dataclass(frozen=True)
class RotationIdentity:
    """Who a rotation is: the value of its copies' rotation tag, and the names of its children.

    ``project/stack/name`` at the top of the program (what every earlier version wrote, so nothing changes for
    those), ``project/stack/<parent type>::<parent name>/name`` under a parent. Python resources keep no link to
    their parent's parent, so the direct parent is as far up as a program can see at declaration; two rotations
    that would still share an identity in one program are refused (``declare_once``).
    """

    name: str
    text: str
    legacy: str | None  # what earlier versions tagged a nested rotation's copies with (project/stack/name)

    @staticmethod
    def of(resource_name: str, opts: pulumi.ResourceOptions | None) -> "RotationIdentity":
        root = f"{pulumi.get_project()}/{pulumi.get_stack()}"
        parent = opts.parent if opts is not None else None
        if parent is None:
            return RotationIdentity(resource_name, f"{root}/{resource_name}", None)
        scope = f"{getattr(parent, '_type', '?')}::{getattr(parent, '_name', '?')}"
        text = f"{root}/{scope}/{resource_name}"
        if not tag_safe(text):  # a tag value has at most 256 characters, from a limited set
            text = f"{root}/{_digest(scope, 16)}/{resource_name}"
        return RotationIdentity(resource_name, text, f"{root}/{resource_name}")

    def child_name(self, region: str, source_backup_id: str, legacy: bool = False) -> str:
        """Stable per Region and source. A nested rotation's children carry a digest of its identity, so that
        same-named rotations under different parents never declare two copies with one claim identity."""
        base = f"{self.name}-{region}-{source_backup_id}"
        return base if self.legacy is None or legacy else f"{base}-{_digest(self.text, 8)}"

    def tag(self, legacy: bool = False) -> str:
        return self.legacy if legacy and self.legacy is not None else self.text


# The identities declared in each running program (keyed by its resource monitor, one per program or mocks).
_DECLARED: "weakref.WeakKeyDictionary[Any, set[str]]" = weakref.WeakKeyDictionary()


def declare_once(identity: RotationIdentity) -> None:
    """Refuse a second rotation with the same identity in one program: they would hold each other's copies."""
    monitor = get_monitor()
    if monitor is None:
        return
    try:
        seen = _DECLARED.setdefault(monitor, set())
    except TypeError:  # a monitor that takes no weak reference: nothing to key on
        return
    if identity.text in seen:
        raise RotationError(
            f"BackupCopyRotation {identity.name}: another rotation in this program has the identity "
            f"{identity.text!r} (the same name under a parent of the same type and name), so the two would hold "
            "each other's copies. Give one of them another name."
        )
    seen.add(identity.text)


def _aware(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromtimestamp(float(value), UTC)


def held_copies(region: str, tags: Mapping[str, bool], what: str) -> list[Held]:
    """The copies in ``region`` whose rotation tag is a key of ``tags`` (its value: an earlier version's tag)."""
    held: list[Held] = []
    for backup in describe_all(region, [], what):
        backup_tags = {t["Key"]: t.get("Value", "") for t in backup.get("Tags") or []}
        source, lifecycle = backup.get("SourceBackupId"), backup.get("Lifecycle")
        rotation = backup_tags.get(ROTATION_TAG, "")
        if rotation not in tags or not source or lifecycle not in HELD_LIFECYCLES:
            continue
        tagged = backup_tags.get(SOURCE_CREATED_TAG)
        created = parse_created(tagged)
        if created is None or tagged is None:  # the tag was edited or removed: order by the copy's own time
            ref = SourceRef.of(source, _aware(backup["CreationTime"]))
        else:
            ref = SourceRef(source, created, tagged)
        held.append(Held(ref, lifecycle == "AVAILABLE", tags[rotation]))
    return held


def _mine(held: Mapping[str, list[Held]], legacy_copies: bool | None, identity: RotationIdentity, what: str) -> None:
    """Keep or drop (in place) the copies an earlier version tagged project/stack/name, for a nested rotation.

    Earlier versions identified every rotation without its parent, so those copies may be this rotation's or
    another same-named rotation's. Unless told (``legacy_copies``), finding any stops the program before anything
    is declared (so nothing is deleted), and the message says how to decide.
    """
    found = {region: sum(h.legacy for h in copies) for region, copies in held.items()}
    if legacy_copies is None and any(found.values()):
        where = ", ".join(f"{n} in {region}" for region, n in found.items() if n)
        raise RotationError(
            f"{what}: copies tagged {ROTATION_TAG}={identity.legacy} by an earlier version ({where}) may be this "
            "rotation's (earlier versions identified a rotation without its parent) or those of a same-named "
            "rotation elsewhere in the stack. Pass legacy_copies=True if they are this rotation's (each is kept "
            "under its old name until it ages out of the window), or legacy_copies=False if they are another "
            "rotation's. Nothing was created or deleted."
        )
    if not legacy_copies:
        for copies in held.values():
            copies[:] = [h for h in copies if not h.legacy]


class BackupCopyRotation(pulumi.ComponentResource):
    """Copies of the newest ``keep`` backups of one file system in each of ``regions``; output ``copies``."""

    copies: pulumi.Output[dict[str, list[str]]]
    backup_copies: dict[str, list[BackupCopy]]  # the children per Region, newest source first (for depends_on)
    identity: RotationIdentity

    def __init__(
        self,
        resource_name: str,
        *,
        file_system_id: str,
        regions: Sequence[str],
        keep: int,
        source_region: str | None = None,
        kms_key_ids: Mapping[str, pulumi.Input[str]] | None = None,
        tags: Mapping[str, pulumi.Input[str]] | None = None,
        backup_types: Sequence[str] = DEFAULT_BACKUP_TYPES,
        legacy_copies: bool | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        what = f"BackupCopyRotation {resource_name}"
        identity = RotationIdentity.of(resource_name, opts)
        kms = {} if kms_key_ids is None else kms_key_ids
        user_tags = {} if tags is None else tags
        if failures := shape_failures(file_system_id, regions, keep, kms, user_tags, backup_types):
            raise RotationArgsError(resource_name, failures)
        source_region = resolve_region(source_region)
        if failures := child_failures(source_region, regions, kms, user_tags, identity.text):
            raise RotationArgsError(resource_name, failures)
        destinations = list(regions)

        sources = [
            SourceRef.of(b.backup_id, b.creation_time)
            for b in list_backups(file_system_id, None, source_region, backup_types, what=what)
        ]
        wanted_tags = {identity.text: False} | ({identity.legacy: True} if identity.legacy else {})
        held = {region: held_copies(region, wanted_tags, what) for region in destinations}
        _mine(held, legacy_copies, identity, what)
        try:
            window = compute_window(sources, held, destinations, keep)
        except RotationError as error:
            raise RotationError(f"{what} ({file_system_id} in {source_region}): {error}") from None

        # Registered only once the look-ups succeeded: a failed look-up leaves nothing declared at all.
        declare_once(identity)
        super().__init__(TYPE, resource_name, None, opts)
        self.identity = identity

        # Components do not pass custom_timeouts on to children; the rotation does, so one setting covers its copies.
        timeouts = opts.custom_timeouts if opts is not None else None
        self.backup_copies = {}
        for region, kept in window.items():
            self.backup_copies[region] = [
                BackupCopy(
                    identity.child_name(region, entry.source.backup_id, entry.legacy),
                    source_backup_id=entry.source.backup_id,
                    source_region=source_region,
                    region=region,
                    kms_key_id=kms.get(region),
                    tags={
                        **user_tags,
                        ROTATION_TAG: identity.tag(entry.legacy),
                        SOURCE_CREATED_TAG: entry.source.created_tag,
                    },
                    opts=pulumi.ResourceOptions(parent=self, custom_timeouts=timeouts),
                )
                for entry in kept
            ]
        self.copies = pulumi.Output.all(
            **{region: pulumi.Output.all(*(c.backup_id for c in kept)) for region, kept in self.backup_copies.items()}
        )
        self.register_outputs({"copies": self.copies})
