"""Play the Pulumi engine against the SDK's real dynamic-provider host, over gRPC, as the CLI does.

The Engine holds the stack's state and no host: every deployment (each preview, update, refresh and destroy)
starts a fresh ``python -u -m pulumi.dynamic``, runs the prologue, sends its steps, then a Cancel RPC, and stops the
host with SIGINT (pkg/engine/update.go and deployment.go: a new plugin host per deployment; pkg/host/host.go
ReleaseContext: Cancel, then Close, when it ends). ``pulumi up``
without --skip-preview is two deployments: a preview, then the update. Nothing a provider keeps in memory
survives from one deployment to the next. The facts this relies on, with their sources: tests/engine/README.md.
"""

import copy
import dataclasses
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import grpc

from tests.engine.deployment import PROVIDER_TYPE, Deployment
from tests.engine.host import DynamicHost
from tests.engine.model import (
    PROVIDER_KEY,
    UNKNOWN,
    CheckFailed,
    EngineRefused,
    Goal,
    Outcome,
    RpcFailed,
    StateEntry,
    from_struct,
    to_struct,
)
from tests.engine.program import goals_from_program
from tests.engine.rpclog import Recorder
from tests.engine.steps import Snapshot, Steps

__all__ = [
    "PROVIDER_KEY",
    "UNKNOWN",
    "CheckFailed",
    "Deployment",
    "DynamicHost",
    "Engine",
    "EngineRefused",
    "Goal",
    "Outcome",
    "RpcFailed",
    "StateEntry",
    "from_struct",
    "goals_from_program",
    "host_env",
    "preview_inputs",
    "to_struct",
]
T = TypeVar("T")


class Engine:
    """The engine's side of a stack: state, config and the operations of the CLI, each in its own host process."""

    def __init__(
        self,
        program_dir: Path,
        project: str,
        stack: str,
        config: dict[str, Any],
        env: dict[str, str],
        parallel: int = 16,
    ) -> None:
        self.program_dir, self.project, self.stack = program_dir, project, stack
        self.config = config
        self.env = env  # the environment the next deployments' hosts get
        self.parallel = parallel
        self.snapshot = Snapshot()
        self.provider_config: dict[str, Any] | None = None  # config recorded with the default provider, if any
        self.provider_id = ""  # the default provider's id in the state (registry.go Create: a UUID), if any
        self._new_provider_id = ""  # the id the last update deployment configured the provider with
        self.recorder = Recorder()
        self.host_pids: list[int] = []  # one per deployment that loaded the provider, in order
        # The second instance `up --refresh` / `preview --refresh` starts in the same deployment, if any.
        self.second_instance_pids: list[int] = []
        self.output: list[str] = []  # every host's stdout/stderr lines, all deployments
        self.on_line: Callable[[str], None] | None = None
        self.current_host: DynamicHost | None = None  # the running deployment's host, None between deployments
        self._active: Deployment | None = None

    # ------------------------------------------------------------------ state
    @property
    def state(self) -> dict[str, StateEntry]:
        """Live resources by URN (old copies waiting for their Delete are in ``pending_deletes``)."""
        return self.snapshot.live

    @property
    def pending_deletes(self) -> list[StateEntry]:
        return self.snapshot.pending

    def stored_state(self) -> list[dict[str, Any]]:
        """The state as the checkpoint file holds it: secret values encrypted, all else in plain text."""
        return [entry.stored() for entry in self.snapshot.entries()]

    def urn(self, goal_type: str, name: str) -> str:
        return f"urn:pulumi:{self.stack}::{self.project}::{goal_type}::{name}"

    def taint(self, name: str) -> None:
        """``pulumi state taint``: the next update replaces the resource (as ``--replace`` does)."""
        self._named(name).taint = True

    def state_delete(self, name: str) -> None:
        """``pulumi state delete``: the resource leaves the state; nothing is sent to the provider."""
        del self.snapshot.live[self._named(name).urn]

    def _named(self, name: str) -> StateEntry:
        matches = [e for e in self.snapshot.live.values() if e.name == name]
        if len(matches) != 1:
            raise KeyError(f"no single resource named {name!r} in the state")
        return matches[0]

    # ------------------------------------------------------------------ deployments
    @contextmanager
    def deployment(self, preview: bool = False, registers: bool = True) -> Iterator[Deployment]:
        """One deployment: a fresh host, the prologue, the caller's calls, then Cancel and SIGINT to its hosts.

        ``registers``: the program registers resources, so the default provider is checked and configured
        with the current config; otherwise it is loaded from the state with the recorded config.
        """
        if self._active is not None:
            raise RuntimeError("one deployment at a time: the CLI runs them one after another")
        host = self._start_host()
        self.host_pids.append(host.pid)
        self.current_host = host
        deployment = Deployment(host, self.recorder, len(self.host_pids) - 1, self.stack, self.project, preview)
        self._active = deployment
        extra: list[Deployment] = []
        try:
            recorded_id = self.provider_id if self.provider_config is not None else ""
            deployment.prologue(self.config, self.provider_config, registers, recorded_id)
            if not preview:
                self._new_provider_id = deployment.configured_id
            deployment.second_instance = lambda: self._second_instance(deployment, extra)
            yield deployment
        finally:
            self._active = None
            self.current_host = None
            # host.go ReleaseContext: every provider the deployment booted gets Cancel, then is closed.
            for each in (deployment, *extra):
                each.cancel()
            for each in (deployment, *extra):
                each.host.stop()

    def _start_host(self) -> DynamicHost:
        return DynamicHost(self.program_dir, self.project, self.env, output=self.output, on_line=self._line)

    def _second_instance(self, deployment: Deployment, extra: list[Deployment]) -> None:
        """``up --refresh`` / ``preview --refresh``: the refresh loaded the provider from the state (instance A,
        configured by deployment.go EnsureProvider -> registry.go Same); the program's registration of the default
        provider then makes registry.go Check start a fresh plugin (loadParameterizedProvider), instance B, which
        gets Handshake, GetPluginInfo, CheckConfig and (registry.go Diff) DiffConfig. Same finds A configured and
        never configures or uses B; every resource call goes to A. B is released with the deployment."""
        host = self._start_host()
        self.second_instance_pids.append(host.pid)
        second = Deployment(host, self.recorder, deployment.index, self.stack, self.project, deployment.preview)
        extra.append(second)
        second.prologue(self.config, self.provider_config, registers=True, configure=False)

    def _line(self, line: str) -> None:
        if self.on_line is not None:
            self.on_line(line)

    def _working(self, preview: bool) -> Snapshot:
        """A preview never writes state: it works on a copy."""
        return copy.deepcopy(self.snapshot) if preview else self.snapshot

    def _run(
        self, preview: bool, registers: bool, body: Callable[[Steps], None], snapshot: Snapshot, **kw: Any
    ) -> Outcome:
        steps: Steps | None = None
        try:
            with self.deployment(preview, registers) as d:
                steps = Steps(d, snapshot, preview, self.parallel, **kw)
                body(steps)
        except RpcFailed as error:  # the prologue failed, or the host died under it
            outcome = steps.outcome if steps is not None else Outcome()
            outcome.errors[self.urn(PROVIDER_TYPE, "default")] = str(error)
            return outcome
        assert steps is not None
        return steps.outcome

    # ------------------------------------------------------------------ operations
    def up(
        self,
        goals: list[Goal],
        replace: Iterable[str] = (),
        targets: Iterable[str] | None = None,
        refresh: bool = False,
        skip_preview: bool = False,
    ) -> Outcome:
        """``pulumi up``: a preview deployment, then the update deployment (backend/apply.go
        PreviewThenPromptThenExecute). A failed preview stops there, as the CLI does. ``replace`` and ``targets``
        hold resource names (--replace, --target)."""
        preview = None
        if not skip_preview:
            preview = self.preview(goals, refresh=refresh, replace=replace, targets=targets)
            if preview.errors:
                return preview
        outcome = self._update(goals, False, replace, targets, refresh)
        outcome.preview = preview
        return outcome

    def preview(
        self,
        goals: list[Goal],
        refresh: bool = False,
        replace: Iterable[str] = (),
        targets: Iterable[str] | None = None,
    ) -> Outcome:
        """``pulumi preview``: the update's steps with no Create, Update or Delete RPC and no state written."""
        return self._update(goals, True, replace, targets, refresh)

    def _update(
        self, goals: list[Goal], preview: bool, replace: Iterable[str], targets: Iterable[str] | None, refresh: bool
    ) -> Outcome:
        snapshot = self._working(preview)
        if not goals and snapshot.empty():
            return Outcome()  # nothing needs the provider: the engine loads no plugin

        # --refresh with resources in the state: the refresh loads the provider from the state first
        # (deployment_executor.go Execute, `opts.Refresh && !opts.RefreshProgram`), and the program's registration
        # then starts a second instance (Engine._second_instance).
        from_state = refresh and not snapshot.empty() and self.provider_config is not None

        def body(steps: Steps) -> None:
            if refresh:  # --refresh: the Reads first, in the same deployment
                steps.refresh()
            if from_state and goals and not steps.failed.is_set():
                steps.d.second_instance()
            if not steps.failed.is_set():
                steps.program(goals)
            if not steps.failed.is_set():
                steps.deletes({self.urn(g.type, g.name) for g in goals})

        outcome = self._run(
            preview,
            bool(goals) and not from_state,
            body,
            snapshot,
            replace=frozenset(replace),
            targets=None if targets is None else frozenset(targets),
        )
        if not preview:
            self._provider_recorded(bool(goals))
        return outcome

    def refresh(self, preview_only: bool = False, skip_preview: bool = False) -> Outcome:
        """``pulumi refresh``: a Read (and the swapped-roles Diff) per resource and nothing else; a preview
        deployment first unless skip_preview. ``preview_only`` is ``pulumi refresh --preview-only``."""
        if preview_only:
            return self._refresh(True)
        preview = None if skip_preview else self._refresh(True)
        if preview is not None and preview.errors:
            return preview
        outcome = self._refresh(False)
        outcome.preview = preview
        return outcome

    def _refresh(self, preview: bool) -> Outcome:
        snapshot = self._working(preview)
        if snapshot.empty():
            return Outcome()
        return self._run(preview, False, lambda steps: steps.refresh(), snapshot)

    def destroy(self, skip_preview: bool = False) -> Outcome:
        """``pulumi destroy``: every resource deleted (one parallel antichain), with a preview deployment first."""
        preview = None if skip_preview else self._destroy(True)
        if preview is not None and preview.errors:
            return preview
        outcome = self._destroy(False)
        outcome.preview = preview
        return outcome

    def _destroy(self, preview: bool) -> Outcome:
        snapshot = self._working(preview)
        if snapshot.empty():
            return Outcome()
        outcome = self._run(preview, False, lambda steps: steps.deletes(set()), snapshot)
        if not preview:
            self._provider_recorded(False)
        return outcome

    def _provider_recorded(self, registered: bool) -> None:
        """The default provider stays in the state while the program registers it or a resource still uses it."""
        if registered:
            self.provider_config = dict(self.config)
            self.provider_id = self.provider_id or self._new_provider_id
        elif self.snapshot.empty():
            self.provider_config = None
            self.provider_id = ""

    def get(self, goal_type: str, name: str, resource_id: str, props: dict[str, Any]) -> dict[str, Any]:
        """``Resource.get`` / ResourceOptions(id=...): a Read with the props as both inputs and state.

        The engine takes the answer as long as it carries properties (step.go ReadStep.Apply errors only on
        none), so a host answering an empty id with just ``{__provider}`` gives the program the requested id and
        no outputs; that is what this returns. The read resource is not kept in the harness's state.
        """

        def read(d: Deployment) -> dict[str, Any]:
            response = d.read_for_get(self.urn(goal_type, name), goal_type, name, resource_id, props)
            if not response.HasField("properties"):
                raise RpcFailed("Read", grpc.StatusCode.NOT_FOUND, f"resource '{resource_id}' does not exist")
            return from_struct(response.properties)

        return self._call(read)

    # ------------------------------------------------------------------ single calls
    def _call(self, action: Callable[[Deployment], T]) -> T:
        """In the running deployment, or else in a deployment of its own (a fresh host for this one call)."""
        if self._active is not None:
            return action(self._active)
        with self.deployment() as d:
            return action(d)

    def check(self, urn: str, goal: Goal, olds: dict[str, Any]) -> dict[str, Any]:
        return self._call(lambda d: d.check(urn, goal, olds))

    def diff(self, entry: StateEntry, news: dict[str, Any]) -> Any:
        return self._call(lambda d: d.diff(entry, news))

    def create(self, urn: str, goal: Goal, inputs: dict[str, Any]) -> StateEntry:
        return self._call(lambda d: d.create(urn, goal, inputs))

    def update(self, entry: StateEntry, goal: Goal, news: dict[str, Any]) -> None:
        self._call(lambda d: d.update(entry, goal, news))

    def delete(self, entry: StateEntry) -> None:
        self._call(lambda d: d.delete(entry))

    def read(self, entry: StateEntry) -> Any:
        return self._call(lambda d: d.read(entry))


def preview_inputs(goal: Goal, unknown: set[str]) -> Goal:
    """The goal as a preview sees it when some inputs are outputs of resources not created yet."""
    return dataclasses.replace(goal, inputs={k: (UNKNOWN if k in unknown else v) for k, v in goal.inputs.items()})


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
