"""Play the Pulumi engine against the SDK's real dynamic-provider host, over gRPC, in the engine's order.

Sources for every request's contents: ../shared/reference/pulumi-engine-contract.md (sections 1-3). The host is
started exactly as the CLI's pulumi-resource-pulumi-python does (``python -u -m pulumi.dynamic``, working directory
the program's folder, PULUMI_PROJECT and PULUMI_CONFIG set); requests carry plain values (the host answers
Configure with acceptSecrets=false), unknowns only in preview Check/Diff, old *outputs* in Diff/Update/Delete, and a
second Check with empty olds on replacement. Every call is recorded in the PULUMI_DEBUG_GRPC JSON-lines format.
"""

import json
import os
import secrets
import subprocess
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
PROVIDER_KEY = "__provider"
METADATA = {"kind": "resource", "mode": "client", "name": "pulumi-python"}


def to_struct(value: dict[str, Any]) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update(value)
    return struct


def from_struct(struct: struct_pb2.Struct) -> dict[str, Any]:
    result: dict[str, Any] = json_format.MessageToDict(struct)
    return result


class RpcFailed(Exception):
    """The host answered with an error status (the engine shows its details to the user)."""

    def __init__(self, method: str, code: grpc.StatusCode, details: str) -> None:
        super().__init__(f"{method}: {code.name}: {details}")
        self.method = method
        self.code = code
        self.details = details


@dataclass
class Recorder:
    """The RPC log, one PULUMI_DEBUG_GRPC entry per call (protojson request/response, or errors)."""

    entries: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, method: str, request: Any, response: Any = None, error: RpcFailed | None = None) -> None:
        entry: dict[str, Any] = {
            "method": f"/pulumirpc.ResourceProvider/{method}",
            "request": json_format.MessageToDict(request),
        }
        if error is not None:
            entry["errors"] = [f"rpc error: code = {error.code.name.title()} desc = {error.details}"]
        else:
            entry["response"] = json_format.MessageToDict(response)
        entry["metadata"] = METADATA
        with self.lock:
            self.entries.append(entry)

    def write(self, path: Path) -> None:
        path.write_text("".join(json.dumps(e, sort_keys=True) + "\n" for e in self.entries))

    def methods(self) -> list[str]:
        return [e["method"].rsplit("/", 1)[-1] for e in self.entries]


class DynamicHost:
    """``python -u -m pulumi.dynamic`` as a separate process, with its stdout/stderr drained and kept."""

    def __init__(self, program_dir: Path, project: str, env: dict[str, str]) -> None:
        self.program_dir, self.env = program_dir, env
        self.process = subprocess.Popen(
            [sys.executable, "-u", "-m", "pulumi.dynamic", "127.0.0.1:0"],
            cwd=program_dir,
            env={**env, "PULUMI_PROJECT": project, "PULUMI_CONFIG": "{}"},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert self.process.stdout is not None and self.process.stderr is not None
        port_line = self.process.stdout.readline().decode().strip()  # the engine reads up to the first newline
        if not port_line.isdigit():
            self.process.kill()
            raise RuntimeError(f"dynamic host did not print its port: {port_line!r}")
        self.port = int(port_line)
        self.output: list[str] = []
        self.on_line: Callable[[str], None] | None = None  # e.g. the demo shows the host's log lines live
        self._drains = [
            threading.Thread(target=self._drain, args=(stream,), daemon=True)
            for stream in (self.process.stdout, self.process.stderr)
        ]
        for drain in self._drains:
            drain.start()
        self.channel = grpc.insecure_channel(f"127.0.0.1:{self.port}")
        self.stub = provider_pb2_grpc.ResourceProviderStub(self.channel)

    def _drain(self, stream: Any) -> None:
        for line in iter(stream.readline, b""):
            text = line.decode(errors="replace").rstrip("\n")
            self.output.append(text)
            if self.on_line is not None:
                self.on_line(text)

    def stop(self) -> int:
        """Like the engine's Close: SIGINT, a grace period, then kill."""
        self.channel.close()
        if self.process.poll() is None:
            self.process.send_signal(2)
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
        code = self.process.wait()
        for drain in self._drains:
            drain.join(timeout=5)
        return code

    def kill(self) -> None:
        """SIGKILL, as a CI runner that times out does: no cleanup of any kind."""
        self.process.kill()
        self.process.wait()
        self.channel.close()


@dataclass
class Goal:
    """A resource as the program registered it: type token, name and inputs (with __provider)."""

    type: str
    name: str
    inputs: dict[str, Any]
    custom_timeouts: dict[str, float] = field(default_factory=dict)
    delete_before_replace: bool = False


@dataclass
class StateEntry:
    urn: str
    type: str
    id: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    pending_delete: bool = False

    @property
    def name(self) -> str:
        return self.urn.rsplit("::", 1)[-1]


@dataclass
class Outcome:
    """What one engine operation did: the step per URN, errors per URN, and the diffs it computed."""

    steps: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    diffs: dict[str, provider_pb2.DiffResponse] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return any(step != "same" for step in self.steps.values())


class Engine:
    """Engine state plus the RPC sequences of up, preview, refresh, destroy, replace and get."""

    def __init__(self, host: DynamicHost, project: str, stack: str, config: dict[str, Any]) -> None:
        self.host = host
        self.project = project
        self.stack = stack
        self.config = config
        self.state: dict[str, StateEntry] = {}
        self.recorder = Recorder()

    # ------------------------------------------------------------------ plumbing
    def urn(self, goal_type: str, name: str) -> str:
        return f"urn:pulumi:{self.stack}::{self.project}::{goal_type}::{name}"

    def call(self, method: str, request: Any) -> Any:
        try:
            response = getattr(self.host.stub, method)(request, timeout=600)
        except grpc.RpcError as error:
            failed = RpcFailed(method, error.code(), error.details() or "")
            self.recorder.add(method, request, error=failed)
            raise failed from None
        self.recorder.add(method, request, response)
        return response

    def restart_host(self, env: dict[str, str] | None = None) -> None:
        """A new provider process with the same state: what the next CLI run does after a crash."""
        old = self.host
        if old.process.poll() is None:
            old.stop()
        self.host = DynamicHost(old.program_dir, self.project, env or old.env)
        self.prologue()

    def prologue(self) -> None:
        """Handshake (unimplemented), GetPluginInfo, CheckConfig (unimplemented), Configure."""
        for method, request in (
            ("Handshake", provider_pb2.ProviderHandshakeRequest(engine_address="127.0.0.1:0")),
            (
                "CheckConfig",
                provider_pb2.CheckRequest(
                    urn=self.urn("pulumi:providers:pulumi-python", "default"),
                    name="default",
                    type="pulumi:providers:pulumi-python",
                    olds=to_struct({}),
                    news=to_struct(self.config),
                ),
            ),
        ):
            try:
                self.call(method, request)
            except RpcFailed as error:
                if error.code is not grpc.StatusCode.UNIMPLEMENTED:
                    raise
        self.call("GetPluginInfo", empty_pb2.Empty())
        variables = {
            f"pulumi-python:config:{key}": value if isinstance(value, str) else json.dumps(value)
            for key, value in self.config.items()
        }
        self.call(
            "Configure",
            provider_pb2.ConfigureRequest(
                variables=variables,
                args=to_struct(self.config),
                acceptSecrets=True,
                acceptResources=True,
                sends_old_inputs=True,
                sends_old_inputs_to_delete=True,
            ),
        )

    # ------------------------------------------------------------------ steps
    def check(self, urn: str, goal: Goal, olds: dict[str, Any]) -> dict[str, Any]:
        response = self.call(
            "Check",
            provider_pb2.CheckRequest(
                urn=urn,
                name=goal.name,
                type=goal.type,
                olds=to_struct(olds),
                news=to_struct(goal.inputs),
                randomSeed=secrets.token_bytes(32),
            ),
        )
        if response.failures:
            raise CheckFailed([(f.property, f.reason) for f in response.failures])
        return from_struct(response.inputs)

    def diff(self, entry: StateEntry, news: dict[str, Any]) -> provider_pb2.DiffResponse:
        """Diff as the engine sends it: olds = the state's OUTPUTS, old_inputs = its inputs."""
        response: provider_pb2.DiffResponse = self.call(
            "Diff",
            provider_pb2.DiffRequest(
                id=entry.id,
                urn=entry.urn,
                olds=to_struct(entry.outputs),
                news=to_struct(news),
                old_inputs=to_struct(entry.inputs),
                name=entry.name,
                type=entry.type,
            ),
        )
        return response

    @staticmethod
    def decide(diff: provider_pb2.DiffResponse, old_inputs: dict[str, Any], news: dict[str, Any]) -> bool:
        """Whether the engine takes a change from this Diff; on DIFF_UNKNOWN it compares old and new inputs
        itself, __provider included (step_generator.go diffResource)."""
        if diff.changes == provider_pb2.DiffResponse.DIFF_UNKNOWN:
            return any(old_inputs.get(k) != news.get(k) for k in set(old_inputs) | set(news))
        return bool(diff.changes == provider_pb2.DiffResponse.DIFF_SOME)

    def create(self, urn: str, goal: Goal, inputs: dict[str, Any]) -> StateEntry:
        response = self.call(
            "Create",
            provider_pb2.CreateRequest(
                urn=urn,
                name=goal.name,
                type=goal.type,
                properties=to_struct(inputs),
                timeout=goal.custom_timeouts.get("create", 0),
            ),
        )
        if not response.id:
            raise RpcFailed("Create", grpc.StatusCode.UNKNOWN, "provider did not return an ID from Create")
        return StateEntry(urn, goal.type, response.id, inputs, from_struct(response.properties))

    def update(self, entry: StateEntry, goal: Goal, news: dict[str, Any]) -> None:
        response = self.call(
            "Update",
            provider_pb2.UpdateRequest(
                id=entry.id,
                urn=entry.urn,
                olds=to_struct(entry.outputs),
                news=to_struct(news),
                old_inputs=to_struct(entry.inputs),
                name=goal.name,
                type=goal.type,
                timeout=goal.custom_timeouts.get("update", 0),
            ),
        )
        entry.outputs = from_struct(response.properties)  # as returned: partial outputs lose keys
        entry.inputs = news

    def delete(self, entry: StateEntry) -> None:
        self.call(
            "Delete",
            provider_pb2.DeleteRequest(
                id=entry.id,
                urn=entry.urn,
                properties=to_struct(entry.outputs),
                old_inputs=to_struct(entry.inputs),
                name=entry.name,
                type=entry.type,
            ),
        )

    # ------------------------------------------------------------------ operations
    def up(
        self,
        goals: list[Goal],
        preview: bool = False,
        replace: frozenset[str] = frozenset(),
        parallel: int = 16,
    ) -> Outcome:
        """``pulumi up`` (or ``pulumi preview`` with preview=True). ``replace`` holds names, like --replace."""
        outcome = Outcome()
        deferred_deletes: list[StateEntry] = []
        lock = threading.Lock()

        def step(goal: Goal) -> None:
            urn = self.urn(goal.type, goal.name)
            try:
                kind = self._step(urn, goal, preview, goal.name in replace, deferred_deletes, lock, outcome)
                with lock:
                    outcome.steps[urn] = kind
            except (RpcFailed, CheckFailed) as error:
                with lock:
                    outcome.steps[urn] = "failed"
                    outcome.errors[urn] = str(error)

        with ThreadPoolExecutor(max_workers=parallel) as pool:
            list(pool.map(step, goals))
        wanted = {self.urn(g.type, g.name) for g in goals}
        removed = [e for urn, e in self.state.items() if urn not in wanted]
        for entry in [*deferred_deletes, *removed]:
            if preview:
                outcome.steps.setdefault(entry.urn, "delete")
                continue
            try:
                self.delete(entry)
                if entry in removed:
                    del self.state[entry.urn]
                    outcome.steps[entry.urn] = "delete"
            except RpcFailed as error:
                entry.pending_delete = True  # stays in state; retried by the next up
                outcome.errors[entry.urn] = str(error)
        return outcome

    def _step(
        self,
        urn: str,
        goal: Goal,
        preview: bool,
        force_replace: bool,
        deferred: list[StateEntry],
        lock: threading.Lock,
        outcome: Outcome,
    ) -> str:
        old = self.state.get(urn)
        if old is None:
            inputs = self.check(urn, goal, {})
            if not preview:
                self.state[urn] = self.create(urn, goal, inputs)
            return "create"
        news = self.check(urn, goal, old.inputs)
        if force_replace:  # --replace: the step generator decides; the provider's Diff is not asked
            replaces = True
            delete_first = goal.delete_before_replace
        else:
            diff = self.diff(old, news)
            with lock:
                outcome.diffs[urn] = diff
            if not self.decide(diff, old.inputs, news):
                old.inputs = news
                return "same"
            replaces = bool(diff.replaces)
            delete_first = goal.delete_before_replace or diff.deleteBeforeReplace
        if not replaces:
            if not preview:
                self.update(old, goal, news)
            return "update"
        inputs = self.check(urn, goal, {})  # the second Check of a replacement
        if preview:
            return "replace"
        if delete_first:
            self.delete(old)
            del self.state[urn]
            self.state[urn] = self.create(urn, goal, inputs)
        else:
            self.state[urn] = self.create(urn, goal, inputs)
            with lock:
                deferred.append(old)
        return "replace"

    def read(self, entry: StateEntry) -> provider_pb2.ReadResponse:
        """The refresh Read: the state's id, old outputs as properties, old inputs as inputs."""
        response: provider_pb2.ReadResponse = self.call(
            "Read",
            provider_pb2.ReadRequest(
                id=entry.id,
                urn=entry.urn,
                properties=to_struct(entry.outputs),
                inputs=to_struct(entry.inputs),
                name=entry.name,
                type=entry.type,
            ),
        )
        return response

    def refresh(self, preview_only: bool = False) -> Outcome:
        """``pulumi refresh`` (or ``preview --refresh``): Read each resource, then the swapped-roles Diff."""
        outcome = Outcome()
        for urn, entry in list(self.state.items()):
            response = self.read(entry)
            if not response.id:
                outcome.steps[urn] = "delete"  # gone: refresh drops it
                if not preview_only:
                    del self.state[urn]
                continue
            refreshed = from_struct(response.properties)
            inputs = from_struct(response.inputs) if response.HasField("inputs") else entry.inputs
            view = StateEntry(urn, entry.type, response.id, inputs, refreshed)
            diff = self.diff(view, entry.inputs)
            outcome.diffs[urn] = diff
            outcome.steps[urn] = "update" if self.decide(diff, view.inputs, entry.inputs) else "same"
            if not preview_only:
                entry.outputs, entry.inputs, entry.id = refreshed, inputs, response.id
        return outcome

    def destroy(self) -> Outcome:
        outcome = Outcome()
        for urn, entry in reversed(list(self.state.items())):
            try:
                self.delete(entry)
                del self.state[urn]
                outcome.steps[urn] = "delete"
            except RpcFailed as error:
                outcome.errors[urn] = str(error)
        return outcome

    def get(self, goal_type: str, name: str, resource_id: str, props: dict[str, Any]) -> dict[str, Any]:
        """``BackupCopy.get`` / ResourceOptions(id=...): Read with properties = inputs = the props."""
        response = self.call(
            "Read",
            provider_pb2.ReadRequest(
                id=resource_id,
                urn=self.urn(goal_type, name),
                properties=to_struct(props),
                inputs=to_struct(props),
                name=name,
                type=goal_type,
            ),
        )
        if not response.id:
            raise RpcFailed("Read", grpc.StatusCode.NOT_FOUND, f"resource '{resource_id}' does not exist")
        return from_struct(response.properties)


class CheckFailed(Exception):
    def __init__(self, failures: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{prop}: {reason}" for prop, reason in failures))
        self.failures = failures


def preview_inputs(goal: Goal, unknown: set[str]) -> Goal:
    """The goal as a preview sees it when some inputs are outputs of resources not created yet."""
    return Goal(
        goal.type,
        goal.name,
        {k: (UNKNOWN if k in unknown else v) for k, v in goal.inputs.items()},
        goal.custom_timeouts,
        goal.delete_before_replace,
    )


def host_env(endpoint: str, time_scale: float = 0.001, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment the CLI would pass, pointed at the emulator, with dummy credentials."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PULUMI_"))}
    env.update(
        AWS_ENDPOINT_URL=endpoint,
        AWS_ACCESS_KEY_ID="AKIAEMULATOR00000000",
        AWS_SECRET_ACCESS_KEY="emulator-secret-not-real",
        AWS_EC2_METADATA_DISABLED="true",
        AWS_CONFIG_FILE="/dev/null",
        AWS_SHARED_CREDENTIALS_FILE="/dev/null",
        FSX_BACKUP_COPY_TIME_SCALE=str(time_scale),
    )
    env.update(extra or {})
    return env


def goals_from_program(
    program: Path,
    project: str,
    stack: str,
    config: dict[str, Any],
    preview: bool = False,
    resource_ids: dict[str, Callable[[], str]] | None = None,
) -> list[Goal]:
    """Run a real Pulumi program under set_mocks and return what it registered, as the engine would receive it."""
    import runpy

    import pulumi

    registered: list[Goal] = []

    class Capture(pulumi.runtime.Mocks):
        def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
            registered.append(Goal(args.typ, args.name, dict(args.inputs)))
            make_id = (resource_ids or {}).get(args.typ)
            return (make_id() if make_id else f"{args.name}-id"), dict(args.inputs)

        def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], None]:
            return {}, None

    pulumi.runtime.set_mocks(Capture(), project=project, stack=stack, preview=preview)
    pulumi.runtime.set_all_config({k: v if isinstance(v, str) else json.dumps(v) for k, v in config.items()})
    sys.path.insert(0, str(program.parent))
    try:

        @pulumi.runtime.test
        def run() -> Any:
            namespace = runpy.run_path(str(program), run_name="__main__")
            outputs = [v.urn for v in namespace.values() if isinstance(v, pulumi.CustomResource)]
            return pulumi.Output.all(*outputs)

        run()
    finally:
        sys.path.remove(str(program.parent))
        pulumi.runtime.set_all_config({})
    for goal in registered:
        timeouts = goal.inputs.get("customTimeouts") or {}
        goal.custom_timeouts = {k: _seconds(v) for k, v in timeouts.items()}
    return registered


def _seconds(duration: str) -> float:
    from fsx_backup_copy_provider.timeouts import parse_duration

    return parse_duration(duration)
