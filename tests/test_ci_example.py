"""examples/ci runs as it stands once copied: only the lines marked CHANGE differ in a user's repository.

Checked here: the program installs the package by git URL and tag (no path into this repository), every job runs on
a GitHub-hosted runner, a manual run can deploy as well as gate drift, the limits of a long deploy fit inside each
other, the trust policy admits GitHub's OIDC tokens of one repository only, and the rotation drift gate fails on
drift but not on the next rotation. `make lint` validates the workflow against GitHub's workflow schema.
"""

import json
import re
import runpy
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from fsx_backup_copy_provider.timeouts import parse_duration
from tests.engine.program import goals_from_program
from tests.support import ROOT

CI = ROOT / "examples" / "ci"
WORKFLOW = CI / ".github" / "workflows" / "fsx-backup-copies.yml"
GATE = CI / ".github" / "scripts" / "fsx_drift_gate.py"
TRUST = CI / "trust-policy.json"
GITHUB_HOSTED = ("ubuntu-", "windows-", "macos-")
GITHUB_HOSTED_MAX_MINUTES = 360  # GitHub-hosted runners stop every job after 6 hours
MAX_SESSION_SECONDS = 43200  # IAM's ceiling for a role's MaxSessionDuration
TYPE = "pulumi-python:dynamic/fsx:BackupCopy"


def _workflow() -> dict[str, Any]:
    loaded: dict[Any, Any] = yaml.safe_load(WORKFLOW.read_text())
    loaded["on"] = loaded.pop(True, loaded.get("on"))  # YAML 1.1 reads the key `on` as true
    return loaded


def _version() -> str:
    version: str = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    return version


def _runs(condition: str, event: str, run: str | None = None) -> bool:
    """The job's `if:` for an event (and the dispatch input `run`): the `a == 'x' || (b && c)` forms used here."""
    values = {"github.event_name": event, "inputs.run": run}

    def atom(text: str) -> bool:
        name, literal = (part.strip() for part in text.strip().strip("()").split("=="))
        return values[name] == literal.strip("'")

    return any(all(atom(a) for a in alternative.split("&&")) for alternative in condition.split("||"))


def test_the_program_installs_the_package_by_git_url_and_release_tag() -> None:
    lines = (CI / "requirements.txt").read_text().splitlines()
    assert not any(line.lstrip().startswith("-e") or "../" in line for line in lines)
    [index] = [i for i, line in enumerate(lines) if line.startswith("pulumi-fsx-backup-copy")]
    assert re.fullmatch(rf"pulumi-fsx-backup-copy @ git\+https://\S+\.git@v{re.escape(_version())}", lines[index])
    assert "CHANGE" in lines[index - 1], "the URL is the place a user changes, and is marked"


def test_every_job_runs_on_a_github_hosted_runner() -> None:
    for name, job in _workflow()["jobs"].items():
        labels = [job["runs-on"]] if isinstance(job["runs-on"], str) else job["runs-on"]
        assert "self-hosted" not in labels, name
        assert all(str(label).startswith(GITHUB_HOSTED) for label in labels), name


def test_a_manual_run_can_deploy_or_gate_drift_and_each_trigger_runs_one_job() -> None:
    workflow = _workflow()
    [choice] = workflow["on"]["workflow_dispatch"]["inputs"].values()
    assert choice["type"] == "choice" and set(choice["options"]) == {"deploy", "drift"}
    [name] = workflow["on"]["workflow_dispatch"]["inputs"]
    assert name == "run"
    deploy, drift = workflow["jobs"]["deploy"]["if"], workflow["jobs"]["drift"]["if"]
    assert _runs(deploy, "workflow_dispatch", "deploy") and not _runs(drift, "workflow_dispatch", "deploy")
    assert _runs(drift, "workflow_dispatch", "drift") and not _runs(deploy, "workflow_dispatch", "drift")
    assert _runs(deploy, "push") and not _runs(drift, "push")
    assert _runs(drift, "schedule") and not _runs(deploy, "schedule")
    assert workflow["on"]["push"]["branches"] == ["main"] and workflow["on"]["schedule"]


def test_the_deploy_runs_pulumi_up_and_the_drift_gate_suits_the_kind_of_stack() -> None:
    jobs = _workflow()["jobs"]
    deploy_runs = [s.get("run", "") for s in jobs["deploy"]["steps"]]
    assert any(r.startswith("pulumi up ") and "--refresh" in r and "--yes" in r for r in deploy_runs)
    gates = {s["if"]: s["run"] for s in jobs["drift"]["steps"] if "if" in s}
    copies = gates["env.STACK_KIND == 'copies'"]
    assert "pulumi preview" in copies and "--refresh" in copies and "--expect-no-changes" in copies
    rotation = gates["env.STACK_KIND == 'rotation'"]
    assert "--refresh" in rotation and "--json" in rotation and "--expect-no-changes" not in rotation
    assert "$GITHUB_WORKSPACE/.github/scripts/fsx_drift_gate.py" in rotation
    for job in jobs.values():  # the program's dependencies come from its requirements.txt
        assert any(s.get("run") == "pulumi install" for s in job["steps"])


def test_the_lines_a_user_changes_are_marked_and_the_rest_runs_as_it_stands() -> None:
    env = _workflow()["env"]
    marked = {line.split(":")[0].strip() for line in WORKFLOW.read_text().splitlines() if "# CHANGE" in line}
    assert marked == {"PULUMI_STACK", "WORK_DIR", "STACK_KIND", "AWS_REGION"}
    assert env["STACK_KIND"] in ("copies", "rotation")
    assert (CI / env["WORK_DIR"] / "Pulumi.yaml").is_file(), "as copied, WORK_DIR names this program's folder"
    assert len(env["PULUMI_STACK"].split("/")) == 3  # org/project/stack
    project = yaml.safe_load((CI / env["WORK_DIR"] / "Pulumi.yaml").read_text())
    assert env["PULUMI_STACK"].split("/")[1] == project["name"]


def test_the_deploy_limits_fit_inside_each_other_and_the_readme_says_the_same() -> None:
    """Pulumi's create timeout < the job's timeout <= the runner's cap; the AWS session outlasts the job and fits
    the role's MaxSessionDuration that the README has the user set."""
    deploy = _workflow()["jobs"]["deploy"]
    [create] = re.findall(r'CustomTimeouts\([^)]*create="([^"]+)"', (CI / "__main__.py").read_text())
    minutes = deploy["timeout-minutes"]
    assert parse_duration(create) < minutes * 60 <= GITHUB_HOSTED_MAX_MINUTES * 60
    [credentials] = [s for s in deploy["steps"] if "configure-aws-credentials" in s.get("uses", "")]
    session = credentials["with"]["role-duration-seconds"]
    assert minutes * 60 <= session <= MAX_SESSION_SECONDS
    readme = " ".join((CI / "README.md").read_text().split())
    assert f"--max-session-duration {session}" in readme, "the role must allow the session the job asks for"
    assert f"{minutes} min" in readme and f"{session} s" in readme and f'create="{create}"' in readme
    assert f"{round(parse_duration(create) / 60)} min" in readme


def test_the_trust_policy_admits_github_oidc_tokens_for_aws_from_one_repository_only() -> None:
    policy = json.loads(TRUST.read_text())
    assert policy["Version"] == "2012-10-17"
    [statement] = policy["Statement"]
    assert statement["Effect"] == "Allow" and statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert statement["Principal"] == {
        "Federated": "arn:aws:iam::ACCOUNT_ID:oidc-provider/token.actions.githubusercontent.com"
    }
    conditions = statement["Condition"]
    assert set(conditions) <= {"StringEquals", "StringLike"}
    assert conditions["StringEquals"]["token.actions.githubusercontent.com:aud"] == "sts.amazonaws.com"
    subjects = [c["token.actions.githubusercontent.com:sub"] for c in conditions.values() if ":sub" in str(c)]
    assert subjects, "without a sub condition any repository's workflow could assume the role"
    for subject in subjects:
        for value in [subject] if isinstance(subject, str) else subject:
            assert value.startswith("repo:OWNER/REPOSITORY:"), value  # one repository, no wildcard before it
    readme = (CI / "README.md").read_text()
    for placeholder in ("ACCOUNT_ID", "OWNER/REPOSITORY"):
        assert placeholder in readme  # the README says what replaces it


def test_the_program_declares_the_copy_with_the_timeouts_the_workflow_relies_on() -> None:
    config = {"aws:region": "us-west-2", "fsx-backup-copies:sourceBackupId": "backup-0a3364eded1014b28"}
    config["fsx-backup-copies:sourceRegion"] = "us-east-2"
    [copy] = goals_from_program(CI / "__main__.py", "fsx-backup-copies", "dr", config)
    assert copy.type == TYPE
    assert copy.inputs["sourceBackupId"] == "backup-0a3364eded1014b28" and copy.inputs["sourceRegion"] == "us-east-2"
    assert copy.custom_timeouts["create"] == parse_duration("5h30m")


# ------------------------------------------------------------------------------ the rotation drift gate
def _gate() -> dict[str, Any]:
    return runpy.run_path(str(GATE))


def _step(op: str, name: str, region: str = "us-west-2", kind: str = TYPE) -> dict[str, Any]:
    urn = f"urn:pulumi:prod::scheduled-dr::fsx-backup-copy:index:BackupCopyRotation${kind}::{name}"
    state = {"type": kind, "inputs": {"region": region}, "outputs": {"region": region}}
    step: dict[str, Any] = {"op": op, "urn": urn}
    if op in ("create", "update", "replace", "create-replacement", "same", "read"):
        step["newState"] = state
    if op != "create":
        step["oldState"] = state
    return step


SAME = [_step("same", "nightly-us-west-2-backup-0a"), _step("same", "nightly", kind="pulumi:pulumi:Stack")]
ROTATIONS = {
    "nothing new": SAME,
    "a new backup: its copy in each Region": [
        *SAME,
        _step("create", "nightly-us-west-2-backup-0c"),
        _step("create", "nightly-us-east-1-backup-0c", "us-east-1"),
    ],
    "a full window: a new copy in, the oldest out, per Region": [
        *SAME,
        _step("create", "nightly-us-west-2-backup-0c"),
        _step("delete", "nightly-us-west-2-backup-0a"),
        _step("create", "nightly-us-east-1-backup-0c", "us-east-1"),
        _step("delete", "nightly-us-east-1-backup-0a", "us-east-1"),
    ],
    "refresh steps": [*SAME, _step("refresh", "nightly-us-west-2-backup-0b")],
}
DRIFTS = {
    "a tag changed by hand": [*SAME, _step("update", "nightly-us-west-2-backup-0b")],
    "a copy replaced": [*SAME, _step("replace", "nightly-us-west-2-backup-0b")],
    "its replacement steps": [*SAME, _step("create-replacement", "nightly-us-west-2-backup-0b")],
    "a copy deleted with nothing new": [*SAME, _step("delete", "nightly-us-west-2-backup-0a")],
    "a delete in one Region, the new copy in another": [
        _step("create", "nightly-us-east-1-backup-0c", "us-east-1"),
        _step("delete", "nightly-us-west-2-backup-0a"),
    ],
    "another resource changed": [*SAME, _step("update", "nightly", kind="fsx-backup-copy:index:BackupCopyRotation")],
}


@pytest.mark.parametrize("steps", ROTATIONS.values(), ids=ROTATIONS.keys())
def test_the_rotation_gate_passes_the_next_rotation(steps: list[dict[str, Any]], tmp_path: Path) -> None:
    preview = tmp_path / "preview.json"
    preview.write_text(json.dumps({"steps": steps, "changeSummary": {}}))
    assert _gate()["main"](["fsx_drift_gate.py", str(preview)]) == 0


@pytest.mark.parametrize("steps", DRIFTS.values(), ids=DRIFTS.keys())
def test_the_rotation_gate_fails_on_drift_naming_the_step(
    steps: list[dict[str, Any]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    preview = tmp_path / "preview.json"
    preview.write_text(json.dumps({"steps": steps}))
    assert _gate()["main"](["fsx_drift_gate.py", str(preview)]) == 1
    printed = capsys.readouterr().out
    changed = [s for s in steps if s["op"] not in ("same", "create")]
    assert all(step["urn"] in printed for step in changed), printed


def test_the_rotation_gate_cannot_pass_a_preview_it_cannot_read(tmp_path: Path) -> None:
    broken = tmp_path / "preview.json"
    broken.write_text("error: no stack named 'prod' found")
    assert _gate()["main"](["fsx_drift_gate.py", str(broken)]) == 2
    assert _gate()["main"](["fsx_drift_gate.py", str(tmp_path / "missing.json")]) == 2
