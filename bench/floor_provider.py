"""The floor of the real-engine benchmark: a dynamic resource whose provider does nothing and calls nothing.

Run beside BackupCopy under the same CLI, it shows what the engine, the dynamic-provider host and the SDK's
serialisation cost on their own, so that the rest is what BackupCopy adds. It takes the arguments a program gives
BackupCopy. Like BackupCopyProvider it is pickled by reference (this module is importable and has no import-time
side effects), so ``__provider`` in each resource's inputs is a short reference, not the code.
"""

from collections.abc import Mapping
from typing import Any

import pulumi
import pulumi.dynamic
from pulumi.dynamic import CheckResult, CreateResult, DiffResult, ResourceProvider, UpdateResult

ARGUMENTS = ("source_backup_id", "source_region", "region", "kms_key_id", "copy_tags", "tags")


class FloorProvider(ResourceProvider):
    """check/diff/create/update/delete answer at once; the id is the resource's name."""

    serialize_as_secret_always = False  # as BackupCopyProvider: the pickled reference is stored in plain text

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        return CheckResult(news, [])

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = [key for key in ARGUMENTS if olds.get(key) != news.get(key)]
        return DiffResult(changes=bool(changed))

    def create(self, props: dict[str, Any]) -> CreateResult:
        return CreateResult(id_=str(props.get("name", "floor")), outs=props)

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(outs=news)

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        return None


class Floor(pulumi.dynamic.Resource, module="bench", name="Floor"):
    """Declared with BackupCopy's keyword arguments; type pulumi-python:dynamic/bench:Floor."""

    def __init__(self, resource_name: str, opts: pulumi.ResourceOptions | None = None, **args: Any) -> None:
        props: dict[str, Any] = {key: args.get(key) for key in ARGUMENTS}
        props["name"] = resource_name
        if isinstance(props["tags"], Mapping):
            props["tags"] = dict(props["tags"])
        super().__init__(FloorProvider(), resource_name, props, opts)
