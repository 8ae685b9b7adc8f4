"""`make demo`: examples/cross-region-dr through its whole life against a local FSx, in under a minute.

With the pulumi CLI on PATH it runs the CLI (local file backend); otherwise it drives the SDK's own dynamic-provider
host through the engine harness (tests/engine), sending the gRPC calls the CLI sends: every deployment (each
preview, update, refresh and destroy) in a host process of its own. Exits 0 only if every step checked out, and
leaves no process behind.
"""

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pulumi import automation as auto  # noqa: E402

from fsx_emulator.client import EmulatorClient  # noqa: E402
from tests.cli.realengine import cli_version, find_cli  # noqa: E402
from tests.engine import scenarios  # noqa: E402
from tests.engine.harness import host_env  # noqa: E402
from tests.support import EmulatorProcess, FsxAccount, start_emulator  # noqa: E402

COPY_SECONDS = 4.0
TIME_SCALE = 0.1  # the provider polls 10x as often as it would against AWS (copies here take seconds, not hours)
START = time.monotonic()


def say(text: str) -> None:
    print(f"[{time.monotonic() - START:5.1f}s] {text}", flush=True)


def show_host_line(line: str) -> None:
    if line.startswith(("info:", "warning:", "error:")):
        print(f"          │ {line}", flush=True)


def step(title: str, action: Callable[[], str]) -> None:
    say(f"▶ {title}")
    detail = action()
    say(f"  ✔ {detail}")


def run_with_harness(account: FsxAccount) -> None:
    with scenarios.world(account, time_scale=TIME_SCALE) as w:
        w.engine.on_line = show_host_line
        dr = {"tags": {"team": "storage"}}
        say(
            f"  source backup {w.source_backup_id} in {scenarios.SOURCE_REGION}; DR keys alias/dr-one, alias/dr-two "
            f"in {scenarios.DR_REGION}; each copy takes {COPY_SECONDS:.0f}s"
        )

        def create() -> str:
            scenarios.up_creates(w)
            entry = w.engine.state[w.urn]
            return f"created {entry.id} ({entry.outputs['lifecycle']}, {entry.outputs['kmsKeyId']})"

        def preview_no_change() -> str:
            outcome = w.engine.preview(w.goals())
            assert not outcome.changed, outcome.steps
            return "pulumi preview: no changes (Check + Diff only)"

        def drift() -> str:
            arn = w.copy()["ResourceARN"]
            w.account.client(scenarios.DR_REGION).tag_resource(
                ResourceARN=arn, Tags=[{"Key": "purpose", "Value": "edited-in-console"}]
            )
            outcome = w.engine.preview(w.goals(), refresh=True)
            assert outcome.steps[w.urn] == "update", outcome.steps
            return "someone changed tag purpose by hand; pulumi preview --refresh shows 1 pending update"

        def tag_update() -> str:
            w.engine.refresh()
            outcome = w.engine.up(w.goals(**dr))
            assert outcome.steps[w.urn] == "update" and not outcome.errors, (outcome.steps, outcome.errors)
            tags = {t["Key"]: t["Value"] for t in w.copy()["Tags"] if not t["Key"].startswith("pulumi-fsx")}
            assert tags["purpose"] == "disaster-recovery" and tags["team"] == "storage", tags
            return f"updated in place, same copy {w.engine.state[w.urn].id}; tags now {tags}"

        def kms_change() -> str:
            old = w.engine.state[w.urn].id
            outcome = w.engine.up(w.goals(**dr, kmsKeyId="alias/dr-two"))
            assert outcome.steps[w.urn] == "replace" and not outcome.errors, (outcome.steps, outcome.errors)
            new = w.engine.state[w.urn].id
            assert [c["BackupId"] for c in w.copies()] == [new] != [old]
            return f"replaced: created {new} with alias/dr-two, then deleted {old}"

        def destroy() -> str:
            scenarios.destroy(w)
            return "pulumi destroy: the copy is deleted; no copy of the source is left in any Region"

        step("pulumi up: create the copy (CopyBackup, then wait for AVAILABLE)", create)
        step("pulumi preview (nothing changed)", preview_no_change)
        step("out-of-band tag change, then pulumi preview --refresh", drift)
        step("pulumi refresh && pulumi up with tags {team: storage}", tag_update)
        step("pulumi up with kmsKeyId alias/dr-two (a replacing change)", kms_change)
        step("pulumi destroy", destroy)
        say(f"  {len(w.engine.host_pids)} provider host processes, one per deployment, as the CLI starts them")


ROTATION = ROOT / "examples" / "scheduled-dr"
ROTATION_REGIONS, ROTATION_KEEP, ROTATION_DAYS, SOURCE_RETENTION = ["us-west-2", "us-east-1"], 2, 4, 3


def rotation_days(account: FsxAccount, up: Callable[[int, str], None]) -> None:
    """examples/scheduled-dr for a few "days": each day the source gets a backup, then `pulumi up` rotates."""
    fsx = account.client(scenarios.SOURCE_REGION)
    file_system = fsx.create_file_system(
        FileSystemType="LUSTRE", StorageCapacity=1200, SubnetIds=["subnet-0123456789abcdef0"]
    )["FileSystem"]["FileSystemId"]
    account.controls.set_pace(seconds=1.0)
    say(
        f"  file system {file_system} in {scenarios.SOURCE_REGION}; keep {ROTATION_KEEP} copies in each of "
        f"{', '.join(ROTATION_REGIONS)} (and the one before, until its successor is seen AVAILABLE); the source "
        f"keeps its backups {SOURCE_RETENTION} days"
    )
    for day in range(1, ROTATION_DAYS + 1):
        backup = fsx.create_backup(FileSystemId=file_system)["Backup"]["BackupId"]
        account.wait_available(scenarios.SOURCE_REGION, backup)
        listed = fsx.describe_backups(Filters=[{"Name": "file-system-id", "Values": [file_system]}])["Backups"]
        for expired in sorted(listed, key=lambda b: b["CreationTime"], reverse=True)[SOURCE_RETENTION:]:
            fsx.delete_backup(BackupId=expired["BackupId"])

        def run(day: int = day, backup: str = backup) -> str:
            up(day, file_system)
            held = {
                region: sorted(
                    (b for b in account.backups() if b["Region"] == region and "pulumi-fsx-rotation:name" in b["Tags"]),
                    key=lambda b: b["Tags"].get("pulumi-fsx-rotation:source-created", ""),
                )
                for region in ROTATION_REGIONS
            }
            for region, copies in held.items():
                # keep K holds K copies and, until the next run sees the newest AVAILABLE, the one before them
                assert len(copies) == min(day, ROTATION_KEEP + 1) and copies[-1]["SourceBackupId"] == backup, region
                assert all(c["Lifecycle"] == "AVAILABLE" for c in copies), region
            sources = [c["SourceBackupId"] for c in held[ROTATION_REGIONS[0]]]
            return f"day {day}: copies of {', '.join(sources)} in each DR Region (newest last)"

        step(f"day {day}: the source's new backup {backup}, then pulumi up", run)


def rotation_with_harness(account: FsxAccount) -> None:
    from fsx_backup_copy_provider import aws
    from tests.engine.harness import Engine, goals_from_program

    assert account.endpoint_url
    os.environ["AWS_ENDPOINT_URL"] = account.endpoint_url  # the program's look-ups run here, under mocks
    aws.clear_cache()
    config: dict[str, object] = {"aws:region": scenarios.SOURCE_REGION, "scheduled-dr:keep": str(ROTATION_KEEP)}
    engine = Engine(ROTATION, "scheduled-dr", "dr", config, host_env(account.endpoint_url, time_scale=TIME_SCALE))
    engine.on_line = show_host_line

    def up(day: int, file_system: str) -> None:
        config.update({"scheduled-dr:fileSystemId": file_system, "scheduled-dr:sourceRegion": scenarios.SOURCE_REGION})
        registered = goals_from_program(ROTATION / "__main__.py", "scheduled-dr", "dr", dict(config))
        outcome = engine.up([g for g in registered if g.type == scenarios.TYPE])
        assert not outcome.errors, outcome.errors

    try:
        rotation_days(account, up)
        step("pulumi destroy", lambda: _destroyed(account, engine.destroy().errors))
    finally:
        del os.environ["AWS_ENDPOINT_URL"]


def _destroyed(account: FsxAccount, errors: dict[str, str]) -> str:
    assert not errors, errors
    left = [b["BackupId"] for b in account.backups() if "pulumi-fsx-rotation:name" in b["Tags"]]
    assert left == [], left
    return "pulumi destroy: every copy of the rotation is deleted"


def run_with_cli(account: FsxAccount, cli: Path) -> None:
    """The same story through the real engine: the CLI runs each example as an inline program (Automation API)."""
    from fsx_backup_copy_provider import aws
    from tests.cli.realengine import RealStack

    assert account.endpoint_url
    source = account.source_backup(scenarios.SOURCE_REGION, tags={"team": "storage"})
    account.kms_key(scenarios.DR_REGION, alias="alias/dr-one")
    account.kms_key(scenarios.DR_REGION, alias="alias/dr-two")
    with tempfile.TemporaryDirectory() as home:
        dr = RealStack(cli=cli, root=Path(home) / "dr", endpoint=account.endpoint_url, time_scale=TIME_SCALE)
        dr.project_dir, dr.echo = scenarios.EXAMPLE, show_cli_line
        dr.set_config({"sourceBackupId": source, "kmsKeyId": "alias/dr-one"})
        say(f"  source backup {source} in {scenarios.SOURCE_REGION}; DR keys alias/dr-one, alias/dr-two")

        def copies() -> list[dict[str, object]]:
            return [b for b in account.backups() if b["SourceBackupId"] == source]

        def up() -> str:
            copy_id = dr.up().outputs["copyId"].value
            assert [c["BackupId"] for c in copies()] == [copy_id], copies()
            return f"created {copy_id} (AVAILABLE)"

        def preview() -> str:
            dr.preview(expect_no_changes=True)
            return "pulumi preview --expect-no-changes: no changes"

        def drift() -> str:
            [copy] = copies()
            arn = f"arn:aws:fsx:{scenarios.DR_REGION}:123456789012:backup/{copy['BackupId']}"
            tag = [{"Key": "purpose", "Value": "edited-in-console"}]
            account.client(scenarios.DR_REGION).tag_resource(ResourceARN=arn, Tags=tag)
            changes = dr.preview(refresh=True).change_summary
            assert changes.get(auto.OpType.UPDATE) == 1, changes
            return "someone changed tag purpose by hand; pulumi preview --refresh shows 1 update"

        def tag_update() -> str:
            dr.set_config({"tags": '{"team": "storage", "tier": "gold"}'})
            before = [c["BackupId"] for c in copies()]
            dr.up(refresh=True)
            [copy] = copies()
            assert [copy["BackupId"]] == before and copy["Tags"]["purpose"] == "disaster-recovery", copy  # type: ignore[index]
            return f"updated in place, same copy {copy['BackupId']}"

        def kms_change() -> str:
            [old] = copies()
            dr.set_config({"kmsKeyId": "alias/dr-two"})
            new = dr.up().outputs["copyId"].value
            assert [c["BackupId"] for c in copies()] == [new] != [old["BackupId"]]
            return f"replaced: created {new} with alias/dr-two, then deleted {old['BackupId']}"

        def destroy() -> str:
            dr.destroy()
            assert copies() == [], copies()
            return "pulumi destroy: no copy of the source is left in any Region"

        step("pulumi up: create the copy (CopyBackup, then wait for AVAILABLE)", up)
        step("pulumi preview (nothing changed)", preview)
        step("out-of-band tag change, then pulumi preview --refresh", drift)
        step("pulumi up --refresh with a tag change", tag_update)
        step("pulumi up with kmsKeyId alias/dr-two (a replacing change)", kms_change)
        step("pulumi destroy", destroy)
        dr.end_leftover_processes()

        say("▶ DR rotation: examples/scheduled-dr (BackupCopyRotation)")
        rotation = RealStack(cli=cli, root=Path(home) / "rotation", endpoint=account.endpoint_url)
        rotation.project_dir, rotation.echo, rotation.time_scale = ROTATION, show_cli_line, TIME_SCALE
        rotation.set_config({"keep": str(ROTATION_KEEP), "sourceRegion": scenarios.SOURCE_REGION})
        os.environ["AWS_ENDPOINT_URL"] = account.endpoint_url  # the inline program's look-ups run in this process
        aws.clear_cache()
        try:

            def rotate(day: int, file_system: str) -> None:
                rotation.set_config({"fileSystemId": file_system})
                rotation.up()

            rotation_days(account, rotate)
            step("pulumi destroy", lambda: _destroyed(account, {} if rotation.destroy().summary else {"": "?"}))
        finally:
            del os.environ["AWS_ENDPOINT_URL"]
            rotation.end_leftover_processes()


def show_cli_line(line: str) -> None:
    text = line.strip()
    if text.startswith(("info:", "warning:", "error:")) and "BackupCopy" in text:
        print(f"          │ {text}", flush=True)


def main() -> int:
    pulumi = find_cli()
    if pulumi:
        print(
            f"make demo: driving the real Pulumi engine: the pulumi CLI {cli_version(pulumi)} at {pulumi}, each "
            "example run as an inline program (Automation API), local file backend, against a local FSx emulator."
        )
    else:
        print(
            "make demo: no pulumi CLI (`make pulumi` builds one), so this drives the SDK's own dynamic-provider host "
            "(python -u -m pulumi.dynamic) through the engine harness in tests/engine, with the gRPC calls the CLI "
            "would send."
        )
    emulator: EmulatorProcess | None = None
    try:
        emulator = start_emulator("--copy-seconds", str(COPY_SECONDS))
        say(f"fsx-emulator (a local FSx speaking the AWS wire protocol) on {emulator.endpoint}")
        os.environ.update(
            {
                "AWS_ACCESS_KEY_ID": "AKIAEMULATOR00000000",
                "AWS_SECRET_ACCESS_KEY": "demo-not-secret",
                "AWS_EC2_METADATA_DISABLED": "true",
            }
        )
        account = FsxAccount(controls=_controls(emulator.endpoint), endpoint_url=emulator.endpoint)
        if pulumi:
            run_with_cli(account, pulumi)
        else:
            run_with_harness(account)
            say("▶ DR rotation: examples/scheduled-dr (BackupCopyRotation)")
            rotation_with_harness(account)
    except AssertionError as failure:
        say(f"  ✘ step failed: {failure}")
        return 1
    finally:
        if emulator is not None:
            emulator.stop()
    say("every step checked out; the emulator and every provider host have stopped.")
    return 0


def _controls(endpoint: str) -> EmulatorClient:
    return EmulatorClient(endpoint)


if __name__ == "__main__":
    sys.exit(main())
