"""The engine harness against the real engine: the lifecycle scenarios played both ways, their provider RPCs equal.

The real side is the CLI through the Automation API, whose ``up``, ``refresh`` and ``destroy`` pass
``--skip-preview`` (one deployment each), so the harness plays them with ``skip_preview=True``; previews are
compared as ``preview`` commands of their own. Every difference left is named in ``harness_agreement.ALLOWED``.
"""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.cli import programs
from tests.cli.harness_agreement import (
    ALLOWED,
    Normaliser,
    differences,
    example_program,
    harness_goals,
    harness_requests,
    line_count,
    real_requests,
)
from tests.cli.realengine import RealStack
from tests.engine.harness import PROVIDER_KEY, Engine, host_env
from tests.engine.scenarios import DR_REGION, EXAMPLE, PROJECT, SOURCE_REGION, STACK, TYPE
from tests.support import ROOT, FsxAccount

README = ROOT / "tests" / "engine" / "README.md"


class Both:
    """One stack played by the real CLI and by the harness, command by command, with the logs compared."""

    def __init__(self, real: RealStack, engine: Engine, real_log: Path) -> None:
        self.real, self.engine, self.real_log = real, engine, real_log
        self.real_norm, self.harness_norm = Normaliser(), Normaliser()
        self.problems: dict[str, list[str]] = {}
        self.compared: dict[str, list[str]] = {}

    def set_config(self, values: dict[str, str]) -> None:
        self.real.set_config(values)
        self.engine.config.update(values)

    def run(self, name: str, real: Callable[[], Any], harness: Callable[[], Any]) -> None:
        start, mark = line_count(self.real_log), len(self.engine.recorder.calls)
        real()
        outcome = harness()
        errors = getattr(outcome, "errors", None)
        assert not errors, f"{name}: the harness failed: {errors}"
        real_calls = real_requests(self.real_log, start, line_count(self.real_log))
        harness_calls = harness_requests(self.engine.recorder.calls[mark:])
        self.compared[name] = [method for method, _ in real_calls]
        found = differences(real_calls, harness_calls, self.real_norm, self.harness_norm)
        if found:
            self.problems[name] = found


def test_the_harness_sends_what_the_real_engine_sends(
    real_stack: RealStack, server_account: FsxAccount, tmp_path: Path
) -> None:
    assert server_account.endpoint_url
    real_source = server_account.source_backup(SOURCE_REGION, tags={"team": "storage"})
    harness_source = server_account.source_backup(SOURCE_REGION, tags={"team": "storage"})
    server_account.kms_key(DR_REGION, alias="alias/dr-one")
    server_account.kms_key(DR_REGION, alias="alias/dr-two")
    config = {
        "aws:region": DR_REGION,
        f"{PROJECT}:sourceRegion": SOURCE_REGION,
        f"{PROJECT}:kmsKeyId": "alias/dr-one",
    }
    real_stack.project, real_stack.name = PROJECT, STACK
    real_stack.set_config({**config, f"{PROJECT}:sourceBackupId": real_source})
    env = host_env(server_account.endpoint_url)
    engine = Engine(EXAMPLE, PROJECT, STACK, {**config, f"{PROJECT}:sourceBackupId": harness_source}, env)
    both = Both(real_stack, engine, tmp_path / "grpc.log")
    fsx = server_account.client(DR_REGION)
    urn = engine.urn(TYPE, "dr-copy")

    def goals(**options: bool) -> Any:
        return harness_goals(engine.config, **options)

    def real_id() -> str:
        return str(real_stack.resources()["dr-copy"]["id"])

    def retag(backup_id: str, value: str) -> None:
        arn = fsx.describe_backups(BackupIds=[backup_id])["Backups"][0]["ResourceARN"]
        fsx.tag_resource(ResourceARN=arn, Tags=[{"Key": "team", "Value": value}])

    plain = example_program()
    both.run("up creates", lambda: real_stack.up(plain), lambda: engine.up(goals(), skip_preview=True))
    both.run("preview, no change", lambda: real_stack.preview(expect_no_changes=True), lambda: engine.preview(goals()))
    both.run("up, no change", real_stack.up, lambda: engine.up(goals(), skip_preview=True))
    both.set_config({f"{PROJECT}:tags": json.dumps({"team": "storage"})})
    both.run("up with a tag change", real_stack.up, lambda: engine.up(goals(), skip_preview=True))
    both.run(
        "preview with an unknown input",
        lambda: real_stack.preview(example_program(unknown_source=True)),
        lambda: engine.preview(goals(unknown_source=True)),
    )
    real_stack.program = plain
    retag(real_id(), "edited-by-hand")
    retag(engine.state[urn].id, "edited-by-hand")
    both.run(
        "preview --refresh with drift",
        lambda: real_stack.preview(refresh=True),
        lambda: engine.preview(goals(), refresh=True),
    )
    both.run(
        "up --refresh puts the tag back",
        lambda: real_stack.up(refresh=True),
        lambda: engine.up(goals(), refresh=True, skip_preview=True),
    )
    retag(real_id(), "edited-by-hand")
    retag(engine.state[urn].id, "edited-by-hand")
    both.run("refresh with drift", real_stack.refresh, lambda: engine.refresh(skip_preview=True))
    both.run("up after the refresh", real_stack.up, lambda: engine.up(goals(), skip_preview=True))
    both.set_config({f"{PROJECT}:kmsKeyId": "alias/dr-two"})
    both.run("a KMS change replaces", real_stack.up, lambda: engine.up(goals(), skip_preview=True))
    both.set_config({f"{PROJECT}:kmsKeyId": "alias/dr-one"})
    both.run(
        "delete before replace",
        lambda: real_stack.up(example_program(delete_before_replace=True)),
        lambda: engine.up(goals(delete_before_replace=True), skip_preview=True),
    )
    real_stack.program = plain
    fsx.delete_backup(BackupId=real_id())
    fsx.delete_backup(BackupId=engine.state[urn].id)
    both.run("refresh drops a deleted copy", real_stack.refresh, lambda: engine.refresh(skip_preview=True))
    both.run("up creates it again", real_stack.up, lambda: engine.up(goals(), skip_preview=True))
    both.run("destroy", real_stack.destroy, lambda: engine.destroy(skip_preview=True))
    assert not real_stack.resources() and not engine.state

    assert both.problems == {}, "\n\n".join(f"{name}:\n" + "\n".join(p) for name, p in both.problems.items())
    # The points the real engine was read to send, seen in its log.
    assert all(methods[-1] == "Cancel" for methods in both.compared.values()), both.compared
    refreshing = both.compared["up --refresh puts the tag back"]
    assert refreshing.count("Handshake") == 2 and refreshing.count("Configure") == 1, refreshing
    assert both.compared["destroy"] == ["Handshake", "GetPluginInfo", "Configure", "Delete", "Cancel"]


def test_get_is_the_same_read_both_ways(real_stack: RealStack, server_account: FsxAccount, tmp_path: Path) -> None:
    """``BackupCopy.get`` in a stack of its own: the default provider registered, then one Read (ReadStep)."""
    assert server_account.endpoint_url
    source = server_account.source_backup(SOURCE_REGION)
    copy = server_account.client(DR_REGION).copy_backup(SourceBackupId=source, SourceRegion=SOURCE_REGION)["Backup"]
    server_account.wait_available(DR_REGION, copy["BackupId"])
    config = {"aws:region": DR_REGION}
    real_stack.project, real_stack.name = PROJECT, "reader"
    real_stack.set_config(config)
    engine = Engine(EXAMPLE, PROJECT, "reader", dict(config), host_env(server_account.endpoint_url))
    both = Both(real_stack, engine, tmp_path / "grpc.log")
    provider = harness_goals({**config, f"{PROJECT}:sourceBackupId": source, f"{PROJECT}:sourceRegion": SOURCE_REGION})[
        0
    ].inputs[PROVIDER_KEY]
    both.run(
        "get",
        lambda: real_stack.up(programs.getter("imported", copy["BackupId"], DR_REGION)),
        lambda: engine.get(TYPE, "imported", copy["BackupId"], {PROVIDER_KEY: provider, "region": DR_REGION}),
    )
    assert both.problems == {}, "\n\n".join(f"{name}:\n" + "\n".join(p) for name, p in both.problems.items())
    assert both.compared["get"][-2:] == ["Read", "Cancel"]


def test_the_readme_table_is_the_allowed_list() -> None:
    """tests/engine/README.md's table of differences has one row per allowed difference, and no other."""
    text = README.read_text().split("Differences the comparison allows", 1)[1].split("\n\n", 2)[1]
    rows = [line for line in text.splitlines() if line.startswith("| ") and not line.startswith("| method")]
    assert [row.split(" | ")[:2] for row in rows] == [[f"| {a.method}", f"`{a.key}`"] for a in ALLOWED]


def test_the_comparison_sees_a_missing_field_a_changed_value_and_another_call() -> None:
    """The normalised comparison keeps what matters: a field one side lacks, a value that differs (beyond the
    run-to-run ones), and a call one side does not make."""
    configure = {"urn": "u", "id": "50cf9656-3006-461f-a861-1b2c23cdce81", "args": {"k": "backup-0123456789abcdef0"}}
    same = {**configure, "id": "11111111-2222-4333-8444-555555555555", "args": {"k": "backup-fedcba98765432100"}}
    assert differences([("Configure", configure)], [("Configure", same)], Normaliser(), Normaliser()) == []
    without_id = {k: v for k, v in configure.items() if k != "id"}
    assert differences([("Configure", configure)], [("Configure", without_id)], Normaliser(), Normaliser())
    changed = {**configure, "args": {"k": "other"}}
    assert differences([("Configure", configure)], [("Configure", changed)], Normaliser(), Normaliser())
    cancel: tuple[str, dict[str, Any]] = ("Cancel", {})
    assert differences([("Configure", configure), cancel], [("Configure", configure)], Normaliser(), Normaliser())
