"""check: validate and default the inputs without any AWS call. Unknown values (preview) are not failures.

No failure shows a KMS reference, a tag value or a secret input's value (secrets.py): it names the property.
"""

from collections.abc import Mapping
from typing import Any

from .schema import INPUTS, CheckContext, InputProperty
from .secrets import hidden_values, redact
from .unknowns import contains_unknown, is_unknown
from .validation import partition_of

Table = tuple[InputProperty, ...]

PROVIDER_KEY = "__provider"


def check_inputs(
    news: Mapping[str, Any], default_region: str | None, table: Table = INPUTS
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """(checked inputs, [(property, reason)]). Every reason starts with the property's name."""
    inputs = {k: v for k, v in news.items() if v is not None}
    failures: list[tuple[str, str]] = []
    wire_names = {p.wire_name for p in table}
    for key in inputs:
        if key != PROVIDER_KEY and key not in wire_names:
            known = ", ".join(p.wire_name for p in table if not p.internal)
            failures.append((key, f"{key} is not a BackupCopy property; the properties are {known}"))

    failures.extend(missing_required(inputs, table))
    for prop in table:
        if prop.wire_name not in inputs and prop.default is not None:
            inputs[prop.wire_name] = prop.default
    if "region" not in inputs:
        if default_region:
            inputs["region"] = default_region
        else:
            failures.append(
                (
                    "region",
                    "region is not set and there is no default: set the region argument, "
                    "`pulumi config set aws:region REGION`, or AWS_REGION",
                )
            )

    region = inputs.get("region")
    known_region = region if isinstance(region, str) and not is_unknown(region) else None
    failures.extend(check_values(inputs, known_region, table))
    hidden = hidden_values(inputs)
    return inputs, [(prop, redact(reason, hidden)) for prop, reason in failures]


KMS_UNCHANGED = "kmsKeyIdUnchanged"


def mark_kms_unchanged(olds: Mapping[str, Any], inputs: dict[str, Any]) -> None:
    """Tell diff, through the checked inputs, that kmsKeyId is the one the state's inputs hold.

    diff gets only the old outputs, and these keep nothing of the reference (a digest would confirm a guessed alias
    offline), while Check gets the old inputs: so the comparison is made here, without an AWS call.
    """
    new, old = inputs.get("kmsKeyId"), olds.get("kmsKeyId")
    inputs.pop(KMS_UNCHANGED, None)
    if new is not None and not contains_unknown(new) and new == old:
        inputs[KMS_UNCHANGED] = True


def missing_required(inputs: Mapping[str, Any], table: Table = INPUTS) -> list[tuple[str, str]]:
    """A failure for each required property that is absent (None counts as absent)."""
    return [
        (prop.wire_name, f"{prop.wire_name} is required: {prop.doc}")
        for prop in table
        if prop.required and inputs.get(prop.wire_name) is None
    ]


def check_values(inputs: Mapping[str, Any], region: str | None, table: Table = INPUTS) -> list[tuple[str, str]]:
    """The rules for the values given, with the destination Region if known; absent and unknown values pass.

    Shared by check and by the SDK, which applies them to plain values when a BackupCopy is declared.
    """
    failures: list[tuple[str, str]] = []
    context = CheckContext(region)
    for prop in table:
        value = inputs.get(prop.wire_name)
        if value is None or is_unknown(value):
            continue
        failures.extend((prop.wire_name, f"{prop.wire_name} {problem}") for problem in prop.validate(value, context))

    source_region = inputs.get("sourceRegion")
    if context.region and isinstance(source_region, str) and not is_unknown(source_region):
        source_partition, partition = partition_of(source_region), partition_of(context.region)
        if source_partition and partition and source_partition != partition:
            failures.append(
                (
                    "sourceRegion",
                    f"sourceRegion {source_region} is in partition {source_partition} but "
                    f"region {context.region} is in {partition}: FSx copies only within one partition",
                )
            )
    return failures
