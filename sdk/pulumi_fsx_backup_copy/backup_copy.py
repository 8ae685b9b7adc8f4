"""BackupCopy: an Amazon FSx backup copy (CopyBackup, in-Region or cross-Region) as a Pulumi resource.

Shaped like pulumi-aws's generated SDKs: a typed ``BackupCopyArgs``, keyword arguments of the same names,
snake_case in Python and camelCase on the wire (both from the provider's property table), ``pulumi.Output``
attributes, and a static ``get``.
"""

import inspect
from collections.abc import Awaitable, Mapping
from typing import Any, overload

import pulumi
import pulumi.dynamic

from fsx_backup_copy_provider import BackupCopyProvider
from fsx_backup_copy_provider.check import check_values, missing_required
from fsx_backup_copy_provider.schema import INPUTS, OUTPUTS, PYTHON_TO_WIRE, WIRE_TO_PYTHON
from fsx_backup_copy_provider.unknowns import WIRE_UNKNOWN, contains_unknown, is_unknown
from fsx_backup_copy_provider.validation import check_backup_id


class BackupCopyArgs:
    """The arguments of a BackupCopy; see README.md for each one's meaning and when a change replaces the copy."""

    def __init__(
        self,
        *,
        source_backup_id: pulumi.Input[str],
        source_region: pulumi.Input[str] | None = None,
        region: pulumi.Input[str] | None = None,
        kms_key_id: pulumi.Input[str] | None = None,
        copy_tags: pulumi.Input[bool] | None = None,
        tags: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None = None,
        adopt_backup_id: pulumi.Input[str] | None = None,
    ) -> None:
        self.source_backup_id = source_backup_id
        self.source_region = source_region
        self.region = region
        self.kms_key_id = kms_key_id
        self.copy_tags = copy_tags
        self.tags = tags
        self.adopt_backup_id = adopt_backup_id


class BackupCopyArgsError(ValueError):
    """Plain argument values that the provider's check would refuse, raised when the BackupCopy is declared.

    So that a program's unit tests (``pulumi.runtime.set_mocks``, where no Check runs) see bad inputs too.
    ``failures`` holds (property, reason) pairs with exactly the texts ``pulumi up`` would show.
    """

    def __init__(self, resource_name: str, failures: list[tuple[str, str]]) -> None:
        self.resource_name = resource_name
        self.failures = failures
        reasons = "".join(f"\n  - {reason}" for _, reason in failures)
        super().__init__(f"BackupCopy '{resource_name}' has invalid arguments:{reasons}")


def _plain(value: Any) -> Any:
    """The value as check sees it, with Outputs and awaitables (not known yet) as unknowns, which check skips."""
    if isinstance(value, pulumi.Output) or inspect.isawaitable(value):
        return WIRE_UNKNOWN
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    return value


def _argument_failures(props: Mapping[str, Any]) -> list[tuple[str, str]]:
    """check's rules applied to the plain values the program gave (python names in ``props``).

    The destination Region is the region argument, else the stack's aws:region when set; the engine's Check
    still runs on every value, including the ones only known later and the defaults it alone knows.
    """
    values = {PYTHON_TO_WIRE[name]: _plain(value) for name, value in props.items() if name in PYTHON_TO_WIRE}
    region = values.get("region")
    if region is None:
        region = pulumi.Config("aws").get("region")
    known_region = region if isinstance(region, str) and not is_unknown(region) else None
    return missing_required(values) + check_values(values, known_region)


def _timeouts(opts: pulumi.ResourceOptions | None) -> dict[str, str] | None:
    """opts.custom_timeouts as an input: the dynamic host drops the engine's own copy of them."""
    timeouts = opts.custom_timeouts if opts is not None else None
    if timeouts is None:
        return None
    given = {"create": timeouts.create, "update": timeouts.update, "delete": timeouts.delete}
    return {name: value for name, value in given.items() if value} or None


def _secret_inputs(props: Mapping[str, Any]) -> list[str] | Awaitable[list[str]]:
    """The wire names of the arguments that are secrets (a secret anywhere inside counts), so the provider can keep
    their values out of every message: with acceptSecrets=false the dynamic host gets them as plain values.

    Only an Output or an awaitable can be a secret. When every argument is a plain value the answer is known at
    once, and no Output is made: each Output is a task the SDK waits on, one by one, as the program ends, so a
    fleet of plain-valued copies would otherwise pay for seven more per resource.
    """
    pending = {name: v for name, v in props.items() if name in PYTHON_TO_WIRE and contains_unknown(_plain(v))}
    if not pending:
        return []

    async def secret_names() -> list[str]:
        found = [
            PYTHON_TO_WIRE[name] for name, value in pending.items() if await pulumi.Output.from_input(value).is_secret()
        ]
        return sorted(found)

    return secret_names()


def _identity(resource_name: str, opts: pulumi.ResourceOptions | None) -> str:
    """project/stack/[parent type::parent name/]name, known when the resource is declared (the URN is an Output).

    Like the URN, it tells apart same-named resources under different parents; Python resources do not keep their
    own parent, so only the direct parent is included.
    """
    parent = opts.parent if opts is not None else None
    scope = [f"{getattr(parent, '_type', '?')}::{getattr(parent, '_name', '?')}"] if parent is not None else []
    return "/".join([pulumi.get_project(), pulumi.get_stack(), *scope, resource_name])


class BackupCopy(pulumi.dynamic.Resource, module="fsx", name="BackupCopy"):
    """A copy of an FSx backup, made with CopyBackup and kept AVAILABLE; type pulumi-python:dynamic/fsx:BackupCopy."""

    backup_id: pulumi.Output[str]
    arn: pulumi.Output[str]
    lifecycle: pulumi.Output[str]
    progress_percent: pulumi.Output[int]
    kms_key_id: pulumi.Output[str]
    tags: pulumi.Output[Mapping[str, str]]
    file_system_id: pulumi.Output[str]
    file_system_type: pulumi.Output[str]
    volume_id: pulumi.Output[str | None]
    resource_type: pulumi.Output[str]
    owner_id: pulumi.Output[str]
    creation_time: pulumi.Output[str]
    backup_type: pulumi.Output[str]
    source_backup_id: pulumi.Output[str]
    source_region: pulumi.Output[str]
    region: pulumi.Output[str]
    copy_tags: pulumi.Output[bool]

    @overload
    def __init__(
        self, resource_name: str, args: BackupCopyArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None: ...

    @overload
    def __init__(
        self,
        resource_name: str,
        opts: pulumi.ResourceOptions | None = None,
        *,
        source_backup_id: pulumi.Input[str],
        source_region: pulumi.Input[str] | None = None,
        region: pulumi.Input[str] | None = None,
        kms_key_id: pulumi.Input[str] | None = None,
        copy_tags: pulumi.Input[bool] | None = None,
        tags: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None = None,
        adopt_backup_id: pulumi.Input[str] | None = None,
    ) -> None: ...

    def __init__(self, resource_name: str, *args: Any, **kwargs: Any) -> None:
        given = args[0] if args else kwargs.get("args")
        if isinstance(given, Mapping):
            raise TypeError(
                f"BackupCopy '{resource_name}': got a {type(given).__name__} where BackupCopyArgs belongs; pass "
                f"BackupCopyArgs(source_backup_id=..., ...) or keyword arguments: "
                f"BackupCopy('{resource_name}', source_backup_id=..., ...). "
                f"With a dict d of argument names: BackupCopyArgs(**d)"
            )
        args_given = args[0] if args and isinstance(args[0], BackupCopyArgs) else kwargs.pop("args", None)
        if isinstance(args_given, BackupCopyArgs):
            opts = kwargs.pop("opts", None) or (args[1] if len(args) > 1 else None)
            if kwargs:
                raise TypeError(
                    f"BackupCopy: pass either args=BackupCopyArgs(...) or keywords, not both: {sorted(kwargs)}"
                )
            resource_args = args_given
        else:
            opts = kwargs.pop("opts", None) or (args[0] if args else None)
            _refuse_wire_names(resource_name, kwargs)
            resource_args = BackupCopyArgs(**kwargs)
        if opts is not None and not isinstance(opts, pulumi.ResourceOptions):
            raise TypeError("BackupCopy: opts must be a pulumi.ResourceOptions")

        props: dict[str, Any] = {p.python_name: getattr(resource_args, p.python_name) for p in INPUTS if not p.internal}
        props["custom_timeouts"] = _timeouts(opts)
        if failures := _argument_failures(props):
            raise BackupCopyArgsError(resource_name, failures)
        props["resource_identity"] = _identity(resource_name, opts)
        props["secret_inputs"] = _secret_inputs(dict(props))
        for output in OUTPUTS:
            props.setdefault(output.python_name, None)
        super().__init__(BackupCopyProvider(), resource_name, props, opts)

    @staticmethod
    def get(
        resource_name: str,
        id: pulumi.Input[str],
        region: pulumi.Input[str] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> "BackupCopy":
        """Read an existing copy by backup id (and Region, else the stack's aws:region) without managing it."""
        plain_id = _plain(id)
        if not is_unknown(plain_id) and (problem := check_backup_id(plain_id)):
            raise BackupCopyArgsError(resource_name, [("id", f"BackupCopy.get id: {problem}")])
        props: dict[str, Any] = {output.python_name: None for output in OUTPUTS}
        props["region"] = region
        resource = BackupCopy.__new__(BackupCopy)
        pulumi.dynamic.Resource.__init__(
            resource,
            BackupCopyProvider(),
            resource_name,
            props,
            pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(id=id)),
        )
        return resource

    def translate_output_property(self, prop: str) -> str:
        return WIRE_TO_PYTHON.get(prop, prop)

    def translate_input_property(self, prop: str) -> str:
        return PYTHON_TO_WIRE.get(prop, prop)


def _refuse_wire_names(resource_name: str, keywords: Mapping[str, Any]) -> None:
    """A camelCase keyword (the wire name, as in Pulumi.yaml or the state) gets its Python name in the error."""
    wire = {k: WIRE_TO_PYTHON[k] for k in keywords if k in WIRE_TO_PYTHON and WIRE_TO_PYTHON[k] != k}
    if wire:
        hints = ", ".join(f"{k}= -> {v}=" for k, v in sorted(wire.items()))
        raise TypeError(f"BackupCopy '{resource_name}': Python arguments are snake_case: {hints}")


def _documented(doc: str | None, heading: str, entries: list[tuple[str, str]]) -> str:
    """A docstring with one line per argument or output, from the property table (as pulumi-aws's SDKs have)."""
    return f"{doc or ''}\n\n{heading}:\n" + "".join(f"    {name}: {text}\n" for name, text in entries)


BackupCopyArgs.__doc__ = _documented(
    BackupCopyArgs.__doc__, "Arguments", [(p.python_name, p.doc) for p in INPUTS if not p.internal]
)
BackupCopy.__doc__ = _documented(BackupCopy.__doc__, "Outputs", [(o.python_name, o.doc) for o in OUTPUTS])
