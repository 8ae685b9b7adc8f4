"""1. Waiting in virtual time: DescribeBackups calls and detection lag, ours against two baselines.

Copies of 2 min to 8 h run against the in-process emulator on a virtual clock shared with the waiter, so each
takes milliseconds. Detection lag = when the wait returned minus when the copy became AVAILABLE.
"""

import statistics
from dataclasses import dataclass
from typing import Any

import boto3
from moto import mock_aws

import fsx_emulator
from fsx_backup_copy_provider.finder import find_backup
from fsx_backup_copy_provider.waiter import PollSchedule, VirtualClock, Waiter
from fsx_emulator import control

DURATIONS = {"2 min": 120.0, "20 min": 1200.0, "2 h": 7200.0, "8 h": 28800.0}
# Each duration runs at these multiples plus offsets that spread its end uniformly over a 30 s polling grid, so no
# schedule is lucky or unlucky by alignment; medians and maxima are over these runs.
SPREAD = tuple((0.9 + 0.025 * i, 30.0 * i / 9 + 1.3) for i in range(9))


@dataclass(frozen=True)
class FixedSchedule:
    """Poll every ``interval`` seconds (the naive loop)."""

    interval: float = 30.0

    def next_delay(self, elapsed: float, samples: list[tuple[float, int]]) -> float:
        return self.interval


@dataclass(frozen=True)
class TerraformSchedule:
    """terraform-plugin-sdk's StateChangeConf defaults: refresh at once, then 0.2 s doubling to a 10 s cap."""

    def next_delay(self, elapsed: float, samples: list[tuple[float, int]]) -> float:
        return 0.0 if not samples else min(10.0, 0.2 * 2 ** min(len(samples) - 1, 16))


SCHEDULES: dict[str, Any] = {"ours": PollSchedule(), "fixed 30 s": FixedSchedule(), "terraform": TerraformSchedule()}


def _one_wait(fsx: Any, source: str, duration: float, schedule: Any) -> tuple[int, float]:
    clock = VirtualClock(start=1_000_000.0)
    control.use_clock(clock.now)
    control.set_pace(seconds=duration)
    copy = fsx.copy_backup(SourceBackupId=source, SourceRegion="us-east-2")["Backup"]
    started = clock.now()
    waiter = Waiter(
        fetch=lambda: find_backup(fsx, copy["BackupId"]), timeout=10 * 86400, clock=clock, schedule=schedule
    )
    waiter.wait(copy)
    lag = clock.now() - (started + duration)
    fsx.delete_backup(BackupId=copy["BackupId"])
    return waiter.polls, lag


def run() -> dict[str, Any]:
    fsx_emulator.install()
    results: dict[str, Any] = {}
    with mock_aws():
        control.reset()
        src = boto3.client("fsx", region_name="us-east-2")
        fs = src.create_file_system(
            FileSystemType="LUSTRE", StorageCapacity=1200, SubnetIds=["subnet-0123456789abcdef0"]
        )
        source = src.create_backup(FileSystemId=fs["FileSystem"]["FileSystemId"])["Backup"]["BackupId"]
        src.describe_backups(BackupIds=[source])  # AVAILABLE after one tick
        fsx = boto3.client("fsx", region_name="us-west-2")
        for progress in ("rising", "stuck at 0"):
            control.configure(report_copy_progress=progress == "rising")
            for label, duration in DURATIONS.items():
                row: dict[str, Any] = {}
                for name, schedule in SCHEDULES.items():
                    runs = [_one_wait(fsx, source, duration * k + offset, schedule) for k, offset in SPREAD]
                    row[name] = {
                        "calls_median": statistics.median(c for c, _ in runs),
                        "lag_median_s": round(statistics.median(lag for _, lag in runs), 1),
                        "lag_max_s": round(max(lag for _, lag in runs), 1),
                    }
                ours, fixed = row["ours"], row["fixed 30 s"]
                row["calls_vs_fixed"] = round(ours["calls_median"] / fixed["calls_median"], 3)
                row["goal_met"] = (
                    duration < 1200 or (row["calls_vs_fixed"] <= 0.2 and ours["lag_median_s"] <= fixed["lag_median_s"])
                ) and ours["lag_max_s"] <= 60
                results[f"{label}, progress {progress}"] = row
        control.reset()
    return results
