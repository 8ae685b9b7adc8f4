"""The property table (provider/fsx_backup_copy_provider/schema.py) is the one source: every fact the SDK restates
by hand (argument names, order, types, required-ness, the keyword overload, the Output annotations) is checked
against it, and check, diff and the outputs follow a table with one more property without any other edit."""

import ast
import inspect
import re
from dataclasses import replace
from typing import Any

from fsx_backup_copy_provider.check import check_inputs
from fsx_backup_copy_provider.diff import diff_inputs
from fsx_backup_copy_provider.schema import INPUTS, OUTPUTS, InputProperty, OnChange, OutputProperty
from fsx_backup_copy_provider.state import CopyInputs, outputs_of
from pulumi_fsx_backup_copy import backup_copy

SDK_SOURCE = ast.parse(inspect.getsource(backup_copy))


def _plain(annotation: str) -> str:
    """The type an SDK annotation declares, without pulumi.Input/Output wrappers and without `| None`."""
    text = annotation.replace(" | None", "")
    while match := re.search(r"pulumi\.(?:Input|Output)\[", text):
        depth, end = 1, match.end()
        while depth:
            depth += {"[": 1, "]": -1}.get(text[end], 0)
            end += 1
        text = text[: match.start()] + text[match.end() : end - 1] + text[end:]
    return text


def _function(class_name: str, index: int = -1) -> ast.FunctionDef:
    [cls] = [n for n in SDK_SOURCE.body if isinstance(n, ast.ClassDef) and n.name == class_name]
    inits = [n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"]
    return inits[index]


def sdk_mismatches(inputs: tuple[InputProperty, ...], outputs: tuple[OutputProperty, ...]) -> list[str]:
    """Where the SDK's hand-written declarations disagree with a property table (an empty list: they agree)."""
    wanted = [(p.python_name, p.python_type, p.required) for p in inputs if not p.internal]
    problems: list[str] = []
    for where, init in (
        ("BackupCopyArgs", _function("BackupCopyArgs")),
        ("BackupCopy keywords", _function("BackupCopy", 1)),
    ):
        declared = [
            (
                a.arg,
                _plain(ast.unparse(a.annotation)) if a.annotation else "",
                index >= len(init.args.kw_defaults) or init.args.kw_defaults[index] is None,
            )
            for index, a in enumerate(init.args.kwonlyargs)
        ]
        if declared != wanted:
            problems.append(f"{where} declares {declared}, the table says {wanted}")
    [cls] = [n for n in SDK_SOURCE.body if isinstance(n, ast.ClassDef) and n.name == "BackupCopy"]
    annotated = [
        (n.target.id, _plain(ast.unparse(n.annotation)))
        for n in cls.body
        if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)
    ]
    if annotated != [(o.python_name, o.python_type) for o in outputs]:
        problems.append(
            f"BackupCopy's outputs are {annotated}, the table says {[(o.python_name, o.python_type) for o in outputs]}"
        )
    return problems


def test_the_sdk_restates_the_table_exactly() -> None:
    assert sdk_mismatches(INPUTS, OUTPUTS) == []


RETENTION = InputProperty(
    "retention_days",
    "retentionDays",
    "int",
    OnChange.UPDATE,
    lambda value, context: [] if isinstance(value, int) and value > 0 else ["must be a whole number of days above 0"],
    "How long the copy is kept.",
)
EXTENDED_INPUTS = (*INPUTS, RETENTION)
EXTENDED_OUTPUTS = (
    *OUTPUTS,
    OutputProperty("retention_days", "retentionDays", "int", "How long the copy is kept.", lambda b, i: 7),
)
NEWS: dict[str, Any] = {
    "sourceBackupId": "backup-0a3364eded1014b28",
    "sourceRegion": "us-east-2",
    "region": "us-west-2",
    "resourceIdentity": "proj/dev/copy",
}


def test_a_new_property_in_the_table_reaches_check_diff_outputs_and_the_sdk_check() -> None:
    # check: validated by its rule, and unknown to the real table
    _, failures = check_inputs({**NEWS, "retentionDays": 0}, None, EXTENDED_INPUTS)
    assert failures == [("retentionDays", "retentionDays must be a whole number of days above 0")]
    assert [p for p, _ in check_inputs({**NEWS, "retentionDays": 3}, None)[1]] == ["retentionDays"]

    # outputs: the new output comes from its source
    backup = {"BackupId": "backup-0123456789abcdef0", "SourceBackupId": NEWS["sourceBackupId"], "Tags": []}
    outs = outputs_of(backup, CopyInputs.from_props(NEWS), {}, {}, EXTENDED_OUTPUTS)
    assert outs["retentionDays"] == 7

    # diff: a change of an UPDATE property is an update, not a replacement; made REPLACE, it replaces
    olds = {**outs, "region": "us-west-2", "sourceRegion": "us-east-2", "tags": {}}

    def resolve(reference: str, region: str) -> str | None:
        return None

    changed = diff_inputs(olds, {**NEWS, "retentionDays": 30}, resolve, EXTENDED_INPUTS)
    assert (changed.changed, changed.replaces) == (["retentionDays"], [])
    forcing = (*INPUTS, replace(RETENTION, on_change=OnChange.REPLACE))
    assert diff_inputs(olds, {**NEWS, "retentionDays": 30}, resolve, forcing).replaces == ["retentionDays"]
    assert not diff_inputs(olds, {**NEWS, "retentionDays": 7}, resolve, EXTENDED_INPUTS).any

    # the SDK is hand-written: the check above fails until BackupCopyArgs, the keyword overload and the Output
    # annotations declare the new property
    problems = sdk_mismatches(EXTENDED_INPUTS, EXTENDED_OUTPUTS)
    assert len(problems) == 3 and all("retention_days" in p for p in problems)


def test_the_sdk_documents_each_argument_and_output_from_the_table() -> None:
    for prop in INPUTS:
        if not prop.internal:
            assert f"    {prop.python_name}: {prop.doc}" in (backup_copy.BackupCopyArgs.__doc__ or "")
    for output in OUTPUTS:
        assert f"    {output.python_name}: {output.doc}" in (backup_copy.BackupCopy.__doc__ or "")
