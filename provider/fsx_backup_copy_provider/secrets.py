"""Which input values may never appear in a log line, warning, error or check failure, and how text is cleaned.

A KMS key reference is never shown, secret or not (the CLI masks only values from secret config, not
``Output.secret(...)`` or values from other resources), and no message quotes a tag value. Any input the SDK reports
as secret (its ``secretInputs`` input, from ``Output.is_secret``; tags when any value is secret) is taken out of
every message too, AWS's own included. Messages name the property instead.
"""

import re
from collections.abc import Iterable, Mapping
from typing import Any

from .validation import KEY_ID

SECRET_INPUTS = "secretInputs"
ALWAYS_HIDDEN = ("kmsKeyId",)


def secret_names(props: Mapping[str, Any]) -> frozenset[str]:
    """The inputs the SDK found secret; absent (a `get`, a state from an older SDK): none beyond ALWAYS_HIDDEN."""
    names = props.get(SECRET_INPUTS)
    return frozenset(n for n in names if isinstance(n, str)) if isinstance(names, list | tuple) else frozenset()


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def hidden_values(props: Mapping[str, Any], extra: Iterable[str] = ()) -> tuple[str, ...]:
    """Every string in ``props`` that must not be shown (longest first, so no part of one survives another)."""
    names = set(ALWAYS_HIDDEN) | secret_names(props)
    found = {s for name in names for s in _strings(props.get(name))} | set(extra)
    return tuple(sorted((s for s in found if len(s) >= 3), key=len, reverse=True))


# Any KMS key or alias ARN, alias name or key id in a text (AWS's own messages may quote the key).
_KMS_ANYWHERE = re.compile(r"arn:[a-z-]+:kms:[^\s'\",;)]+|alias/[A-Za-z0-9/_-]+|" + KEY_ID.pattern)


def redact(text: str, hidden: Iterable[str]) -> str:
    for value in hidden:
        text = text.replace(value, "[hidden]")
    return text


def redact_aws(text: str, hidden: Iterable[str] = ()) -> str:
    """AWS's own message, which may quote any key or alias: every KMS reference goes, and the hidden values."""
    return _KMS_ANYWHERE.sub("[hidden]", redact(text, hidden))
