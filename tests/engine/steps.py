"""The steps of one deployment, in the order and with the RPCs the engine's step generator and step executor use
(pkg/resource/deploy/step_generator.go, step.go, step_executor.go, deployment_executor.go)."""

import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from pulumi.runtime.proto import provider_pb2

from tests.engine.deployment import Deployment
from tests.engine.model import (
    CheckFailed,
    EngineRefused,
    Goal,
    Outcome,
    RpcFailed,
    StateEntry,
    annotate_secrets,
    as_paths,
    from_struct,
    ignore_changes,
)

DIFF_SOME, DIFF_UNKNOWN = provider_pb2.DiffResponse.DIFF_SOME, provider_pb2.DiffResponse.DIFF_UNKNOWN
STEP_ERRORS = (RpcFailed, CheckFailed, EngineRefused)


@dataclass
class Snapshot:
    """The checkpoint: live resources by URN, plus old copies marked ``delete`` that still wait for their Delete."""

    live: dict[str, StateEntry] = field(default_factory=dict)
    pending: list[StateEntry] = field(default_factory=list)

    def entries(self) -> list[StateEntry]:
        return [*self.live.values(), *self.pending]

    def empty(self) -> bool:
        return not self.live and not self.pending

    def drop(self, entry: StateEntry) -> None:
        if any(p is entry for p in self.pending):
            self.pending = [p for p in self.pending if p is not entry]
        elif self.live.get(entry.urn) is entry:
            del self.live[entry.urn]


@dataclass
class Plan:
    """What the step generator decided for one registration, and the inputs its last Check returned."""

    kind: str
    checked: dict[str, Any]
    delete_first: bool = False


def takes_change(diff: Any, old_inputs: dict[str, Any], news: dict[str, Any], ignored: list[str]) -> bool:
    """step_generator.go diffResource: DIFF_UNKNOWN makes the engine compare old and new inputs itself
    (ignoreChanges applied, __provider included); otherwise the provider's answer stands."""
    if diff.changes == DIFF_UNKNOWN:
        return bool(changed_keys(diff, old_inputs, news, ignored))
    return bool(diff.changes == DIFF_SOME)


def changed_keys(diff: Any, old_inputs: dict[str, Any], news: dict[str, Any], ignored: list[str]) -> list[str]:
    """The keys the engine knows changed: its own input comparison after DIFF_UNKNOWN (diffResource), else what
    the provider listed in ``diffs`` and ``detailedDiff`` (the dynamic host fills neither)."""
    if diff.changes == DIFF_UNKNOWN:
        news = ignore_changes(news, old_inputs, ignored)
        return sorted(k for k in set(old_inputs) | set(news) if old_inputs.get(k) != news.get(k))
    return [*diff.diffs, *diff.detailedDiff]


def replace_on_changes(diff: Any, goal: Goal, old_inputs: dict[str, Any], news: dict[str, Any]) -> list[str]:
    """step_generator.go applyReplaceOnChanges: a changed key under a replaceOnChanges path becomes a
    replacement; only keys the engine knows changed can, so with this host's answers it never happens."""

    def covers(path: str, key: str) -> bool:
        return path in ("*", key) or key.startswith((f"{path}.", f"{path}["))

    keys = changed_keys(diff, old_inputs, news, goal.ignore_changes)
    return [k for k in keys if any(covers(p, k) for p in goal.replace_on_changes)]


class Steps:
    """Step generation and execution for one deployment against one host."""

    def __init__(
        self,
        deployment: Deployment,
        snapshot: Snapshot,
        preview: bool,
        parallel: int,
        replace: frozenset[str] = frozenset(),
        targets: frozenset[str] | None = None,
    ) -> None:
        self.d, self.snap, self.preview, self.parallel = deployment, snapshot, preview, parallel
        self.replace, self.targets = replace, targets
        self.outcome = Outcome()
        # step_executor.go cancelDueToError: after a failed step the deployment's context is cancelled, so no
        # further step starts and the deletes at the end (deployment_executor.go performDeletes) never run.
        self.failed = threading.Event()
        self.lock = threading.Lock()
        # deployment_executor.go handleSingleEvent: registrations go through the step generator one at a time
        # (Check, Diff and a replacement's second Check); the steps it yields run in parallel on the executor.
        self.generator = threading.Lock()

    # ------------------------------------------------------------------ bookkeeping
    def record(self, urn: str, step: str, keep: bool = False) -> None:
        with self.lock:
            if keep:
                self.outcome.steps.setdefault(urn, step)
            else:
                self.outcome.steps[urn] = step

    def error(self, urn: str, error: Exception | str, fails: bool = True) -> None:
        with self.lock:
            self.outcome.errors[urn] = str(error)
            if fails:
                self.outcome.steps[urn] = "failed"
                self.failed.set()

    def in_parallel(self, items: Iterable[Any], action: Callable[[Any], None]) -> None:
        work = list(items)
        if work:
            with ThreadPoolExecutor(max_workers=max(1, min(self.parallel, len(work)))) as pool:
                list(pool.map(action, work))

    # ------------------------------------------------------------------ the program's registrations
    def program(self, goals: list[Goal]) -> None:
        def run(goal: Goal) -> None:
            urn = self.d.urn(goal.type, goal.name)
            if self.failed.is_set():
                self.record(urn, "skipped")
                return
            try:
                self.record(urn, self.resource(urn, goal))
            except STEP_ERRORS as error:
                self.error(urn, error)

        self.in_parallel(goals, run)

    def resource(self, urn: str, goal: Goal) -> str:
        old = self.snap.live.get(urn)
        if self.targets is not None and goal.name not in self.targets:
            # continueStepsFromImport: an untargeted resource gets no Check RPC (its old inputs stand in for the
            # answer) and a SameStep copying its old state; one not in the state is a skipped create.
            return "same" if old is not None else "skipped"
        # isTargetedReplace (--replace, --target-replace; a `pulumi state taint` marks the same way).
        replacing = old is not None and (goal.name in self.replace or old.taint)
        with self.generator:
            if self.failed.is_set():  # the generator takes no more registrations once the deployment is cancelled
                return "skipped"
            plan = self.generate(urn, goal, old, replacing)
        if self.failed.is_set():  # step_executor.go executeChain: a cancelled context skips the chain's steps
            return "skipped"
        return self.apply(urn, goal, old, plan)

    def generate(self, urn: str, goal: Goal, old: StateEntry | None, replacing: bool) -> Plan:
        d = self.d
        if old is None or replacing:
            # `if recreating || wasExternal || sg.isTargetedReplace(urn) || old == nil`: one Check with no olds,
            # news = the goal's raw properties.
            checked = d.check(urn, goal, {}, goal.inputs)
        else:
            # processIgnoreChanges puts the old values of ignored paths into the news before the first Check; the
            # old outputs go with the old inputs.
            checked = d.check(
                urn, goal, old.inputs, ignore_changes(goal.inputs, old.inputs, goal.ignore_changes), old.outputs
            )
        if old is None:
            return Plan("create", checked)
        diff = None
        if not replacing:  # diff(): a targeted replace is a replacement "blaming the id", no Diff RPC
            diff = d.diff(old, checked, goal.ignore_changes)
            with self.lock:
                self.outcome.diffs[urn] = diff
        # continueStepsFromDiff: `if diff.Changes == DiffSome || old.PendingReplacement`, then
        # `if diff.Replace() || old.PendingReplacement`, after applyReplaceOnChanges.
        forced = replacing or old.pending_replacement
        if not forced and (diff is None or not takes_change(diff, old.inputs, checked, goal.ignore_changes)):
            return Plan("same", checked)
        replaced_by_option = diff is not None and bool(replace_on_changes(diff, goal, old.inputs, checked))
        if not forced and diff is not None and not diff.replaces and not replaced_by_option:
            return Plan("update", checked)
        if goal.protect and old.protect:
            message = (
                f"unable to replace resource {urn!r} as it is currently marked for protection. To unprotect the "
                "resource, remove the `protect` flag from the resource in your Pulumi program and run `pulumi up`"
            )
            if not self.preview:
                raise EngineRefused(message)  # an update bails before the create of a replacement
            self.error(urn, message, fails=False)  # a preview reports it and goes on to show the replacement
        if not replacing:
            # "we need to recompute the default values": a second Check with no olds and the raw goal inputs.
            checked = d.check(urn, goal, {}, goal.inputs)
        provider_first = bool(diff.deleteBeforeReplace) if diff is not None else False
        # The user's deleteBeforeReplace, when set either way, overrides the provider's.
        first = goal.delete_before_replace if goal.delete_before_replace is not None else provider_first
        return Plan("replace", checked, first)

    def apply(self, urn: str, goal: Goal, old: StateEntry | None, plan: Plan) -> str:
        d, snap = self.d, self.snap
        if plan.kind == "create":
            if not self.preview:  # provider_plugin.go Create: no RPC in a preview (the host has no previews)
                created = d.create(urn, goal, plan.checked)
                with self.lock:
                    snap.live[urn] = created
            return "create"
        assert old is not None
        if plan.kind == "same":
            _take_goal(old, goal, plan.checked)  # SameStep: new state from the goal, old outputs
            return "same"
        if plan.kind == "update":
            if not self.preview:  # provider_plugin.go Update: no RPC in a preview
                d.update(old, goal, plan.checked)
                _take_goal(old, goal, plan.checked)
            return "update"
        if self.preview:
            return "replace"
        if plan.delete_first:
            # Delete-before-replace: DeleteReplacementStep (no RPC with retainOnDelete), which marks the old state
            # PendingReplacement once the delete succeeded; then CreateReplacementStep. If the create fails, the
            # old state stays, pending replacement, and the next update creates without deleting again.
            if not old.pending_replacement:
                if not old.retain_on_delete:
                    d.delete(old)
                old.pending_replacement = True
            created = d.create(urn, goal, plan.checked)
            with self.lock:
                snap.live[urn] = created
        else:
            # Create-before-delete: the old state is marked Delete and deleted with the deletes at the end.
            created = d.create(urn, goal, plan.checked)
            with self.lock:
                old.delete = True
                snap.pending.append(old)
                snap.live[urn] = created
        return "replace"

    # ------------------------------------------------------------------ refresh
    def refresh(self) -> None:
        """A Read per resource in the state (RefreshStep), in parallel, each followed by the swapped-roles Diff."""

        def one(entry: StateEntry) -> None:
            try:
                self.refresh_one(entry)
            except STEP_ERRORS as error:
                self.error(entry.urn, error)

        self.in_parallel(self.snap.entries(), one)

    def refresh_one(self, entry: StateEntry) -> None:
        if entry.pending_replacement:  # "pending-replace resources never change with a refresh"
            self.record(entry.urn, "same", keep=True)
            return
        response = self.d.read(entry)
        if not response.id:
            # An empty id from Read means the resource is gone: the refresh drops it (pulumi/pulumi#20186).
            with self.lock:
                self.snap.drop(entry)
            self.record(entry.urn, "delete")
            return
        refreshed = from_struct(response.properties)
        has_inputs = response.HasField("inputs")
        inputs = from_struct(response.inputs) if has_inputs else entry.inputs
        view = StateEntry(entry.urn, entry.type, response.id, inputs, refreshed)
        # RefreshStep.Apply: diffResource(new inputs/outputs as the olds, the old inputs as the news), inverted.
        diff = self.d.diff(view, entry.inputs)
        with self.lock:
            self.outcome.diffs[entry.urn] = diff
        self.record(entry.urn, "update" if takes_change(diff, view.inputs, entry.inputs, []) else "same")
        # provider_plugin.go Read: annotateSecrets(newInputs, req.Inputs) and (newState, req.State).
        if has_inputs:
            entry.secret_inputs = annotate_secrets(inputs, entry.inputs, entry.secret_inputs)
        entry.secret_outputs = annotate_secrets(refreshed, entry.outputs, entry.secret_outputs)
        entry.outputs, entry.inputs, entry.id = refreshed, inputs, response.id

    # ------------------------------------------------------------------ deletes
    def deletes(self, wanted: set[str]) -> None:
        """GenerateDeletes then one antichain in parallel (ScheduleDeletes; no dependencies here): old copies of
        replacements (``delete``) and resources the program no longer registers (untargeted ones stay)."""
        removed = [
            entry
            for urn, entry in self.snap.live.items()
            if urn not in wanted and (self.targets is None or entry.name in self.targets)
        ]

        def one(entry: StateEntry) -> None:
            try:
                self.delete_one(entry)
            except STEP_ERRORS as error:
                self.error(entry.urn, error, fails=False)

        self.in_parallel([*self.snap.pending, *removed], one)

    def delete_one(self, entry: StateEntry) -> None:
        replaced = entry.delete
        if entry.pending_replacement and not replaced:
            # RemovePendingReplaceStep: its delete already happened; it just leaves the state.
            if not self.preview:
                with self.lock:
                    self.snap.drop(entry)
            self.record(entry.urn, "delete")
            return
        if not replaced and entry.protect:  # DeleteStep.Apply: deleteProtectedError, no RPC
            raise EngineRefused(f"resource {entry.urn!r} cannot be deleted because it is protected")
        # DeleteStep.Apply: nothing in a preview; no RPC for retainOnDelete (the resource is only forgotten).
        if not self.preview and not entry.retain_on_delete:
            self.d.delete(entry)
        if not self.preview:
            with self.lock:
                self.snap.drop(entry)
        self.record(entry.urn, "delete", keep=replaced)


def _take_goal(entry: StateEntry, goal: Goal, checked: dict[str, Any]) -> None:
    """A same or update step writes the new state from the goal: inputs, options and secret marks."""
    entry.inputs = checked
    entry.custom_timeouts = dict(goal.custom_timeouts)
    entry.protect = goal.protect
    entry.retain_on_delete = goal.retain_on_delete
    entry.secret_inputs = annotate_secrets(checked, goal.inputs, as_paths(goal.secret_inputs))
