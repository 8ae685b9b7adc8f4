"""BackupCopyProvider: the pulumi.dynamic.ResourceProvider behind BackupCopy. The engine protocol; it delegates.

Pickled by reference (this module is importable and has no import-time side effects; the instance holds only the
stack config given to ``configure``), so the host in the user's virtualenv loads the installed code and fixes apply
without a ``__provider`` diff. CRUD functions end by re-reading the copy, like terraform-provider-aws's.

No decision here depends on an earlier call in the same process: under the real engine every deployment is a new
host process (pulumi/pulumi pkg/engine/update.go), so what tells a recorded copy from an unfinished one lives on the
copy itself (claims.py).
"""

import os
from typing import Any

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)

from . import aws
from .adopt import adopt_copy
from .check import check_inputs, mark_kms_unchanged
from .context import PROCESS_CONTEXT, Context
from .create import create_copy
from .delete import delete_copy
from .diff import diff_inputs
from .errors import BackupCopyError, cleaned
from .host_workers import widen_host_workers
from .keys import resolve_key
from .read import read_copy
from .state import CopyInputs, StoredState
from .update import update_copy


class BackupCopyProvider(ResourceProvider):
    # The provider captures nothing secret, so its serialized form need not be a secret (fewer secrets to
    # encrypt in state; pulumi/pulumi#15538).
    serialize_as_secret_always = False

    def __init__(self, context: Context | None = None) -> None:
        """``context``: clock, knobs and shared state for this provider's operations; the process's by default
        (the dynamic host's providers), a test's or benchmark's own otherwise."""
        self._context = context

    @property
    def context(self) -> Context:
        return getattr(self, "_context", None) or PROCESS_CONTEXT

    def __getstate__(self) -> dict[str, Any] | None:
        # The SDK pickles the provider into __provider: a context (locks, clients' batching) never goes along.
        # Nothing else is set in a program, so the state is None, not {}: pickling an empty dict goes through
        # pickle's _batch_setitems, which the SDK's serialize_provider (3.272) wraps once more on every call without
        # unwrapping, so each resource's pickling took longer than the last and about 985 resources in one program
        # failed with RecursionError. With no state, nothing goes through it, and the reference pickles the same.
        return {k: v for k, v in self.__dict__.items() if k != "_context"} or None

    def configure(self, req: ConfigureRequest) -> None:
        self._config_region = req.config.get("aws:region")
        self._config_profile = req.config.get("aws:profile")
        # The host calls configure once per process, before any resource call: the moment to widen its workers.
        widen_host_workers(self.context)

    # ------------------------------------------------------------------ settings
    def _default_region(self) -> str | None:
        config_region: str | None = getattr(self, "_config_region", None)
        return config_region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")

    def _client(self, service: str, region: str) -> Any:
        return aws.client(service, region, getattr(self, "_config_profile", None))

    def _fsx(self, region: str) -> Any:
        return self._client("fsx", region)

    def _resolve_key(self, reference: str, region: str) -> str | None:
        return resolve_key(self._client("kms", region), reference, region)

    # ------------------------------------------------------------------ check / diff
    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        inputs, failures = check_inputs(news, self._default_region())
        mark_kms_unchanged(_olds or {}, inputs)
        return CheckResult(inputs, [CheckFailure(prop, reason) for prop, reason in failures])

    def diff(self, _id: str, _olds: dict[str, Any], _news: dict[str, Any]) -> DiffResult:
        difference = diff_inputs(_olds, _news, self._resolve_key)
        # Never None ("unknown"): that would make the engine diff __provider itself.
        return DiffResult(changes=difference.any, replaces=difference.replaces, stables=[], delete_before_replace=False)

    # ------------------------------------------------------------------ create
    def create(self, props: dict[str, Any]) -> CreateResult:
        inputs = CopyInputs.from_props(props)
        adopt_id = props.get("adoptBackupId")
        try:
            if adopt_id:
                return adopt_copy(self.context, self._fsx, self._resolve_key, inputs, adopt_id)
            return create_copy(self.context, self._fsx, self._resolve_key, inputs)
        except BackupCopyError as error:
            raise cleaned(error, inputs.hidden) from None

    # ------------------------------------------------------------------ read / update / delete
    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        stored = StoredState.from_props(id_, props, self._default_region())
        try:
            return read_copy(self._client, id_, props, stored)
        except BackupCopyError as error:
            raise cleaned(error, stored.hidden) from None

    def update(self, _id: str, _olds: dict[str, Any], _news: dict[str, Any]) -> UpdateResult:
        inputs = CopyInputs.from_props(_news)
        stored = StoredState.from_props(_id, _olds, inputs.region)
        try:
            return update_copy(self._client, _id, _olds, inputs, stored)
        except BackupCopyError as error:
            raise cleaned(error, inputs.hidden) from None

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        stored = StoredState.from_props(_id, _props, self._default_region())
        try:
            delete_copy(self.context, self._client, _id, stored)
        except BackupCopyError as error:
            raise cleaned(error, stored.hidden) from None
