"""BackupCopyRotation: the window (a pure function), and the children a run declares against an emulated account."""

import json
import runpy
import traceback
from datetime import UTC, datetime, timedelta
from typing import Any

import pulumi
import pytest
import yaml
from botocore.stub import Stubber

from fsx_backup_copy_provider import aws
from pulumi_fsx_backup_copy import (
    BackupCopy,
    BackupCopyArgsError,
    BackupCopyRotation,
    BackupLookupError,
    RotationArgsError,
    RotationError,
)
from pulumi_fsx_backup_copy.rotation import ROTATION_TAG, SOURCE_CREATED_TAG
from pulumi_fsx_backup_copy.window import Held, Kept, SourceRef, compute_window, format_created, parse_created
from tests.support import ROOT, FsxAccount

SOURCE = "us-east-2"
DR = ["us-west-2", "eu-west-1"]
ROTATION_ID = "proj/dev/dr"  # project/stack/name under the mocks below
TYPE = "pulumi-python:dynamic/fsx:BackupCopy"
T0 = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)


def day(n: int) -> SourceRef:
    return SourceRef.of(f"backup-{n:017x}", T0 + timedelta(days=n))


def ids(refs: list[SourceRef]) -> list[str]:
    return [ref.backup_id for ref in refs]


# ------------------------------------------------------------------------------------------- the window
def held(*refs: SourceRef, available: bool = True, legacy: bool = False) -> list[Held]:
    return [Held(ref, available, legacy) for ref in refs]


def declared(window: dict[str, list[Kept]], region: str) -> list[str]:
    return [kept.source.backup_id for kept in window[region]]


def test_new_backups_are_all_kept_up_to_k_newest_first() -> None:
    window = compute_window([day(1), day(3), day(2)], {}, DR, keep=7)
    assert window == {region: [Kept(day(3)), Kept(day(2)), Kept(day(1))] for region in DR}
    window = compute_window([day(n) for n in range(1, 11)], {}, DR, keep=7)
    assert declared(window, "us-west-2") == ids([day(n) for n in range(10, 3, -1)])


def test_copies_of_expired_sources_count_toward_the_window() -> None:
    # Source retention 3 days, K = 7, day 9: the source has days 7-9; us-west-2 holds AVAILABLE copies of days 1-8.
    live = [day(7), day(8), day(9)]
    window = compute_window(live, {"us-west-2": held(*(day(n) for n in range(1, 9)))}, DR, keep=7)
    # The window is days 9..3; day 2 stays as the newest 7 AVAILABLE copies are days 8..2; day 1 falls out.
    assert declared(window, "us-west-2") == ids([day(n) for n in range(9, 1, -1)])
    assert declared(window, "eu-west-1") == ids([day(9), day(8), day(7)])  # only what still exists at the source


def test_successor_rule_no_available_copy_leaves_before_its_successor_is_seen_available() -> None:
    old = held(day(1), day(2))  # keep=2, both AVAILABLE
    # Day 3's copy not made yet (or its create failed, or timed out): both old copies stay declared.
    assert declared(compute_window([day(3)], {"us-west-2": old}, ["us-west-2"], 2), "us-west-2") == ids(
        [day(3), day(2), day(1)]
    )
    # Day 3's copy still in progress at the next run: still nothing leaves.
    in_progress = old + held(day(3), available=False)
    assert declared(compute_window([day(3)], {"us-west-2": in_progress}, ["us-west-2"], 2), "us-west-2") == ids(
        [day(3), day(2), day(1)]
    )
    # Day 3's copy seen AVAILABLE: day 1 falls out, one run after its successor exists.
    done = old + held(day(3))
    assert declared(compute_window([day(3), day(4)], {"us-west-2": done}, ["us-west-2"], 2), "us-west-2") == ids(
        [day(4), day(3), day(2)]
    )


def test_a_region_that_fails_every_night_keeps_its_copies() -> None:
    window = {"us-west-2": held(day(1), day(2))}
    for night in range(3, 10):
        assert declared(compute_window([day(night)], window, ["us-west-2"], 2), "us-west-2")[-2:] == ids(
            [day(2), day(1)]
        )


def test_a_live_sources_own_time_wins_over_an_edited_tag() -> None:
    edited = SourceRef(day(5).backup_id, T0, "2026-11-01T02:00:00.000000Z")
    window = compute_window([day(5), day(6)], {"us-west-2": held(edited, available=False)}, ["us-west-2"], keep=1)
    assert window["us-west-2"] == [Kept(day(6))]
    window = compute_window([day(5)], {"us-west-2": held(edited)}, ["us-west-2"], keep=2)
    assert window["us-west-2"] == [Kept(day(5))]


def test_same_creation_time_is_ordered_by_id() -> None:
    a, b = SourceRef.of("backup-0000000000000000a", T0), SourceRef.of("backup-0000000000000000b", T0)
    assert compute_window([a, b], {}, ["us-west-2"], keep=1) == compute_window([b, a], {}, ["us-west-2"], keep=1)


def test_copies_an_earlier_version_tagged_keep_their_names() -> None:
    window = compute_window([day(3)], {"us-west-2": held(day(1), legacy=True) + held(day(2))}, ["us-west-2"], 3)
    assert window["us-west-2"] == [Kept(day(3)), Kept(day(2)), Kept(day(1), legacy=True)]


def test_no_source_and_no_copy_is_an_error_but_copies_alone_are_kept() -> None:
    with pytest.raises(RotationError, match="nothing to copy or keep"):
        compute_window([], {"us-west-2": []}, DR, keep=7)
    window = compute_window([], {"us-west-2": held(day(1), day(2))}, DR, keep=1)
    assert window == {"us-west-2": [Kept(day(2))], "eu-west-1": []}
    with pytest.raises(ValueError, match="keep"):
        compute_window([day(1)], {}, DR, keep=0)


def test_creation_time_tag_round_trips() -> None:
    created = datetime(2026, 11, 30, 2, 0, 1, 123456, tzinfo=UTC)
    assert format_created(created) == "2026-11-30T02:00:01.123456Z"
    assert parse_created(format_created(created)) == created
    assert parse_created("yesterday") is None and parse_created(None) is None


# ------------------------------------------------------------------------- a run against the emulator
class RecordingMocks(pulumi.runtime.Mocks):
    def __init__(self) -> None:
        self.copies: dict[str, dict[str, Any]] = {}
        self.others: list[str] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        if args.typ != TYPE:
            self.others.append(f"{args.typ}::{args.name}")
            return f"{args.name}-id", {}
        self.copies[args.name] = dict(args.inputs)
        return f"copy-of-{args.inputs['sourceBackupId']}", {**args.inputs, "backupId": f"copy-{args.name}"}

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], None]:
        return {}, None


@pytest.fixture
def mocks() -> RecordingMocks:
    recording = RecordingMocks()
    pulumi.runtime.set_mocks(recording, project="proj", stack="dev", preview=False)
    return recording


@pytest.fixture
def file_system(fsx: FsxAccount) -> str:
    fs = fsx.client(SOURCE).create_file_system(
        FileSystemType="LUSTRE", StorageCapacity=1200, SubnetIds=["subnet-0123456789abcdef0"]
    )
    return str(fs["FileSystem"]["FileSystemId"])


def nightly(fsx: FsxAccount, file_system_id: str) -> str:
    made = fsx.client(SOURCE).create_backup(FileSystemId=file_system_id)["Backup"]["BackupId"]
    fsx.wait_available(SOURCE, made)
    return str(made)


def created(fsx: FsxAccount, backup_id: str) -> datetime:
    value: datetime = fsx.client(SOURCE).describe_backups(BackupIds=[backup_id])["Backups"][0]["CreationTime"]
    return value


def earlier_copy(fsx: FsxAccount, source: str, region: str, rotation_id: str = ROTATION_ID) -> str:
    """A copy an earlier run of a rotation made (with the tags it sets)."""
    tags = {ROTATION_TAG: rotation_id, SOURCE_CREATED_TAG: format_created(created(fsx, source))}
    copy = fsx.client(region).copy_backup(
        SourceBackupId=source, SourceRegion=SOURCE, Tags=[{"Key": k, "Value": v} for k, v in tags.items()]
    )["Backup"]["BackupId"]
    fsx.wait_available(region, copy)
    return str(copy)


def rotation(file_system_id: str, keep: int = 7, **extra: Any) -> BackupCopyRotation:
    args: dict[str, Any] = {
        "regions": DR,
        "kms_key_ids": {"us-west-2": "alias/dr-west"},
        "tags": {"purpose": "disaster-recovery"},
    }
    return BackupCopyRotation("dr", file_system_id=file_system_id, source_region=SOURCE, keep=keep, **(args | extra))


@pulumi.runtime.test
def test_first_run_declares_a_copy_per_region_and_backup(
    fsx: FsxAccount, mocks: RecordingMocks, file_system: str
) -> Any:
    first, second = nightly(fsx, file_system), nightly(fsx, file_system)
    dr = rotation(file_system)

    def check(copies: dict[str, list[str]]) -> None:
        assert sorted(mocks.copies) == sorted(f"dr-{r}-{s}" for r in DR for s in (first, second))
        west = mocks.copies[f"dr-us-west-2-{second}"]
        assert west["sourceBackupId"] == second and west["sourceRegion"] == SOURCE and west["region"] == "us-west-2"
        assert west["kmsKeyId"] == "alias/dr-west" and "kmsKeyId" not in mocks.copies[f"dr-eu-west-1-{second}"]
        assert west["tags"] == {
            "purpose": "disaster-recovery",
            ROTATION_TAG: ROTATION_ID,
            SOURCE_CREATED_TAG: format_created(created(fsx, second)),
        }
        # A child of the rotation: its identity (and so its claim) is scoped by the parent.
        assert (
            west["resourceIdentity"] == f"proj/dev/fsx-backup-copy:index:BackupCopyRotation::dr/dr-us-west-2-{second}"
        )
        assert copies == {r: [f"copy-dr-{r}-{second}", f"copy-dr-{r}-{first}"] for r in DR}

    return dr.copies.apply(check)


@pulumi.runtime.test
def test_expired_sources_keep_their_copies_and_the_window_holds_k(
    fsx: FsxAccount, mocks: RecordingMocks, file_system: str
) -> Any:
    old = [nightly(fsx, file_system) for _ in range(3)]
    for source in old:
        earlier_copy(fsx, source, "us-west-2")
    expected_tags = {s: format_created(created(fsx, s)) for s in old}
    for source in old[:2]:
        fsx.client(SOURCE).delete_backup(BackupId=source)  # expired at the source
    new = [nightly(fsx, file_system) for _ in range(2)]
    # Not this rotation's: a user's own copy, and one made by a rotation of another stack.
    fsx.client("us-west-2").copy_backup(SourceBackupId=new[0], SourceRegion=SOURCE)
    earlier_copy(fsx, new[1], "us-west-2", rotation_id="proj/prod/dr")

    dr = rotation(file_system, keep=4)

    def check(_: Any) -> None:
        west = sorted(n for n in mocks.copies if n.startswith("dr-us-west-2-"))
        # old[0] is out of the window, but stays until 4 newer copies were seen AVAILABLE (the successor rule).
        assert west == sorted(f"dr-us-west-2-{s}" for s in [*old, *new])
        expired = mocks.copies[f"dr-us-west-2-{old[1]}"]  # declared as before, so the engine keeps it
        assert expired["tags"][SOURCE_CREATED_TAG] == expected_tags[old[1]]
        assert expired["sourceBackupId"] == old[1] and expired["sourceRegion"] == SOURCE
        # eu-west-1 holds no copies, and an expired source cannot be copied again: only what still exists.
        assert sorted(n for n in mocks.copies if n.startswith("dr-eu-west-1-")) == sorted(
            f"dr-eu-west-1-{s}" for s in [old[2], *new]
        )

    return dr.copies.apply(check)


@pulumi.runtime.test
def test_copies_alone_are_kept_when_the_source_has_no_backup_left(
    fsx: FsxAccount, mocks: RecordingMocks, file_system: str
) -> Any:
    source = nightly(fsx, file_system)
    earlier_copy(fsx, source, "eu-west-1")
    fsx.client(SOURCE).delete_backup(BackupId=source)
    dr = rotation(file_system)
    return dr.copies.apply(
        lambda copies: _equal(copies, {"us-west-2": [], "eu-west-1": [f"copy-dr-eu-west-1-{source}"]})
    )


def _equal(actual: Any, expected: Any) -> None:
    assert actual == expected


def test_no_source_backup_and_no_copy_fails_before_declaring_anything(
    fsx: FsxAccount, mocks: RecordingMocks, file_system: str
) -> None:
    with pytest.raises(RotationError, match=f"BackupCopyRotation dr .*{file_system}.*nothing to copy or keep"):
        rotation(file_system)
    assert mocks.copies == {} and mocks.others == []


def test_a_failed_look_up_fails_before_declaring_anything(
    fsx: FsxAccount, mocks: RecordingMocks, file_system: str
) -> None:
    nightly(fsx, file_system)
    fsx.controls.inject_fault("DescribeBackups", "BadRequest", message="Injected refusal")
    with pytest.raises(
        BackupLookupError, match="BackupCopyRotation dr: DescribeBackups in us-east-2 failed with BadRequest"
    ):
        rotation(file_system)
    assert mocks.copies == {} and mocks.others == []
    # The source's look-up succeeds and a destination Region's is refused: the same.
    with Stubber(aws.client("fsx", "us-west-2", None)) as stub:
        stub.add_client_error("describe_backups", service_error_code="AccessDeniedException", http_status_code=400)
        with pytest.raises(
            BackupLookupError,
            match="BackupCopyRotation dr: DescribeBackups in us-west-2 failed with AccessDeniedException",
        ):
            rotation(file_system)
    assert mocks.copies == {} and mocks.others == []


def test_preview_only_describes(fsx: FsxAccount, file_system: str) -> None:
    source = nightly(fsx, file_system)
    earlier_copy(fsx, source, "us-west-2")
    recording = RecordingMocks()
    pulumi.runtime.set_mocks(recording, project="proj", stack="dev", preview=True)
    before = dict(fsx.controls.inspect()["calls"])
    checked: list[bool] = []

    @pulumi.runtime.test
    def preview() -> Any:
        dr = rotation(file_system)
        return dr.copies.apply(lambda _: checked.append(True))

    preview()
    calls = fsx.controls.inspect()["calls"]
    made = {op: n - before.get(op, 0) for op, n in calls.items() if n != before.get(op, 0)}
    assert set(made) == {"DescribeBackups"}, made
    assert checked and len(recording.copies) == 2


def test_arguments_are_checked(fsx: FsxAccount, mocks: RecordingMocks, file_system: str) -> None:
    with pytest.raises(ValueError, match="prefix 'pulumi-fsx-rotation:'"):
        BackupCopyRotation("x", file_system_id=file_system, regions=DR, keep=2, tags={ROTATION_TAG: "mine"})
    with pytest.raises(ValueError, match=r"kms_key_ids names Regions that are not in regions: \['ap-south-1'\]"):
        BackupCopyRotation("x", file_system_id=file_system, regions=DR, keep=2, kms_key_ids={"ap-south-1": "k"})
    with pytest.raises(ValueError, match="keep"):
        BackupCopyRotation("x", file_system_id=file_system, regions=DR, keep=0)
    with pytest.raises(ValueError, match="regions"):
        BackupCopyRotation("x", file_system_id=file_system, regions="us-west-2", keep=2)


class Site(pulumi.ComponentResource):
    """A user's component that holds a rotation."""

    def __init__(self, kind: str, name: str) -> None:
        super().__init__(f"test:index:{kind}", name, None, None)


def calls(fsx: FsxAccount) -> dict[str, int]:
    return dict(fsx.controls.inspect()["calls"])


@pulumi.runtime.test
def test_its_own_copies_in_the_source_region_are_never_sources(
    fsx: FsxAccount, mocks: RecordingMocks, file_system: str
) -> Any:
    source = nightly(fsx, file_system)
    own = earlier_copy(fsx, source, SOURCE)  # an in-Region copy this rotation made on an earlier run
    by_hand = fsx.client(SOURCE).copy_backup(SourceBackupId=source, SourceRegion=SOURCE)["Backup"]["BackupId"]
    fsx.wait_available(SOURCE, by_hand)
    dr = BackupCopyRotation(
        "dr", file_system_id=file_system, source_region=SOURCE, regions=[SOURCE, "us-west-2"], keep=3
    )

    def check(_: Any) -> None:
        assert sorted(mocks.copies) == sorted(f"dr-{r}-{source}" for r in (SOURCE, "us-west-2"))
        assert {c["sourceBackupId"] for c in mocks.copies.values()} == {source}  # never `own` nor `by_hand`

    assert own != by_hand
    return dr.copies.apply(check)


@pulumi.runtime.test
def test_same_named_rotations_under_different_parents_are_independent(
    fsx: FsxAccount, mocks: RecordingMocks, file_system: str
) -> Any:
    site, lab = Site("Site", "east"), Site("Lab", "east")
    expired = nightly(fsx, file_system)
    site_id = "proj/dev/test:index:Site::east/dr"
    earlier_copy(fsx, expired, "us-west-2", rotation_id=site_id)
    fsx.client(SOURCE).delete_backup(BackupId=expired)
    live = nightly(fsx, file_system)
    opts: dict[str, Any] = {"file_system_id": file_system, "source_region": SOURCE, "regions": ["us-west-2"], "keep": 3}
    at_site = BackupCopyRotation("dr", **opts, opts=pulumi.ResourceOptions(parent=site))
    at_lab = BackupCopyRotation("dr", **opts, opts=pulumi.ResourceOptions(parent=lab))

    def check(_: Any) -> None:
        tags = {name: inputs["tags"][ROTATION_TAG] for name, inputs in mocks.copies.items()}
        sources = {name: inputs["sourceBackupId"] for name, inputs in mocks.copies.items()}
        mine = sorted(sources[n] for n, t in tags.items() if t == site_id)
        theirs = sorted(sources[n] for n, t in tags.items() if t == "proj/dev/test:index:Lab::east/dr")
        assert mine == sorted([expired, live]) and theirs == [live]  # the Lab rotation never sees Site's copy
        assert len(mocks.copies) == 3  # distinct children (and so distinct claims), one of them Site's old copy

    assert at_site.identity.text == site_id != at_lab.identity.text
    return pulumi.Output.all(at_site.copies, at_lab.copies).apply(check)


def test_a_second_rotation_with_the_same_identity_in_one_program_is_refused(
    fsx: FsxAccount, mocks: RecordingMocks, file_system: str
) -> None:
    nightly(fsx, file_system)
    rotation(file_system)
    with pytest.raises(RotationError, match="another rotation in this program has the identity 'proj/dev/dr'"):
        rotation(file_system)


def test_a_nested_rotation_decides_about_copies_an_earlier_version_tagged(fsx: FsxAccount, file_system: str) -> None:
    expired = nightly(fsx, file_system)
    earlier_copy(fsx, expired, "us-west-2", rotation_id=ROTATION_ID)  # an earlier version: project/stack/name
    fsx.client(SOURCE).delete_backup(BackupId=expired)
    live = nightly(fsx, file_system)

    def run(legacy_copies: bool | None) -> RecordingMocks:
        recording = RecordingMocks()
        pulumi.runtime.set_mocks(recording, project="proj", stack="dev", preview=False)

        @pulumi.runtime.test
        def declare() -> Any:
            parent = Site("Site", "east")
            dr = rotation(file_system, legacy_copies=legacy_copies, opts=pulumi.ResourceOptions(parent=parent))
            return dr.copies

        declare()
        return recording

    with pytest.raises(RotationError, match=r"1 in us-west-2.*legacy_copies=True.*legacy_copies=False"):
        run(None)
    kept = run(True).copies
    legacy = kept[f"dr-us-west-2-{expired}"]  # its old name, so the engine keeps the very resource it holds
    assert legacy["tags"][ROTATION_TAG] == ROTATION_ID and legacy["sourceBackupId"] == expired
    assert {i["tags"][ROTATION_TAG] for n, i in kept.items() if live in n} == {"proj/dev/test:index:Site::east/dr"}
    assert {i["sourceBackupId"] for i in run(False).copies.values()} == {live}


def test_arguments_are_checked_with_backup_copys_texts_before_any_aws_call(
    fsx: FsxAccount, mocks: RecordingMocks, file_system: str
) -> None:
    before = calls(fsx)
    with pytest.raises(BackupCopyArgsError) as copy_error:
        BackupCopy("c", source_backup_id="backup-0a3364eded1014b28", region="eu-west-9", kms_key_id="not-a-key")
    region_text, key_text = (reason for _, reason in copy_error.value.failures)
    with pytest.raises(RotationArgsError) as raised:
        rotation(file_system, regions=["eu-west-9"], kms_key_ids={"eu-west-9": "not-a-key"})
    assert raised.value.failures == [("regions", region_text), ("kms_key_ids['eu-west-9']", key_text)]
    assert isinstance(raised.value, pulumi.RunError) and isinstance(raised.value, ValueError)
    with pytest.raises(RotationArgsError, match="file_system_id 'fs-xyz' is not an FSx file system id"):
        rotation("fs-xyz")
    with pytest.raises(RotationArgsError, match=r"kms_key_ids must be a map of Region to KMS key .* not a string"):
        rotation(file_system, kms_key_ids="alias/x")
    with pytest.raises(RotationArgsError, match="tags has 51 tags; an FSx backup can have at most 50"):
        rotation(file_system, tags={f"t{n}": "v" for n in range(49)})
    assert calls(fsx) == before and mocks.copies == {} and mocks.others == []


def test_under_mocks_without_the_emulator_it_fails_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL_FSX", raising=False)
    pulumi.runtime.set_mocks(RecordingMocks(), project="proj", stack="dev", preview=False)
    with pytest.raises(BackupLookupError, match=r"would call AWS from a unit test.*fsx_emulator fixture") as raised:
        rotation("fs-0123456789abcdef0")
    assert "docs/testing.md" in str(raised.value)
    assert aws.cached_clients() == 0  # refused before any client existed
    monkeypatch.setenv("AWS_ENDPOINT_URL", "https://fsx.us-east-2.amazonaws.com")  # not an emulator either
    with pytest.raises(BackupLookupError, match="would call AWS from a unit test"):
        rotation("fs-0123456789abcdef0")


def test_a_failed_look_up_reaches_the_user_as_one_paragraph(
    fsx: FsxAccount, mocks: RecordingMocks, file_system: str
) -> None:
    nightly(fsx, file_system)
    fsx.controls.inject_fault("DescribeBackups", "BadRequest", message="Injected refusal")
    with pytest.raises(BackupLookupError) as raised:
        rotation(file_system)
    error = raised.value
    assert isinstance(error, pulumi.RunError)  # the CLI prints a RunError's message alone
    assert error.__cause__ is None and error.__suppress_context__ and error.aws_error is not None
    shown = "".join(traceback.format_exception_only(error)) + "".join(traceback.format_exception(error)[-1:])
    assert "\n" not in str(error) and "botocore" not in shown


# ------------------------------------------------------------------------------ examples/scheduled-dr
def test_scheduled_dr_example_rotates_into_two_regions_keeping_seven(fsx: FsxAccount, file_system: str) -> None:
    sources = [nightly(fsx, file_system) for _ in range(9)]
    recording = RecordingMocks()
    pulumi.runtime.set_mocks(recording, project="scheduled-dr", stack="prod", preview=False)
    pulumi.runtime.set_all_config(
        {
            "scheduled-dr:fileSystemId": file_system,
            "scheduled-dr:sourceRegion": SOURCE,
            "scheduled-dr:kmsKeyIds": json.dumps({"us-west-2": "alias/fsx-dr"}),
        }
    )
    exported: dict[str, Any] = {}

    @pulumi.runtime.test
    def run() -> Any:
        namespace = runpy.run_path(str(ROOT / "examples" / "scheduled-dr" / "__main__.py"), run_name="__main__")
        return namespace["rotation"].copies.apply(exported.update)

    try:
        run()
    finally:
        pulumi.runtime.set_all_config({})
    newest_seven = list(reversed(sources))[:7]
    assert exported == {r: [f"copy-nightly-{r}-{s}" for s in newest_seven] for r in ("us-west-2", "us-east-1")}
    inputs = recording.copies[f"nightly-us-west-2-{sources[-1]}"]
    assert inputs["kmsKeyId"] == "alias/fsx-dr" and inputs["customTimeouts"] == {"create": "5h", "delete": "30m"}
    assert inputs["tags"][ROTATION_TAG] == "scheduled-dr/prod/nightly"


def test_scheduled_dr_workflow_fits_hosted_runners_and_gates_drift() -> None:
    workflow = yaml.safe_load(
        (ROOT / "examples" / "scheduled-dr" / ".github" / "workflows" / "nightly.yml").read_text()
    )
    triggers = workflow[True] if True in workflow else workflow["on"]  # YAML 1.1 reads "on" as true
    assert "schedule" in triggers and workflow["concurrency"]["cancel-in-progress"] is False
    rotate, drift = workflow["jobs"]["rotate"], workflow["jobs"]["drift"]
    assert rotate["runs-on"] == "ubuntu-latest" and rotate["timeout-minutes"] < 360  # GitHub-hosted: 6 h per job
    up = rotate["steps"][-1]["with"]
    assert up["command"] == "up" and up["refresh"] is True
    main = (ROOT / "examples" / "scheduled-dr" / "__main__.py").read_text()
    assert 'create="5h"' in main and rotate["timeout-minutes"] > 5 * 60  # Pulumi ends a wait before the runner
    gate = drift["steps"][-1]["with"]
    assert drift["needs"] == "rotate"
    assert gate["command"] == "preview" and gate["refresh"] is True and gate["expect-no-changes"] is True
