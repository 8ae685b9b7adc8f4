"""2. Batching: DescribeBackups calls per copy for 1, 4 and 12 copies waited on at once in one provider process,
with shared describes on and off. In-process emulator; real threads on a compressed clock (1 simulated second =
2 ms), shared by the provider and the emulator, so each 20-minute copy takes 2.4 s."""

import threading
import time
from typing import Any

import boto3
from moto import mock_aws

import fsx_emulator
from fsx_backup_copy_provider import BackupCopyProvider, aws
from fsx_backup_copy_provider.admission import RegionAdmission
from fsx_backup_copy_provider.context import Context
from fsx_emulator import control
from fsx_emulator.state import STATE

COPY_SECONDS = 1200.0
SCALE = 0.002


class CompressedClock:
    """Simulated seconds that pass SCALE times faster than real ones (for threads, unlike VirtualClock)."""

    def now(self) -> float:
        return time.monotonic() / SCALE

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds * SCALE)


def _run(count: int, share: bool) -> dict[str, float]:
    with mock_aws():
        control.reset()
        control.configure(max_copies_in_progress=50)  # measure sharing, not the Region limit (part 3 does that)
        aws.clear_cache()
        src = boto3.client("fsx", region_name="us-east-2")
        fs = src.create_file_system(
            FileSystemType="LUSTRE", StorageCapacity=1200, SubnetIds=["subnet-0123456789abcdef0"]
        )
        source = src.create_backup(FileSystemId=fs["FileSystem"]["FileSystemId"])["Backup"]["BackupId"]
        src.describe_backups(BackupIds=[source])
        control.set_pace(seconds=COPY_SECONDS)
        clock = CompressedClock()
        control.use_clock(clock.now)
        STATE.calls.clear()
        # 50 slots, like the emulator's limit above: all copies at once, to measure sharing alone.
        provider = BackupCopyProvider(Context(clock=clock, share_describes=share, admission=RegionAdmission(limit=50)))
        inputs = [
            {
                "sourceBackupId": source,
                "sourceRegion": "us-east-2",
                "region": "us-west-2",
                "copyTags": False,
                "resourceIdentity": f"bench/b/copy-{i}",
            }
            for i in range(count)
        ]
        threads = [threading.Thread(target=provider.create, args=(props,)) for props in inputs]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        describes = STATE.calls.get("DescribeBackups", 0)
        # Per create, 3 describes are not waiting: the source, the search for an interrupted create's copy, and
        # the final re-read.
        return {
            "describe_calls_per_copy": round(describes / count, 2),
            "polling_calls_per_copy": round((describes - 3 * count) / count, 2),
        }


def run() -> dict[str, Any]:
    fsx_emulator.install()
    try:
        results = {}
        for count in (1, 4, 12):
            shared, separate = _run(count, True), _run(count, False)
            results[f"{count} concurrent"] = {"shared": shared, "separate": separate}
        return results
    finally:
        control.reset()
