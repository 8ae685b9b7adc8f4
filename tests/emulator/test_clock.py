"""In-process, ``control.use_clock`` drives both the copy pace and CreationTime: a virtual-time test that reads a
copy's age from its CreationTime gets the virtual age, on a present-day epoch time."""

import time
from datetime import datetime

from fsx_emulator import control
from tests.support import FsxAccount

SRC, DST = "us-east-2", "us-west-2"


class Clock:
    def __init__(self) -> None:
        self.time = 1_000_000.0

    def now(self) -> float:
        return self.time


def _created(account: FsxAccount, region: str, backup_id: str) -> datetime:
    [backup] = account.client(region).describe_backups(BackupIds=[backup_id])["Backups"]
    created: datetime = backup["CreationTime"]
    return created


def test_creation_time_moves_with_the_clock_given_to_use_clock(inprocess_account: FsxAccount) -> None:
    clock = Clock()
    control.use_clock(clock.now)
    inprocess_account.controls.set_pace(seconds=3600)
    source = inprocess_account.source_backup(SRC)
    fsx = inprocess_account.client(DST)
    first = fsx.copy_backup(SourceBackupId=source, SourceRegion=SRC)["Backup"]["BackupId"]
    clock.time += 2 * 3600  # two virtual hours; milliseconds of real time
    second = fsx.copy_backup(SourceBackupId=source, SourceRegion=SRC)["Backup"]["BackupId"]

    age = (_created(inprocess_account, DST, second) - _created(inprocess_account, DST, first)).total_seconds()
    assert abs(age - 2 * 3600) < 1
    assert abs(_created(inprocess_account, DST, first).timestamp() - time.time()) < 60  # an epoch time of today
    # The pace runs on the same clock: the first copy took its hour, the second has just begun.
    assert inprocess_account.lifecycle(DST, first) == "AVAILABLE"
    assert inprocess_account.lifecycle(DST, second) == "COPYING"


def test_backups_made_while_the_clock_stands_still_keep_their_order(inprocess_account: FsxAccount) -> None:
    clock = Clock()
    control.use_clock(clock.now)
    made = [inprocess_account.source_backup(SRC) for _ in range(3)]
    times = [_created(inprocess_account, SRC, backup) for backup in made]
    assert times == sorted(times) and len(set(times)) == 3
