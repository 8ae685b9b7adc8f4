"""Custom timeouts. The dynamic host drops the engine's CreateRequest.timeout, so the SDK sends
``opts.custom_timeouts`` as the ``customTimeouts`` input; this module parses and defaults them."""

import re
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

# Copies of multi-TB backups take hours (the first copy into a Region is a full copy); Terraform's 10 minutes
# would orphan them. Deletes are instant unless a copy is still running from or into the backup.
DEFAULT_CREATE_SECONDS = 8 * 3600.0
DEFAULT_UPDATE_SECONDS = 30 * 60.0
DEFAULT_DELETE_SECONDS = 2 * 3600.0

# Pulumi's custom timeouts are Go durations: "1h30m", "45m", "90s", "1.5h".
_DURATION = re.compile(r"(?:(\d+(?:\.\d+)?)(h|ms|m|s))+")
_PART = re.compile(r"(\d+(?:\.\d+)?)(h|ms|m|s)")
_UNIT_SECONDS = MappingProxyType({"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001})


def parse_duration(text: str) -> float:
    """Seconds in a Go duration string; ValueError with the accepted form otherwise."""
    if not isinstance(text, str) or not _DURATION.fullmatch(text.strip()):
        raise ValueError(f"'{text}' is not a duration such as 2h, 45m, 1h30m or 90s")
    return sum(float(n) * _UNIT_SECONDS[unit] for n, unit in _PART.findall(text.strip()))


@dataclass(frozen=True)
class Timeouts:
    create: float = DEFAULT_CREATE_SECONDS
    update: float = DEFAULT_UPDATE_SECONDS
    delete: float = DEFAULT_DELETE_SECONDS

    @classmethod
    def from_input(cls, value: Any) -> "Timeouts":
        if not isinstance(value, dict):
            return cls()
        given = {k: parse_duration(v) for k, v in value.items() if k in ("create", "update", "delete") and v}
        return cls(**given)


def check_timeouts(value: Any) -> list[str]:
    if not isinstance(value, dict):
        return [f"must be a map with create, update and delete durations, not {type(value).__name__}"]
    problems = []
    for name, duration in value.items():
        if name not in ("create", "update", "delete"):
            problems.append(f"has an unknown timeout '{name}': use create, update or delete")
        elif duration:
            try:
                if parse_duration(duration) <= 0:
                    problems.append(f"has a {name} timeout that is not longer than zero")
            except ValueError:
                problems.append(
                    f"has a {name} timeout '{duration}' that is not a duration such as 2h, 45m, 1h30m or 90s"
                )
    return problems
