"""BackupCopyRotation: copy the newest backups of a file system into DR Regions and keep the last K copies there.

Each run looks up (DescribeBackups only) the source's AVAILABLE backups and the copies this rotation already made in
each destination Region, computes the window, and declares one ``BackupCopy`` child per Region and kept source. The
engine then does the rest: it creates copies of new backups, and deletes copies that fell out of the window at the
end of the update, only when no step failed. Copies are recognised by the rotation tag alone, so a user's other
copies are never declared and so never touched; the source's creation time is tagged too, so a copy whose source has
expired keeps its place in the window. See docs/dr-rotation.md.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pulumi

from .backup_copy import BackupCopy
from .latest import DEFAULT_BACKUP_TYPES, describe_all, list_backups, resolve_region

TYPE = "fsx-backup-copy:index:BackupCopyRotation"
TAG_PREFIX = "pulumi-fsx-rotation:"
ROTATION_TAG = TAG_PREFIX + "name"  # project/stack/rotation name
SOURCE_CREATED_TAG = TAG_PREFIX + "source-created"  # the source backup's CreationTime, UTC, microseconds
# A copy in these states is one the rotation holds (a FAILED copy is not; the provider deletes those itself).
HELD_LIFECYCLES = frozenset({"AVAILABLE", "CREATING", "COPYING", "PENDING", "TRANSFERRING"})
_CREATED_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


class RotationError(Exception):
    """The rotation cannot decide what to keep; raised at program time, so the engine deletes nothing."""


@dataclass(frozen=True)
class SourceRef:
    """A source backup the window may keep: its id and creation time (also as written in the tag)."""

    backup_id: str
    created: datetime
    created_tag: str

    @staticmethod
    def of(backup_id: str, created: datetime) -> "SourceRef":
        return SourceRef(backup_id, created, format_created(created))


def format_created(created: datetime) -> str:
    return created.astimezone(UTC).strftime(_CREATED_FORMAT)


def parse_created(text: str | None) -> datetime | None:
    try:
        return datetime.strptime(text or "", _CREATED_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return None


def _newest_first(ref: SourceRef) -> tuple[datetime, str]:
    return (ref.created, ref.backup_id)


def compute_window(
    sources: Sequence[SourceRef],
    existing: Mapping[str, Sequence[SourceRef]],
    regions: Sequence[str],
    keep: int,
) -> dict[str, list[SourceRef]]:
    """Per destination Region, the sources to hold copies of, newest first.

    The candidates in a Region are the source's live backups plus the sources of the copies this rotation already
    holds there (an expired source can only be kept, never copied again); the newest ``keep`` win, ties by id.
    """
    if keep < 1:
        raise ValueError(f"keep must be at least 1, not {keep}")
    if not sources and not any(existing.get(region) for region in regions):
        raise RotationError(
            "the source has no AVAILABLE backup of the requested types and no Region holds a copy from this "
            "rotation, so there is nothing to copy or keep. Check file_system_id, source_region and backup_types."
        )
    window: dict[str, list[SourceRef]] = {}
    for region in regions:
        candidates = {ref.backup_id: ref for ref in existing.get(region, ())}
        candidates.update((ref.backup_id, ref) for ref in sources)  # a live source's own time wins over a tag
        window[region] = sorted(candidates.values(), key=_newest_first, reverse=True)[:keep]
    return window


def rotation_copies(region: str, rotation_id: str, what: str) -> list[SourceRef]:
    """The sources of the copies in ``region`` tagged with ``rotation_id`` (and held, not FAILED)."""
    refs: dict[str, SourceRef] = {}
    for backup in describe_all(region, [], what):
        tags = {t["Key"]: t.get("Value", "") for t in backup.get("Tags") or []}
        source = backup.get("SourceBackupId")
        if tags.get(ROTATION_TAG) != rotation_id or not source or backup.get("Lifecycle") not in HELD_LIFECYCLES:
            continue
        tagged = tags.get(SOURCE_CREATED_TAG)
        created = parse_created(tagged)
        if created is None or tagged is None:  # the tag was edited or removed: order by the copy's own time
            refs[source] = SourceRef.of(source, _aware(backup["CreationTime"]))
        else:
            refs[source] = SourceRef(source, created, tagged)
    return list(refs.values())


def _aware(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromtimestamp(float(value), UTC)


def child_name(rotation: str, region: str, source_backup_id: str) -> str:
    """Stable per Region and source, so the same copy is declared under the same name on every run."""
    return f"{rotation}-{region}-{source_backup_id}"


def _validate(regions: Sequence[str], keep: int, kms_key_ids: Mapping[str, Any], tags: Mapping[str, Any]) -> list[str]:
    if isinstance(regions, str) or not regions or not all(isinstance(r, str) and r for r in regions):
        raise ValueError(f"regions must be a non-empty list of Region names, not {regions!r}")
    if len(set(regions)) != len(regions):
        raise ValueError(f"regions lists a Region twice: {list(regions)}")
    if isinstance(keep, bool) or not isinstance(keep, int) or keep < 1:
        raise ValueError(f"keep must be an integer of at least 1, not {keep!r}")
    if stray := sorted(set(kms_key_ids) - set(regions)):
        raise ValueError(f"kms_key_ids names Regions that are not in regions: {stray}")
    if reserved := sorted(k for k in tags if k.startswith(TAG_PREFIX)):
        raise ValueError(f"tags may not use the prefix {TAG_PREFIX!r}, which the rotation sets itself: {reserved}")
    return list(regions)


class BackupCopyRotation(pulumi.ComponentResource):
    """Copies of the newest ``keep`` backups of one file system in each of ``regions``; output ``copies``."""

    copies: pulumi.Output[dict[str, list[str]]]
    backup_copies: dict[str, list[BackupCopy]]  # the children per Region, newest source first (for depends_on)

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
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        kms_key_ids = dict(kms_key_ids or {})
        user_tags = dict(tags or {})
        destinations = _validate(regions, keep, kms_key_ids, user_tags)
        if not isinstance(file_system_id, str) or not file_system_id:
            raise ValueError("file_system_id must be a file system id string (the look-up runs at program time)")
        what = f"BackupCopyRotation {resource_name}"
        source_region = resolve_region(source_region)
        rotation_id = f"{pulumi.get_project()}/{pulumi.get_stack()}/{resource_name}"

        sources = [
            SourceRef.of(b.backup_id, b.creation_time)
            for b in list_backups(file_system_id, None, source_region, backup_types, what=what)
        ]
        existing = {region: rotation_copies(region, rotation_id, what) for region in destinations}
        try:
            window = compute_window(sources, existing, destinations, keep)
        except RotationError as error:
            raise RotationError(f"{what} ({file_system_id} in {source_region}): {error}") from None

        # Registered only once the look-ups succeeded: a failed look-up leaves nothing declared at all.
        super().__init__(TYPE, resource_name, None, opts)

        # Components do not pass custom_timeouts on to children; the rotation does, so one setting covers its copies.
        timeouts = opts.custom_timeouts if opts is not None else None
        self.backup_copies = {}
        for region, kept in window.items():
            self.backup_copies[region] = [
                BackupCopy(
                    child_name(resource_name, region, ref.backup_id),
                    source_backup_id=ref.backup_id,
                    source_region=source_region,
                    region=region,
                    kms_key_id=kms_key_ids.get(region),
                    tags={**user_tags, ROTATION_TAG: rotation_id, SOURCE_CREATED_TAG: ref.created_tag},
                    opts=pulumi.ResourceOptions(parent=self, custom_timeouts=timeouts),
                )
                for ref in kept
            ]
        self.copies = pulumi.Output.all(
            **{region: pulumi.Output.all(*(c.backup_id for c in kept)) for region, kept in self.backup_copies.items()}
        )
        self.register_outputs({"copies": self.copies})
