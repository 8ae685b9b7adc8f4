"""One test per engine rule the harness follows: the exact RPC sequence it sends, with the engine source it
follows named in the docstring (pulumi/pulumi; tests/engine/README.md states each rule). Sequences are per
deployment (one host process each), prologue left out unless the rule is about the prologue."""

import base64
import copy
import os
from typing import Any

import dill
import pytest

from tests.engine import broken_providers, scenarios
from tests.engine.harness import PROVIDER_KEY, UNKNOWN, Goal
from tests.engine.model import SECRET_MARK, annotate_secrets, as_paths
from tests.engine.scenarios import DR_REGION, SOURCE_REGION, TYPE, World
from tests.support import ROOT, FsxAccount

pytestmark = pytest.mark.engine
OVERRIDE_ENV = {"PYTHONPATH": str(ROOT)}  # the host imports tests.engine.broken_providers by reference


def serialized(provider: object) -> str:
    return base64.b64encode(dill.dumps(provider, recurse=True)).decode()


def with_options(goals: list[Goal], **options: Any) -> list[Goal]:
    for goal in goals:
        for name, value in options.items():
            setattr(goal, name, value)
    return goals


def created(w: World, **options: Any) -> str:
    outcome = w.engine.up(with_options(w.goals(), **options))
    assert not outcome.errors, outcome.errors
    return w.engine.state[w.urn].id


# ------------------------------------------------------------------------------------------ hosts and prologue
def test_two_consecutive_deployments_run_in_different_host_processes(server_account: FsxAccount) -> None:
    """pkg/engine/update.go update() and deploy/deployment.go: every deployment starts its own plugin host and
    closes it at its end; `pulumi up` without --skip-preview is a preview deployment, then an update deployment
    (backend/apply.go PreviewThenPromptThenExecute). Nothing a provider keeps in memory reaches the next one."""
    with scenarios.world(server_account) as w:
        mark = w.mark()
        created(w)
        assert not w.engine.up(w.goals()).errors
        assert w.deployments_since(mark) == [["Check"], ["Check", "Create"], ["Check", "Diff"], ["Check", "Diff"]]
        pids = w.engine.host_pids
        assert len(pids) == 4 and len(set(pids)) == 4
        assert {call.deployment for call in w.calls_since(mark)} == {0, 1, 2, 3}
        assert w.engine.current_host is None
        for pid in pids:  # each host was stopped at the end of its deployment
            with pytest.raises(ProcessLookupError):
                os.kill(pid, 0)


def test_a_preview_writes_no_state_and_sends_no_create_update_or_delete(server_account: FsxAccount) -> None:
    """provider_plugin.go Create/Update: in a preview, a provider that did not say supportsPreview (the dynamic host
    answers Configure with acceptSecrets=false and nothing else) gets no call; step.go DeleteStep.Apply does
    nothing in a preview; a preview's state is never persisted."""
    with scenarios.world(server_account) as w:
        created(w)
        before = copy.deepcopy(w.engine.state)
        mark = w.mark()
        for change in ({"tags": {"team": "x"}}, {"kmsKeyId": "alias/dr-two"}):
            assert not w.engine.preview(w.goals(**change)).errors
        assert not w.engine.preview([]).errors  # the resource removed from the program
        assert w.deployments_since(mark) == [["Check", "Diff"], ["Check", "Diff", "Check"], []]
        assert w.engine.state == before and len(w.copies()) == 1


def test_prologue_as_the_engine_loads_the_provider(server_account: FsxAccount) -> None:
    """Plugin launch: Handshake with every field provider_plugin.go NewProvider sets, GetPluginInfo
    (pkg/host/host.go loadProvider). A program that registers the default provider: CheckConfig (providers/
    registry.go Check; olds = the recorded config), DiffConfig once the stack holds the provider (step_generator.go
    diff -> registry.go Diff), Configure. A deployment that only needs it for resources in the state: Configure
    with the recorded config (deploy/deployment.go EnsureProvider -> registry.go Same). Configure carries the
    stack config as inputs and the provider's urn, name, type and id: the unknown id in a preview of a new
    provider, a UUID from its first update on (registry.go Create, Same). Every deployment ends with a Cancel
    (pkg/host/host.go ReleaseContext)."""
    with scenarios.world(server_account) as w:
        mark = w.mark()
        created(w)
        launch = ["Handshake", "GetPluginInfo"]
        first = [*launch, "CheckConfig", "Configure"]
        assert w.full_deployments_since(mark) == [[*first, "Check", "Cancel"], [*first, "Check", "Create", "Cancel"]]
        mark = w.mark()
        assert not w.engine.up(w.goals()).errors
        again = [*launch, "CheckConfig", "DiffConfig", "Configure", "Check", "Diff", "Cancel"]
        assert w.full_deployments_since(mark) == [again, again]
        mark = w.mark()
        w.engine.refresh(preview_only=True)
        assert w.full_deployments_since(mark) == [[*launch, "Configure", "Read", "Diff", "Cancel"]]

        configures = [c.request for c in w.calls_since(0, "Configure")]
        assert all(request["args"] == w.engine.config for request in configures)
        assert {(r["urn"], r["name"], r["type"]) for r in configures} == {
            (w.engine.urn("pulumi:providers:pulumi-python", "default"), "default", "pulumi:providers:pulumi-python")
        }
        ids = [request["id"] for request in configures]
        assert ids[0] == UNKNOWN and len(set(ids[1:])) == 1 and ids[1] != UNKNOWN  # the preview's, then one UUID
        assert configures[0]["variables"]["pulumi-python:config:aws:region"] == DR_REGION
        assert configures[0]["acceptSecrets"] and configures[0]["sendsOldInputsToDelete"]
        checkconfigs = [c.request for c in w.calls_since(0, "CheckConfig")]
        assert checkconfigs[0]["olds"] == {} and checkconfigs[-1]["olds"] == w.engine.config
        handshake = w.calls_since(0, "Handshake")[0].request
        assert {k for k, v in handshake.items() if v is True} == {
            "configureWithUrn",
            "supportsViews",
            "supportsRefreshBeforeUpdate",
            "invokeWithPreview",
            "acceptsByteString",
            "sendsOldOutputsToCheck",
            "acceptsOutputsInInvoke",
            "acceptsOutputsInCall",
        }
        assert {"engineAddress", "loaderTarget", "mapperTarget", "resolverTarget"} <= set(handshake)


def test_check_carries_the_old_outputs_and_crud_the_resource_status_address(server_account: FsxAccount) -> None:
    """step_generator.go continueStepsFromImport: the Check of a resource in the state carries its old outputs as
    well as its old inputs (provider_plugin.go Check sends them as oldOutputs); a new resource's has both empty.
    step.go CreateStep/UpdateStep/DeleteStep/RefreshStep/ReadStep.Apply add the resource-status server's address
    and a token of their own to every call."""
    with scenarios.world(server_account) as w:
        mark = w.mark()
        created(w)
        assert all(c.request["oldOutputs"] == {} == c.request["olds"] for c in w.calls_since(mark, "Check"))
        mark = w.mark()
        assert not w.engine.up(w.goals(tags={"team": "x"}), skip_preview=True).errors
        [check] = w.calls_since(mark, "Check")
        assert check.request["oldOutputs"]["backupId"] == w.engine.state[w.urn].id
        assert "backupId" not in check.request["olds"]
        w.engine.refresh(skip_preview=True)
        w.engine.destroy(skip_preview=True)
        crud = [c for c in w.calls_since(0) if c.method in ("Create", "Update", "Read", "Delete")]
        assert [c.method for c in crud] == ["Create", "Update", "Read", "Delete"]
        tokens = {c.request["resourceStatusToken"] for c in crud}
        assert len(tokens) == 4 and all(c.request["resourceStatusAddress"] for c in crud)


def test_up_refresh_starts_a_second_instance_that_is_never_configured(server_account: FsxAccount) -> None:
    """deployment_executor.go Execute (`opts.Refresh && !opts.RefreshProgram`): the refresh runs first on the
    provider loaded from the state (deploy/deployment.go EnsureProvider -> providers/registry.go Same, which
    configures it); the program's registration of the default provider then makes registry.go Check start a fresh
    plugin (loadParameterizedProvider) that gets Handshake, GetPluginInfo, CheckConfig and DiffConfig only. Same
    finds the first instance configured, so every resource call goes to it; both get Cancel at the end."""
    with scenarios.world(server_account) as w:
        created(w)
        for refreshing in (
            lambda: w.engine.preview(w.goals(), refresh=True),
            lambda: w.engine.up(w.goals(), refresh=True, skip_preview=True),
        ):
            mark = w.mark()
            pids = len(w.engine.second_instance_pids)
            assert not refreshing().errors
            assert w.full_deployments_since(mark) == [
                [
                    *["Handshake", "GetPluginInfo", "Configure", "Read", "Diff"],
                    *["Handshake", "GetPluginInfo", "CheckConfig", "DiffConfig"],
                    *["Check", "Diff", "Cancel", "Cancel"],
                ]
            ]
            assert len(w.engine.second_instance_pids) == pids + 1
            second = w.engine.second_instance_pids[-1]
            assert second != w.engine.host_pids[-1]
            with pytest.raises(ProcessLookupError):  # released with the deployment
                os.kill(second, 0)


# ------------------------------------------------------------------------------------------ replacements
def test_targeted_replacement_is_one_check_without_olds_then_create_then_delete(server_account: FsxAccount) -> None:
    """step_generator.go continueStepsFromImport: `if recreating || wasExternal || sg.isTargetedReplace(urn) ||
    old == nil` -> one Check with no olds and the goal's raw inputs; diff() answers a targeted replace itself (no
    Diff RPC) and continueStepsFromDiff skips the second Check (`!sg.isTargetedReplace(urn)`); create-before-delete
    sends Create, then Delete(old id) with the deletes at the end (GenerateDeletes, `res.Delete`)."""
    with scenarios.world(server_account) as w:
        old = created(w)
        mark = w.mark()
        w.engine.up(w.goals(), replace=["dr-copy"])
        assert w.deployments_since(mark) == [["Check"], ["Check", "Create", "Delete"]]
        checks = w.calls_since(mark, "Check")
        assert all(c.request["olds"] == {} for c in checks)
        assert checks[-1].request["news"] == w.goals()[0].inputs
        [delete] = w.calls_since(mark, "Delete")
        assert delete.request["id"] == old and delete.request["timeout"] == 3600  # the recorded delete="1h"


def test_targeted_delete_before_replace_deletes_first(server_account: FsxAccount) -> None:
    """continueStepsFromDiff, delete-before-replace: DeleteReplacementStep, then CreateReplacementStep."""
    with scenarios.world(server_account) as w:
        old = created(w)
        mark = w.mark()
        w.engine.up(with_options(w.goals(), delete_before_replace=True), replace=["dr-copy"])
        assert w.deployments_since(mark) == [["Check"], ["Check", "Delete", "Create"]]
        assert w.calls_since(mark, "Delete")[0].request["id"] == old


def test_a_taint_makes_the_next_up_a_targeted_replacement(server_account: FsxAccount) -> None:
    """`pulumi state taint` marks a resource so the next update replaces it the way --replace does (pulumi/docs
    blog/pulumi-state-taint); the replacement's state is not tainted."""
    with scenarios.world(server_account) as w:
        old = created(w)
        w.engine.taint("dr-copy")
        mark = w.mark()
        w.engine.up(w.goals())
        assert w.deployments_since(mark) == [["Check"], ["Check", "Create", "Delete"]]
        assert w.calls_since(mark, "Delete")[0].request["id"] == old
        assert not w.engine.state[w.urn].taint


def test_a_replacement_the_provider_asks_for(server_account: FsxAccount) -> None:
    """continueStepsFromImport: Check with the state's inputs as olds; generateStepsFromDiff: Diff; then
    continueStepsFromDiff "recompute the default values": a second Check with no olds and the raw goal inputs;
    Create; Delete(old id) at the end."""
    with scenarios.world(server_account) as w:
        old = created(w)
        mark = w.mark()
        assert not w.engine.up(w.goals(kmsKeyId="alias/dr-two")).errors
        assert w.deployments_since(mark)[-1] == ["Check", "Diff", "Check", "Create", "Delete"]
        update = len(w.engine.host_pids) - 1  # the last deployment
        first, second = (c.request for c in w.calls_since(mark, "Check") if c.deployment == update)
        assert first["olds"] and second["olds"] == {} and second["news"]["kmsKeyId"] == "alias/dr-two"
        assert w.calls_since(mark, "Delete")[0].request["id"] == old


def test_the_users_delete_before_replace_overrides_the_providers(server_account: FsxAccount) -> None:
    """continueStepsFromDiff: `deleteBeforeReplace := diff.DeleteBeforeReplace; if goal.DeleteBeforeReplace !=
    nil { deleteBeforeReplace = *goal.DeleteBeforeReplace }`."""
    provider = serialized(broken_providers.DeleteFirstProvider())
    with scenarios.world(server_account, provider, host_extra_env=OVERRIDE_ENV) as w:
        created(w)
        mark = w.mark()
        assert not w.engine.up(w.goals(kmsKeyId="alias/dr-two")).errors  # option not set: the provider decides
        assert w.deployments_since(mark)[-1] == ["Check", "Diff", "Check", "Delete", "Create"]
        mark = w.mark()
        assert not w.engine.up(with_options(w.goals(), delete_before_replace=False)).errors  # the user's False wins
        assert w.deployments_since(mark)[-1] == ["Check", "Diff", "Check", "Create", "Delete"]


def test_a_failed_deferred_delete_stays_in_state_and_is_retried_at_the_end_of_the_next_deployment(
    server_account: FsxAccount,
) -> None:
    """step.go CreateStep.Apply marks the replaced state `Delete`; if its Delete fails it stays in the state so
    the next deployment deletes it (step_generator.go GenerateDeletes `if res.Delete`, at the end)."""
    with scenarios.world(server_account) as w:
        old = created(w)
        server_account.controls.inject_fault("DeleteBackup", "BadRequest")
        outcome = w.engine.up(w.goals(kmsKeyId="alias/dr-two"))
        assert w.urn in outcome.errors and outcome.steps[w.urn] == "replace"
        [pending] = w.engine.pending_deletes
        assert pending.id == old and pending.delete and w.engine.state[w.urn].id != old
        mark = w.mark()
        outcome = w.engine.up(w.goals(kmsKeyId="alias/dr-two"))
        assert not outcome.errors, outcome.errors
        assert w.deployments_since(mark) == [["Check", "Diff"], ["Check", "Diff", "Delete"]]
        assert w.calls_since(mark, "Delete")[0].request["id"] == old and w.engine.pending_deletes == []
        assert [c["BackupId"] for c in w.copies()] == [w.engine.state[w.urn].id]


def test_delete_before_replace_whose_create_fails_leaves_the_old_state_pending_replacement(
    server_account: FsxAccount,
) -> None:
    """step.go DeleteStep.Apply sets PendingReplacement once the delete succeeded; when the create then fails the
    old state stays. The next update: Check(old inputs), Diff, the olds-less Check, Create and no Delete
    (continueStepsFromDiff: `if !old.PendingReplacement` around the DeleteReplacementStep)."""
    with scenarios.world(server_account) as w:
        old = created(w, delete_before_replace=True)
        server_account.controls.fail_next_copy("injected: the new copy fails")
        goals = with_options(w.goals(kmsKeyId="alias/dr-two"), delete_before_replace=True)
        outcome = w.engine.up(goals)
        assert w.urn in outcome.errors
        entry = w.engine.state[w.urn]
        assert entry.id == old and entry.pending_replacement and w.copies() == []
        mark = w.mark()
        assert not w.engine.up(goals).errors
        assert w.deployments_since(mark) == [["Check", "Diff", "Check"], ["Check", "Diff", "Check", "Create"]]
        assert w.calls_since(mark, "Check")[0].request["olds"]["kmsKeyId"] == "alias/dr-one"
        assert [c["BackupId"] for c in w.copies()] == [w.engine.state[w.urn].id] != [old]


# ------------------------------------------------------------------------------------------ options
def test_retain_on_delete_sends_no_delete_and_drops_the_resource(server_account: FsxAccount) -> None:
    """step.go DeleteStep.Apply: `else if s.old.RetainOnDelete` -> no Delete RPC, for a removal and for the old
    copy of a replacement; the resource leaves the state."""
    with scenarios.world(server_account) as w:
        old = created(w, retain_on_delete=True)
        mark = w.mark()
        assert not w.engine.up(with_options(w.goals(kmsKeyId="alias/dr-two"), retain_on_delete=True)).errors
        assert w.deployments_since(mark)[-1] == ["Check", "Diff", "Check", "Create"]
        assert w.engine.pending_deletes == [] and old in {c["BackupId"] for c in w.copies()}
        mark = w.mark()
        assert not w.engine.up([]).errors
        assert w.full_deployments_since(mark) == [["Handshake", "GetPluginInfo", "Configure", "Cancel"]] * 2
        assert w.engine.state == {} and len(w.copies()) == 2


def test_protect_refuses_replace_and_delete(server_account: FsxAccount) -> None:
    """continueStepsFromDiff: `if new.Protect && old.Protect` -> "unable to replace" (a preview reports it and goes
    on; an update bails before the second Check); step.go DeleteStep.Apply: deleteProtectedError, no RPC."""
    with scenarios.world(server_account) as w:
        old = created(w, protect=True)
        protected = with_options(w.goals(kmsKeyId="alias/dr-two"), protect=True)
        mark = w.mark()
        outcome = w.engine.up(protected)
        assert "marked for protection" in outcome.errors[w.urn]
        assert w.deployments_since(mark) == [["Check", "Diff", "Check"]]  # the preview failed: no update ran
        mark = w.mark()
        outcome = w.engine.up(protected, skip_preview=True)
        assert "marked for protection" in outcome.errors[w.urn]
        assert w.deployments_since(mark) == [["Check", "Diff"]]
        mark = w.mark()
        assert "protected" in w.engine.up([], skip_preview=True).errors[w.urn]
        assert "protected" in w.engine.destroy(skip_preview=True).errors[w.urn]
        assert w.deployments_since(mark) == [[], []]
        assert w.engine.state[w.urn].id == old and [c["BackupId"] for c in w.copies()] == [old]


def test_ignore_changes_applies_to_the_first_checks_news_only(server_account: FsxAccount) -> None:
    """continueStepsFromImport: processIgnoreChanges puts the old values of ignored paths into the news before the
    first Check; the replacement's second Check gets the goal's raw properties."""
    with scenarios.world(server_account) as w:
        created(w)
        old_tags = w.engine.state[w.urn].inputs["tags"]
        mark = w.mark()
        outcome = w.engine.up(with_options(w.goals(tags={"team": "x"}), ignore_changes=["tags"]))
        assert not outcome.errors and set(outcome.steps.values()) == {"same"}
        assert w.deployments_since(mark) == [["Check", "Diff"], ["Check", "Diff"]]
        assert all(c.request["news"]["tags"] == old_tags for c in w.calls_since(mark, "Check"))
        mark = w.mark()
        goals = with_options(w.goals(tags={"team": "x"}, kmsKeyId="alias/dr-two"), ignore_changes=["tags"])
        assert not w.engine.up(goals).errors
        first, second = (c.request["news"]["tags"] for c in w.calls_since(mark, "Check")[-2:])
        assert first == old_tags and second["team"] == "x"


def test_targets_leave_untargeted_resources_without_a_check(server_account: FsxAccount) -> None:
    """continueStepsFromImport: `if !isTargeted` the provider's Check is stubbed with the old inputs (no RPC) and a
    SameStep keeps the old state."""
    with scenarios.fleet(server_account) as fleet:
        assert not fleet.engine.up(fleet.goals(2)).errors
        mark = fleet.mark()
        outcome = fleet.engine.up(fleet.goals(2, tagged=2), targets=["copy-00"])
        assert not outcome.errors, outcome.errors
        assert fleet.deployments_since(mark) == [["Check", "Diff"], ["Check", "Diff", "Update"]]
        assert {c.request["urn"].rsplit("::", 1)[-1] for c in fleet.calls_since(mark, "Check")} == {"copy-00"}
        untouched = fleet.engine.state[fleet.engine.urn(TYPE, "copy-01")]
        assert "wave" not in untouched.outputs["tags"]


def test_replace_on_changes_has_no_effect_with_this_host(server_account: FsxAccount) -> None:
    """step_generator.go applyReplaceOnChanges only turns keys the engine knows changed into replacements: the
    Diff's `diffs`/`detailedDiff`, which the dynamic host never fills. So a tag change stays an update."""
    with scenarios.world(server_account) as w:
        created(w)
        outcome = w.engine.up(with_options(w.goals(tags={"team": "x"}), replace_on_changes=["tags"]))
        assert not outcome.errors and outcome.steps[w.urn] == "update"


def test_replace_on_changes_takes_effect_when_the_engine_compares_inputs_itself(server_account: FsxAccount) -> None:
    """diffResource: after DIFF_UNKNOWN the engine computes the changed keys itself, and applyReplaceOnChanges
    then makes a tag change a replacement (shown with a provider that answers "unknown")."""
    provider = serialized(broken_providers.UnknownDiffProvider())
    with scenarios.world(server_account, provider, host_extra_env=OVERRIDE_ENV) as w:
        created(w)
        outcome = w.engine.up(with_options(w.goals(tags={"team": "x"}), replace_on_changes=["tags"]))
        assert not outcome.errors and outcome.steps[w.urn] == "replace"


# ------------------------------------------------------------------------------------------ refresh and get
def test_refresh_reads_then_the_program_runs_in_the_same_deployment(server_account: FsxAccount) -> None:
    """`up --refresh`/`preview --refresh`: a RefreshStep per resource (Read, then the swapped-roles Diff of
    step.go RefreshStep.Apply), then the program's steps, in one deployment; `pulumi refresh` stops after the
    refresh (deployment_executor.go refresh)."""
    with scenarios.world(server_account) as w:
        created(w)
        mark = w.mark()
        assert not w.engine.preview(w.goals(), refresh=True).errors
        assert w.deployments_since(mark) == [["Read", "Diff", "Check", "Diff"]]
        mark = w.mark()
        assert not w.engine.up(w.goals(), refresh=True).errors
        assert w.deployments_since(mark) == [["Read", "Diff", "Check", "Diff"]] * 2
        mark = w.mark()
        assert not w.engine.refresh().errors
        assert w.deployments_since(mark) == [["Read", "Diff"]] * 2
        refresh_diff = w.calls_since(mark, "Diff")[0].request  # the roles swapped: the state's inputs as news
        assert refresh_diff["news"] == w.engine.state[w.urn].inputs


def test_get_of_an_id_the_host_reports_gone_gives_the_program_no_outputs(server_account: FsxAccount) -> None:
    """step.go ReadStep.Apply fails only when the Read brings no properties; the dynamic host always adds
    __provider, so an empty id is taken without error and the program gets no outputs. In a refresh the same
    empty id means the resource is gone and leaves the state (pulumi/pulumi#20186)."""
    provider = serialized(broken_providers.GoneProvider())
    with scenarios.world(server_account, provider, host_extra_env=OVERRIDE_ENV) as w:
        mark = w.mark()
        props = {PROVIDER_KEY: provider, "region": DR_REGION}
        outputs = w.engine.get(TYPE, "imported", "backup-0123456789abcdef0", props)
        assert outputs == {PROVIDER_KEY: provider}
        assert w.deployments_since(mark) == [["Read"]]
        [read] = w.calls_since(mark, "Read")
        assert read.request["properties"] == read.request["inputs"] == props
        created(w)
        assert w.engine.refresh().steps[w.urn] == "delete" and w.urn not in w.engine.state


# ------------------------------------------------------------------------------------------ deletes
def test_deletes_of_one_deployment_run_in_parallel(server_account: FsxAccount) -> None:
    """deployment_executor.go performDeletes: ScheduleDeletes antichains run with ExecuteParallel; without
    dependencies all deletes are one antichain, sent at once through the host's workers."""
    with scenarios.fleet(server_account) as fleet:
        assert not fleet.engine.up(fleet.goals(3)).errors
        server_account.controls.inject_fault("DeleteBackup", "HoldResponse", count=3, message="0.5")
        mark = fleet.mark()
        assert not fleet.engine.destroy(skip_preview=True).errors
        deletes = fleet.calls_since(mark, "Delete")
        assert len(deletes) == 3 and fleet.copies() == []
        assert max(d.started for d in deletes) < min(d.completed for d in deletes)  # all in flight together


def test_a_failed_step_cancels_the_deletes_at_the_end(server_account: FsxAccount) -> None:
    """step_executor.go cancelDueToError cancels the deployment's context after a failed step, so
    deployment_executor.go never runs performDeletes: a resource removed from the program is deleted by the
    next deployment that has no failure."""
    with scenarios.fleet(server_account) as fleet:
        assert not fleet.engine.up(fleet.goals(2)).errors
        goals = [g for g in fleet.goals(3) if g.name != "copy-01"]
        server_account.controls.fail_next_copy("injected: this copy fails")
        mark = fleet.mark()
        outcome = fleet.engine.up(goals)
        removed = fleet.engine.urn(TYPE, "copy-01")
        assert fleet.engine.urn(TYPE, "copy-02") in outcome.errors and removed in fleet.engine.state
        assert "Delete" not in fleet.since(mark)
        assert not fleet.engine.up(goals).errors
        assert removed not in fleet.engine.state and len(fleet.copies()) == 2


# ------------------------------------------------------------------------------------------ secrets
def test_secrets_are_re_marked_only_where_an_output_key_equals_a_secret_inputs_key() -> None:
    """provider_plugin.go annotateSecrets: recurse where both values are maps, else mark the whole output value
    when the input value holds a secret; outputs under keys no input has are never marked."""
    ins = {"kmsKeyId": "alias/k", "tags": {"db-password": "p", "team": "t"}, "region": "r"}
    outs = {
        "kmsKeyId": "arn:aws:kms:...",
        "tags": {"db-password": "p", "team": "t"},
        "appliedInputs": {"kmsKeyId": "alias/k"},
        "region": "r",
    }
    assert annotate_secrets(outs, ins, as_paths({"kmsKeyId", "tags.db-password"})) == {
        ("kmsKeyId",),
        ("tags", "db-password"),
    }
    assert annotate_secrets(outs, ins, as_paths({"tags"})) == {("tags",)}  # a secret map marks the whole output


def test_the_state_encrypts_what_the_engine_marks_secret(server_account: FsxAccount) -> None:
    """Secrets found in what the program registers (the SDK's secret wrappers, under mocks) are re-marked on the
    checked inputs and the outputs (annotateSecrets after Check and Create); the checkpoint encrypts exactly
    those, so a test can search the stored state for a secret in plain text."""
    source = server_account.source_backup(SOURCE_REGION)
    server_account.kms_key(DR_REGION, alias="alias/dr-one")
    program = ROOT / "tests" / "engine" / "programs" / "secrets"
    config = {
        "aws:region": DR_REGION,
        "secrets:sourceBackupId": source,
        "secrets:sourceRegion": SOURCE_REGION,
        "secrets:kmsKeyId": "alias/dr-one",
        "secrets:tagSecret": "hunter2-tag-secret",
    }
    from tests.engine.harness import Engine, goals_from_program, host_env

    assert server_account.endpoint_url
    engine = Engine(program, "secrets", "dr", config, host_env(server_account.endpoint_url))
    goals = goals_from_program(program / "__main__.py", "secrets", "dr", config)
    assert goals[0].secret_inputs == {"kmsKeyId", "tags"}
    assert not engine.up(goals).errors
    [stored] = engine.stored_state()
    assert stored["inputs"]["kmsKeyId"] == stored["outputs"]["kmsKeyId"] == SECRET_MARK
    assert stored["inputs"]["tags"] == stored["outputs"]["tags"] == SECRET_MARK
    assert stored["outputs"]["region"] == DR_REGION  # not secret, stored in plain text
    assert not engine.destroy().errors
