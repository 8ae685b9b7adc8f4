"""What the engine keeps: goals the program registers, the state it records, what one operation did, and how it
carries secrets for a provider that cannot take them (pkg/resource/plugin/provider_plugin.go)."""

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import grpc
from google.protobuf import json_format, struct_pb2
from pulumi.runtime.proto import provider_pb2

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
PROVIDER_KEY = "__provider"
# How the engine writes a secret into a checkpoint (its signature key and secret signature), with a stand-in for
# the ciphertext: whatever is stored under it is not readable in the state file.
SECRET_SIG = "4dabf18193072939515e22adb298388d"
SECRET_MARK = {SECRET_SIG: "1b47061264138c4ac30d75fd1eb44270", "ciphertext": "<encrypted by the secrets provider>"}

Path = tuple[str, ...]


def to_struct(value: dict[str, Any]) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update(value)
    return struct


def from_struct(struct: struct_pb2.Struct) -> dict[str, Any]:
    result: dict[str, Any] = json_format.MessageToDict(struct)
    return result


def as_paths(paths: Iterable[str | Path]) -> set[Path]:
    """Dotted strings ("tags.db-password") or tuples, as tuples."""
    return {tuple(p.split(".")) if isinstance(p, str) else tuple(p) for p in paths}


class RpcFailed(Exception):
    """The host answered with an error status (the engine shows its details to the user)."""

    def __init__(self, method: str, code: grpc.StatusCode, details: str) -> None:
        super().__init__(f"{method}: {code.name}: {details}")
        self.method = method
        self.code = code
        self.details = details


class CheckFailed(Exception):
    def __init__(self, failures: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{prop}: {reason}" for prop, reason in failures))
        self.failures = failures


class EngineRefused(Exception):
    """The engine itself stops a step before any RPC (protect, a replacement it will not do)."""


@dataclass
class Goal:
    """A resource as the program registered it: type token, name, inputs (with __provider) and its options.

    ``delete_before_replace`` None means the option is not set (the provider's Diff decides); True or False
    overrides the provider (step_generator.go continueStepsFromDiff). ``secret_inputs`` are dotted paths of inputs
    the program made secret (``"kmsKeyId"``, or ``"tags.db-password"`` for one value inside a map).
    """

    type: str
    name: str
    inputs: dict[str, Any]
    custom_timeouts: dict[str, float] = field(default_factory=dict)
    delete_before_replace: bool | None = None
    retain_on_delete: bool = False
    protect: bool = False
    ignore_changes: list[str] = field(default_factory=list)
    secret_inputs: set[str] = field(default_factory=set)
    replace_on_changes: list[str] = field(default_factory=list)


@dataclass
class StateEntry:
    """One resource in the checkpoint: ids, inputs and outputs as the engine stores them, with its flags.

    ``delete`` marks the old copy of a create-before-delete replacement whose Delete has not succeeded yet;
    ``pending_replacement`` an old copy a delete-before-replace already deleted (resource.State fields of the
    same names). ``secret_inputs``/``secret_outputs`` are the paths the engine would encrypt.
    """

    urn: str
    type: str
    id: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    custom_timeouts: dict[str, float] = field(default_factory=dict)
    protect: bool = False
    retain_on_delete: bool = False
    delete: bool = False
    pending_replacement: bool = False
    taint: bool = False
    secret_inputs: set[Path] = field(default_factory=set)
    secret_outputs: set[Path] = field(default_factory=set)

    @property
    def name(self) -> str:
        return self.urn.rsplit("::", 1)[-1]

    @property
    def pending_delete(self) -> bool:
        return self.delete

    def stored(self) -> dict[str, Any]:
        """The entry as the state file holds it: secret values encrypted, everything else in plain text."""
        return {
            "urn": self.urn,
            "id": self.id,
            "inputs": masked(self.inputs, self.secret_inputs),
            "outputs": masked(self.outputs, self.secret_outputs),
        }


@dataclass
class Outcome:
    """What one engine operation did: the step per URN, errors per URN, and the diffs it computed.

    ``preview`` is the outcome of the preview deployment that ran first (``pulumi up`` without --skip-preview).
    """

    steps: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    diffs: dict[str, provider_pb2.DiffResponse] = field(default_factory=dict)
    preview: "Outcome | None" = None

    @property
    def changed(self) -> bool:
        return any(step not in ("same", "skipped") for step in self.steps.values())


# --------------------------------------------------------------------------------------------- secrets
def _contains_secret(path: Path, secrets: set[Path]) -> bool:
    return any(s[: len(path)] == path for s in secrets)


def annotate_secrets(outs: dict[str, Any], ins: dict[str, Any], secret_ins: set[Path], prefix: Path = ()) -> set[Path]:
    """Output paths the engine marks secret after a call to a provider that does not accept secrets.

    provider_plugin.go annotateSecrets: for every input key also present in the outputs, recurse when both values
    are maps (and the input map is not itself secret), else mark the whole output value secret when the input
    value holds any secret. Outputs under keys no input has (bookkeeping maps, say) are never marked.
    """
    marked: set[Path] = set()
    for key, in_value in ins.items():
        if key not in outs:
            continue
        path = (*prefix, key)
        out_value = outs[key]
        if isinstance(out_value, dict) and isinstance(in_value, dict) and path not in secret_ins:
            marked |= annotate_secrets(out_value, in_value, secret_ins, path)
        elif _contains_secret(path, secret_ins):
            marked.add(path)
    return marked


def masked(values: dict[str, Any], secrets: set[Path]) -> dict[str, Any]:
    result = copy.deepcopy(values)
    for path in sorted(secrets, key=len):
        parent: Any = result
        for key in path[:-1]:
            parent = parent.get(key) if isinstance(parent, dict) else None
        if isinstance(parent, dict) and path[-1] in parent:
            parent[path[-1]] = dict(SECRET_MARK)
    return result


def unwrap_secrets(value: Any, prefix: Path = ()) -> tuple[Any, set[Path]]:
    """Plain values and the paths of the secret ones, from properties holding the SDK's secret wrappers."""
    if isinstance(value, dict) and value.get(SECRET_SIG) == SECRET_MARK[SECRET_SIG]:
        inner, _ = unwrap_secrets(value.get("value"), prefix)
        return inner, {prefix}
    if isinstance(value, dict):
        plain: dict[str, Any] = {}
        paths: set[Path] = set()
        for key, item in value.items():
            plain[key], found = unwrap_secrets(item, (*prefix, key))
            paths |= found
        return plain, paths
    if isinstance(value, list):
        items, paths = [], set()
        for index, item in enumerate(value):
            plain_item, found = unwrap_secrets(item, (*prefix, str(index)))
            items.append(plain_item)
            paths |= found
        return items, paths
    return value, set()


# --------------------------------------------------------------------------------------------- ignoreChanges
def ignore_changes(news: dict[str, Any], olds: dict[str, Any], paths: list[str]) -> dict[str, Any]:
    """step_generator.go processIgnoreChanges: each ignored path takes its old value (or goes, if it had none)."""
    result = copy.deepcopy(news)
    for dotted in paths:
        keys = dotted.split(".")
        old_parent: Any = olds
        new_parent: Any = result
        for key in keys[:-1]:
            old_parent = old_parent.get(key) if isinstance(old_parent, dict) else None
            new_parent = new_parent.setdefault(key, {}) if isinstance(new_parent, dict) else None
        if not isinstance(new_parent, dict):
            continue
        if isinstance(old_parent, dict) and keys[-1] in old_parent:
            new_parent[keys[-1]] = copy.deepcopy(old_parent[keys[-1]])
        else:
            new_parent.pop(keys[-1], None)
    return result
