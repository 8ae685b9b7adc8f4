"""One deployment's conversation with its own provider host: the prologue, then each RPC with the contents the
engine fills in (sdk/go/common/resource/plugin/provider_plugin.go, one function per RPC).

Values are sent plain: the dynamic host answers Configure with acceptSecrets=false, so the engine strips secrets
before every call (MarshalProperties KeepSecrets=false) and re-marks them afterwards (model.annotate_secrets).
"""

import json
import secrets
import sys
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import empty_pb2
from pulumi.runtime.proto import provider_pb2

from tests.engine.host import DynamicHost
from tests.engine.model import (
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
# No engine gRPC server runs in the harness; the dynamic host never calls back into it.
ENGINE_ADDRESS = "127.0.0.1:0"


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

    def _tolerate_unimplemented(self, method: str, request: Any) -> None:
        try:
            self.call(method, request)
        except RpcFailed as error:
            if error.code is not grpc.StatusCode.UNIMPLEMENTED:
                raise

    # ------------------------------------------------------------------ prologue
    def prologue(self, config: dict[str, Any], old_config: dict[str, Any] | None, registers: bool) -> None:
        """What loading the default provider sends before any resource call.

        Plugin launch: Handshake (provider_plugin.go NewProvider; Unimplemented is fine), then GetPluginInfo
        (plugin host.go defaultHost.Provider). When the program registers the default provider, the registry checks
        its config (registry.go Check -> CheckConfig, olds = the config recorded with it), diffs it against the
        recorded one if the stack already has it (step_generator.go diff -> registry.go Diff -> DiffConfig), then
        configures it (registry.go Create/Same/Update -> Configure). A deployment that only needs the provider for
        resources already in the state loads it from there (deployment.go EnsureProvider -> registry.go Same):
        Configure with the recorded config, no CheckConfig. Configure carries only inputs: registry.go passes no
        URN, name, type or id, and for a dynamic provider the inputs are the whole stack config, namespaces kept
        (target.go GetPackageConfig), flattened to ``pulumi-python:config:<key>`` variables.
        """
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
            ),
        )
        self.call("GetPluginInfo", empty_pb2.Empty())
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
        variables = {
            f"pulumi-python:config:{key}": value if isinstance(value, str) else json.dumps(value)
            for key, value in configured.items()
        }
        self.call(
            "Configure",
            provider_pb2.ConfigureRequest(
                variables=variables,
                args=to_struct(configured),
                acceptSecrets=True,
                acceptResources=True,
                sends_old_inputs=True,
                sends_old_inputs_to_delete=True,
            ),
        )

    # ------------------------------------------------------------------ resource calls
    def check(self, urn: str, goal: Goal, olds: dict[str, Any], news: dict[str, Any] | None = None) -> dict[str, Any]:
        """provider_plugin.go Check: olds = the state's inputs (empty for a new or replaced resource)."""
        response = self.call(
            "Check",
            provider_pb2.CheckRequest(
                urn=urn,
                name=goal.name,
                type=goal.type,
                olds=to_struct(olds),
                news=to_struct(goal.inputs if news is None else news),
                randomSeed=secrets.token_bytes(32),
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
        """step.go CreateStep.Apply: properties = checked inputs, timeout = the create custom timeout."""
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
            ),
        )
