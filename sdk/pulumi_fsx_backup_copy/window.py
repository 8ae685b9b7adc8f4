"""Which source backups a rotation holds copies of in each Region: a pure function of what exists when it runs.

Two rules, per destination Region:

- **the window**: the newest ``keep`` of the source's live backups and of the sources of the copies the rotation
  holds there (a copy whose source expired keeps its place; an expired source is only kept, never copied again);
- **the successor rule**: the newest ``keep`` copies that are AVAILABLE now are declared too, whether or not they
  are still in the window. A copy leaves only once ``keep`` newer copies were seen AVAILABLE, one run after its
  successor, so no engine behaviour (a failed create, ``--continue-on-error``, a copy still in progress) can delete
  it before the copy that replaces it exists.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import pulumi

_CREATED_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


class RotationError(pulumi.RunError):
    """The rotation cannot decide what to keep; raised at program time, so the engine deletes nothing.

    A ``pulumi.RunError``: the CLI prints its message alone.
    """


@dataclass(frozen=True)
class SourceRef:
    """A source backup the window may keep: its id and creation time (also as written in the tag)."""

    backup_id: str
    created: datetime
    created_tag: str

    @staticmethod
    def of(backup_id: str, created: datetime) -> "SourceRef":
        return SourceRef(backup_id, created, format_created(created))


@dataclass(frozen=True)
class Held:
    """A copy the rotation holds in a Region: its source, whether it is AVAILABLE, and whether an older version
    of this tool tagged it (it keeps the name it was declared under then)."""

    source: SourceRef
    available: bool
    legacy: bool = False


@dataclass(frozen=True)
class Kept:
    """One copy to declare: its source, and whether it keeps the older version's name and tags."""

    source: SourceRef
    legacy: bool = False


def format_created(created: datetime) -> str:
    return created.astimezone(UTC).strftime(_CREATED_FORMAT)


def parse_created(text: str | None) -> datetime | None:
    try:
        return datetime.strptime(text or "", _CREATED_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return None


def _newest_first(refs: Iterable[SourceRef]) -> list[SourceRef]:
    return sorted(refs, key=lambda ref: (ref.created, ref.backup_id), reverse=True)


def compute_window(
    sources: Sequence[SourceRef],
    held: Mapping[str, Sequence[Held]],
    regions: Sequence[str],
    keep: int,
) -> dict[str, list[Kept]]:
    """Per destination Region, the copies to declare, newest source first: the window plus the successor rule."""
    if keep < 1:
        raise ValueError(f"keep must be at least 1, not {keep}")
    if not sources and not any(held.get(region) for region in regions):
        raise RotationError(
            "the source has no AVAILABLE backup of the requested types and no Region holds a copy from this "
            "rotation, so there is nothing to copy or keep. Check file_system_id, source_region and backup_types."
        )
    window: dict[str, list[Kept]] = {}
    for region in regions:
        mine = held.get(region, ())
        candidates = {h.source.backup_id: h.source for h in mine}
        candidates.update((ref.backup_id, ref) for ref in sources)  # a live source's own time wins over a tag
        wanted = _newest_first(candidates.values())[:keep]
        available = _newest_first({h.source.backup_id: h.source for h in mine if h.available}.values())[:keep]
        declared = {ref.backup_id for ref in [*wanted, *available]}
        # A source held only under the older version's tags keeps that name; one held under the current tags wins.
        legacy = {h.source.backup_id for h in mine if h.legacy} - {h.source.backup_id for h in mine if not h.legacy}
        window[region] = [Kept(ref, ref.backup_id in legacy) for ref in _newest_first(candidates[i] for i in declared)]
    return window
