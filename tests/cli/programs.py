"""Inline Pulumi programs for the real-engine tier: the resources a user would declare, as plain data."""

from dataclasses import dataclass, field
from typing import Any

import pulumi

from pulumi_fsx_backup_copy import BackupCopy
from tests.cli.realengine import Program


@dataclass
class Copy:
    """One ``BackupCopy`` declaration: its name, its arguments, and the resource options the tests use."""

    name: str
    args: dict[str, Any]
    retain_on_delete: bool = False
    create_timeout: str | None = None
    secret_args: frozenset[str] = field(default_factory=frozenset)

    def declare(self) -> BackupCopy:
        args = {k: pulumi.Output.secret(v) if k in self.secret_args else v for k, v in self.args.items()}
        if "tags" in self.secret_args:
            args["tags"] = {k: pulumi.Output.secret(v) for k, v in self.args["tags"].items()}
        timeouts = pulumi.CustomTimeouts(create=self.create_timeout) if self.create_timeout else None
        return BackupCopy(
            self.name,
            **args,
            opts=pulumi.ResourceOptions(retain_on_delete=self.retain_on_delete, custom_timeouts=timeouts),
        )


def copies(*declared: Copy) -> Program:
    """A program that declares these copies and exports each one's id."""

    def program() -> None:
        for copy in declared:
            pulumi.export(copy.name, copy.declare().backup_id)

    return program


def getter(name: str, backup_id: str, region: str) -> Program:
    """A program that reads an existing copy with ``BackupCopy.get`` and exports what it found."""

    def program() -> None:
        found = BackupCopy.get(name, backup_id, region=region)
        pulumi.export("lifecycle", found.lifecycle)
        pulumi.export("arn", found.arn)

    return program
