"""Pure input validators: each returns None when the value is fine, else what is wrong and what to do.

Each problem is a predicate that reads as a sentence after the property's name (check.py prefixes the name):
"kmsKeyId" + " names a key in us-east-1, but ...". No AWS calls: Region and partition facts come from botocore's
bundled endpoint data, so a Region newer than the installed botocore is unknown until botocore is upgraded.
"""

import difflib
import functools
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

import botocore
import botocore.loaders
import botocore.session

from .unknowns import is_unknown

BACKUP_ID = re.compile(r"backup-[0-9a-f]{8,}")
REGION_NAME = re.compile(r"[a-z0-9-]{1,20}")
KEY_ID = re.compile(r"(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})")
ALIAS_NAME = re.compile(r"alias/[a-zA-Z0-9/_-]{1,250}")
KMS_ARN = re.compile(
    r"arn:(?P<partition>[a-z-]+):kms:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):(?P<kind>key|alias)/(?P<rest>.+)"
)
TAG_KEY_MAX, TAG_VALUE_MAX, MAX_TAGS = 128, 256, 50
TAG_EXTRA_CHARACTERS = frozenset("_.:/=+-@")
TAG_CHARACTERS = "letters, digits, spaces and _ . : / = + - @"
# Tags with this prefix are the provider's own bookkeeping (see claims.py); users may not set them.
RESERVED_TAG_PREFIX = "pulumi-fsx-backup-copy:"


@functools.cache
def _partitions() -> list[dict[str, Any]]:
    partitions: list[dict[str, Any]] = botocore.loaders.create_loader().load_data("endpoints")["partitions"]
    return partitions


@functools.cache
def fsx_regions() -> dict[str, tuple[str, ...]]:
    """partition -> the Regions botocore's endpoint data lists for FSx (what boto3's get_available_regions says)."""
    session = botocore.session.get_session()
    return {
        partition: tuple(session.get_available_regions("fsx", partition_name=partition))
        for partition in session.get_available_partitions()
    }


def regions_source() -> str:
    """Where the Region list comes from, named in failures so users know what to upgrade."""
    return f"the FSx endpoint data of the installed botocore {botocore.__version__}"


def partition_of(region: str) -> str | None:
    """The AWS partition a Region name belongs to (aws, aws-cn, aws-us-gov, ...), or None if it is no Region."""
    for name, regions in fsx_regions().items():
        if region in regions:
            return name
    for partition in _partitions():
        if region in partition.get("regions", {}):
            return str(partition["partition"])
    for partition in _partitions():
        if re.fullmatch(partition["regionRegex"], region):
            return str(partition["partition"])
    return None


def type_name(value: Any) -> str:
    return {bool: "a boolean", int: "a number", float: "a number", str: "a string", list: "a list", dict: "a map"}.get(
        type(value), type(value).__name__
    )


def check_backup_id(value: Any) -> str | None:
    if not isinstance(value, str):
        return f"must be a backup id string such as backup-0a3364eded1014b28, not {type_name(value)}"
    if not BACKUP_ID.fullmatch(value) or not 12 <= len(value) <= 128:
        return f"'{value}' is not an FSx backup id: expected 'backup-' followed by at least 8 lowercase hex digits"
    return None


def check_region(value: Any) -> str | None:
    if not isinstance(value, str):
        return f"must be an AWS Region name such as us-west-2, not {type_name(value)}"
    if not REGION_NAME.fullmatch(value):
        return f"'{value}' is not an AWS Region name (for example us-east-1, eu-west-1, cn-north-1)"
    partition = partition_of(value)
    if partition in fsx_regions() and value in fsx_regions()[partition]:
        return None
    known = fsx_regions().get(partition, ()) if partition else [r for rs in fsx_regions().values() for r in rs]
    nearest = difflib.get_close_matches(value, known, n=3, cutoff=0.6)  # a typo: name what was probably meant
    if nearest:
        hint = f"did you mean {nearest[0] if len(nearest) == 1 else ', '.join(nearest[:-1]) + ' or ' + nearest[-1]}?"
    else:
        hint = "if it is a Region newer than that botocore, upgrade botocore (pip install --upgrade botocore boto3)"
    return f"'{value}' is not a Region where FSx is available according to {regions_source()}; {hint}"


def check_kms_key(value: Any, destination_region: str | None) -> str | None:
    if not isinstance(value, str):
        return f"must be a KMS key id, key ARN, alias name or alias ARN string, not {type_name(value)}"
    if KEY_ID.fullmatch(value) or ALIAS_NAME.fullmatch(value):
        return None
    arn = KMS_ARN.fullmatch(value)
    if arn is None:
        return (
            "is not a KMS key reference (its value is not shown: it may be secret): use a key id "
            "(1234abcd-12ab-34cd-56ef-1234567890ab), a key ARN, "
            "an alias name (alias/my-key) or an alias ARN"
        )
    if arn["kind"] == "key" and not KEY_ID.fullmatch(arn["rest"]):
        return "is a KMS key ARN whose key id is malformed (its value is not shown: it may be secret)"
    if arn["kind"] == "alias" and not ALIAS_NAME.fullmatch("alias/" + arn["rest"]):
        return "is a KMS alias ARN whose alias name is malformed (its value is not shown: it may be secret)"
    if destination_region and arn["region"] != destination_region:
        return (
            f"names a key in {arn['region']}, but KMS keys are regional and the copy is made in "
            f"{destination_region}: use a key in {destination_region}"
        )
    if destination_region and arn["partition"] != (partition := partition_of(destination_region)):
        return (
            f"names a key in partition {arn['partition']}, but the copy is made in {destination_region} "
            f"(partition {partition}): use a key in {destination_region}"
        )
    return None


def _tag_text_ok(text: str) -> bool:
    # The model's pattern ^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$; Python's re has no \p classes.
    return all(unicodedata.category(c)[0] in "LZN" or c in TAG_EXTRA_CHARACTERS for c in text)


def check_tags(value: Any) -> list[str]:
    """Problems with a tag map; tag values are never quoted (they may be secrets)."""
    if not isinstance(value, Mapping):
        return [f"must be a map of tag keys to string values, not {type_name(value)}"]
    problems = []
    if len(value) > MAX_TAGS - 1:
        problems.append(
            f"has {len(value)} tags; an FSx backup can have at most {MAX_TAGS}, and every copy carries the provider's "
            f"claim tag, so give at most {MAX_TAGS - 1}: drop {len(value) - MAX_TAGS + 1} of them"
        )
    for key, tag_value in value.items():
        if not isinstance(key, str) or not 1 <= len(key) <= TAG_KEY_MAX:
            problems.append(f"has a key '{key}' that is not 1 to {TAG_KEY_MAX} characters long")
        elif key.lower().startswith("aws:"):
            problems.append(f"has a key '{key}' with the prefix 'aws:', which AWS reserves for its own tags")
        elif key.startswith(RESERVED_TAG_PREFIX):
            problems.append(f"has a key '{key}' with the prefix '{RESERVED_TAG_PREFIX}', which this provider reserves")
        elif not _tag_text_ok(key):
            problems.append(f"has a key '{key}' with characters other than {TAG_CHARACTERS}")
        if tag_value is None or is_unknown(tag_value):
            continue
        if not isinstance(tag_value, str):
            problems.append(f"has a value for key '{key}' that is {type_name(tag_value)}, not a string")
        elif len(tag_value) > TAG_VALUE_MAX:
            problems.append(f"has a value for key '{key}' longer than {TAG_VALUE_MAX} characters")
        elif not _tag_text_ok(tag_value):
            problems.append(f"has a value for key '{key}' with characters other than {TAG_CHARACTERS}")
    return problems


def check_bool(value: Any) -> str | None:
    return None if isinstance(value, bool) else f"must be true or false, not {type_name(value)}"
