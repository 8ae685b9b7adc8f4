"""One deployment's conversation with its own provider host: the prologue, then each RPC with the contents the
engine fills in (pkg/resource/plugin/provider_plugin.go, one function per RPC), then the Cancel that releases it.

Values are sent plain: the dynamic host answers Configure with acceptSecrets=false, so the engine strips secrets
before every call (MarshalProperties KeepSecrets=false) and re-marks them afterwards (model.annotate_secrets).
"""

import json
import secrets
import sys
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import empty_pb2
from pulumi.runtime.proto import provider_pb2

from tests.engine.host import DynamicHost
from tests.engine.model import (
    UNKNOWN,
    CheckFailed,
    Goal,
    RpcFailed,
    StateEntry,
    annotate_secrets,
    as_paths,
    from_struct,
    to_struct,
)
from tests.engine.rpclog import Recorder

PROVIDER_TYPE = "pulumi:providers:pulumi-python"
# No engine gRPC server runs in the harness; the dynamic host never calls back into it. The same stands in for the
# plugin context's loader, mapper and resolver services and the resource-status server the real engine runs
# (pkg/resource/plugin/context.go, pkg/resource/deploy/resource_status.go): the dynamic host uses none of them.
ENGINE_ADDRESS = "127.0.0.1:0"
# host.go ReleaseContext gives each provider's Cancel five seconds.
CANCEL_TIMEOUT = 5


def status_token() -> str:
    """A fresh resource-status token: step.go adds the status server's address and a token to every Create, Read
    (refresh and get), Update and Delete."""
    return str(uuid.uuid4())


class Deployment:
    """The calls of one ``pulumi up``/``preview``/``refresh``/``destroy`` process, all to one host."""

    def __init__(
        self,
        host: DynamicHost,
        recorder: Recorder,
        index: int,
        stack: str,
        project: str,
        preview: bool,
    ) -> None:
        self.host, self.recorder, self.index = host, recorder, index
        self.stack, self.project, self.preview = stack, project, preview
        self.configured_id = ""  # the provider id the prologue's Configure carried
        # Starts the second provider instance of an `up --refresh` (set by the Engine that owns this deployment).
        self.second_instance: Callable[[], None] = lambda: None

    def urn(self, goal_type: str, name: str) -> str:
        return f"urn:pulumi:{self.stack}::{self.project}::{goal_type}::{name}"

    def call(self, method: str, request: Any) -> Any:
        record = self.recorder.start(method, request, self.index)
        try:
            response = getattr(self.host.stub, method)(request, timeout=600)
        except grpc.RpcError as error:
            code, details = error.code(), error.details() or ""
            self.recorder.finish(record, error=(code, details))
            raise RpcFailed(method, code, details) from None
        self.recorder.finish(record, response)
        return response

    def cancel(self) -> None:
        """The end of the deployment (pkg/host/host.go ReleaseContext): a Cancel RPC to the provider before its
        plugin is closed; the engine ignores its answer. A host already dead (killed) gets none: its channel is
        closed."""
        if self.host.process.poll() is not None:
            return
        record = self.recorder.start("Cancel", empty_pb2.Empty(), self.index)
        try:
            response = self.host.stub.Cancel(empty_pb2.Empty(), timeout=CANCEL_TIMEOUT)
        except grpc.RpcError as error:
            self.recorder.finish(record, error=(error.code(), error.details() or ""))
            return
        self.recorder.finish(record, response)

    def _tolerate_unimplemented(self, method: str, request: Any) -> None:
        try:
            self.call(method, request)
        except RpcFailed as error:
            if error.code is not grpc.StatusCode.UNIMPLEMENTED:
                raise

    # ------------------------------------------------------------------ prologue
    def prologue(
        self,
        config: dict[str, Any],
        old_config: dict[str, Any] | None,
        registers: bool,
        provider_id: str = "",
        configure: bool = True,
    ) -> None:
        """What loading the default provider sends before any resource call.

        Plugin launch: Handshake (provider_plugin.go NewProvider, with every field it sets; Unimplemented is
        fine), then GetPluginInfo (pkg/host/host.go loadProvider). When the program registers the default
        provider, the registry checks its config (providers/registry.go Check -> CheckConfig, olds = the config
        recorded with it), diffs it against the recorded one if the stack already has it (step_generator.go diff ->
        registry.go Diff -> DiffConfig), then configures it (registry.go Create/Same/Update -> Configure). A
        deployment that only needs the provider for resources already in the state loads it from there
        (deploy/deployment.go EnsureProvider -> registry.go Same): Configure with the recorded config, no
        CheckConfig. ``configure=False`` is the second instance ``up --refresh`` starts: checked and diffed, never
        configured. Configure carries the provider's urn, name, type and id (registry.go Same/Create pass them,
        provider_plugin.go Configure asserts the type); for a dynamic provider its inputs are the whole stack
        config, namespaces kept (target.go GetPackageConfig), flattened to ``pulumi-python:config:<key>``.
        """
        self.launch()
        provider_urn = self.urn(PROVIDER_TYPE, "default")
        if registers:
            self._tolerate_unimplemented(
                "CheckConfig",
                provider_pb2.CheckRequest(
                    urn=provider_urn,
                    name="default",
                    type=PROVIDER_TYPE,
                    olds=to_struct(old_config or {}),
                    news=to_struct(config),
                ),
            )
            if old_config is not None:
                self._tolerate_unimplemented(
                    "DiffConfig",
                    provider_pb2.DiffRequest(
                        urn=provider_urn,
                        name="default",
                        type=PROVIDER_TYPE,
                        olds=to_struct(old_config),
                        news=to_struct(config),
                        old_inputs=to_struct(old_config),
                    ),
                )
            configured = config
        else:
            configured = old_config if old_config is not None else config
        if not configure:
            return
        variables = {
            f"pulumi-python:config:{key}": value if isinstance(value, str) else json.dumps(value)
            for key, value in configured.items()
        }
        # registry.go Create: a preview's new provider has the unknown id, an update's a fresh UUID.
        self.configured_id = provider_id or (UNKNOWN if self.preview else str(uuid.uuid4()))
        self.call(
            "Configure",
            provider_pb2.ConfigureRequest(
                variables=variables,
                args=to_struct(configured),
                acceptSecrets=True,
                acceptResources=True,
                sends_old_inputs=True,
                sends_old_inputs_to_delete=True,
                id=self.configured_id,
                urn=provider_urn,
                name="default",
                type=PROVIDER_TYPE,
            ),
        )

    def launch(self) -> None:
        """Plugin launch: the Handshake NewProvider sends (every field of provider_plugin.go NewProvider's
        request; the host answers Unimplemented), then GetPluginInfo (pkg/host/host.go loadProvider)."""
        plugin_dir = str(Path(sys.executable).parent)  # stands in for the directory of pulumi-resource-pulumi-python
        self._tolerate_unimplemented(
            "Handshake",
            provider_pb2.ProviderHandshakeRequest(
                engine_address=ENGINE_ADDRESS,
                root_directory=plugin_dir,
                program_directory=plugin_dir,
                configure_with_urn=True,
                supports_views=True,
                supports_refresh_before_update=True,
                invoke_with_preview=True,
                mapper_target=ENGINE_ADDRESS,
                loader_target=ENGINE_ADDRESS,
                resolver_target=ENGINE_ADDRESS,
                accepts_byte_string=True,
                sends_old_outputs_to_check=True,
                accepts_outputs_in_invoke=True,
                accepts_outputs_in_call=True,
                accepts_outputs_in_check=False,
            ),
        )
        self.call("GetPluginInfo", empty_pb2.Empty())

    # ------------------------------------------------------------------ resource calls
    def check(
        self,
        urn: str,
        goal: Goal,
        olds: dict[str, Any],
        news: dict[str, Any] | None = None,
        old_outputs: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """provider_plugin.go Check: olds = the state's inputs and oldOutputs its outputs (the Handshake said
        sendsOldOutputsToCheck; step_generator.go continueStepsFromImport passes them), both empty for a new or
        replaced resource."""
        response = self.call(
            "Check",
            provider_pb2.CheckRequest(
                urn=urn,
                name=goal.name,
                type=goal.type,
                olds=to_struct(olds),
                news=to_struct(goal.inputs if news is None else news),
                randomSeed=secrets.token_bytes(32),
                old_outputs=to_struct(old_outputs or {}),
            ),
        )
        if response.failures:
            raise CheckFailed([(f.property, f.reason) for f in response.failures])
        return from_struct(response.inputs)

    def diff(self, entry: StateEntry, news: dict[str, Any], ignore: list[str] | None = None) -> Any:
        """provider_plugin.go Diff: olds = the state's OUTPUTS, old_inputs = its inputs, news = checked inputs."""
        return self.call(
            "Diff",
            provider_pb2.DiffRequest(
                id=entry.id,
                urn=entry.urn,
                olds=to_struct(entry.outputs),
                news=to_struct(news),
                old_inputs=to_struct(entry.inputs),
                name=entry.name,
                type=entry.type,
                ignoreChanges=ignore or [],
            ),
        )

    def create(self, urn: str, goal: Goal, inputs: dict[str, Any]) -> StateEntry:
        """step.go CreateStep.Apply: properties = checked inputs, timeout = the create custom timeout, and the
        resource-status address and token."""
        response = self.call(
            "Create",
            provider_pb2.CreateRequest(
                urn=urn,
                name=goal.name,
                type=goal.type,
                properties=to_struct(inputs),
                timeout=goal.custom_timeouts.get("create", 0),
                resource_status_address=ENGINE_ADDRESS,
                resource_status_token=status_token(),
            ),
        )
        if not response.id:
            raise RpcFailed("Create", grpc.StatusCode.UNKNOWN, "provider did not return an ID from Create")
        outputs = from_struct(response.properties)
        secret_inputs = annotate_secrets(inputs, goal.inputs, as_paths(goal.secret_inputs))
        return StateEntry(
            urn,
            goal.type,
            response.id,
            inputs,
            outputs,
            custom_timeouts=dict(goal.custom_timeouts),
            protect=goal.protect,
            retain_on_delete=goal.retain_on_delete,
            secret_inputs=secret_inputs,
            secret_outputs=annotate_secrets(outputs, inputs, secret_inputs),
        )

    def update(self, entry: StateEntry, goal: Goal, news: dict[str, Any]) -> None:
        """step.go UpdateStep.Apply: old outputs as olds, old inputs, checked news; outputs as returned."""
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
                ignoreChanges=goal.ignore_changes,
                resource_status_address=ENGINE_ADDRESS,
                resource_status_token=status_token(),
            ),
        )
        entry.outputs = from_struct(response.properties)  # as returned: partial outputs lose keys
        entry.inputs = news
        entry.secret_inputs = annotate_secrets(news, goal.inputs, as_paths(goal.secret_inputs))
        entry.secret_outputs = annotate_secrets(entry.outputs, news, entry.secret_inputs)

    def delete(self, entry: StateEntry) -> None:
        """step.go DeleteStep.Apply: the state's outputs and inputs, timeout = the recorded delete timeout."""
        self.call(
            "Delete",
            provider_pb2.DeleteRequest(
                id=entry.id,
                urn=entry.urn,
                properties=to_struct(entry.outputs),
                old_inputs=to_struct(entry.inputs),
                name=entry.name,
                type=entry.type,
                timeout=entry.custom_timeouts.get("delete", 0),
                resource_status_address=ENGINE_ADDRESS,
                resource_status_token=status_token(),
            ),
        )

    def read(self, entry: StateEntry) -> Any:
        """step.go RefreshStep.Apply: the state's id, old outputs as properties, old inputs as inputs."""
        return self.call(
            "Read",
            provider_pb2.ReadRequest(
                id=entry.id,
                urn=entry.urn,
                properties=to_struct(entry.outputs),
                inputs=to_struct(entry.inputs),
                name=entry.name,
                type=entry.type,
                resource_status_address=ENGINE_ADDRESS,
                resource_status_token=status_token(),
            ),
        )

    def read_for_get(self, urn: str, goal_type: str, name: str, resource_id: str, props: dict[str, Any]) -> Any:
        """step.go ReadStep.Apply (``Resource.get``): the props sent as both inputs and state."""
        return self.call(
            "Read",
            provider_pb2.ReadRequest(
                id=resource_id,
                urn=urn,
                properties=to_struct(props),
                inputs=to_struct(props),
                name=name,
                type=goal_type,
                resource_status_address=ENGINE_ADDRESS,
                resource_status_token=status_token(),
            ),
        )
