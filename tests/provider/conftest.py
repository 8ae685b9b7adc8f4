from typing import Any

import pytest

from fsx_backup_copy_provider.runtime import RUNTIME
from fsx_backup_copy_provider.waiter import VirtualClock
from tests.support import FsxAccount


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> VirtualClock:
    """Waits cost no wall time: the waiter and backoffs sleep on a virtual clock."""
    virtual = VirtualClock()
    monkeypatch.setattr(RUNTIME, "clock", virtual)
    return virtual


@pytest.fixture
def shared_clock(fsx: FsxAccount, clock: VirtualClock) -> VirtualClock:
    """The emulator's duration pace runs on the provider's virtual clock: hours of copying in milliseconds."""
    from fsx_emulator import control

    control.use_clock(clock.now)
    return clock


@pytest.fixture
def fsx(inprocess_account: FsxAccount, clock: VirtualClock) -> FsxAccount:
    return inprocess_account


def copy_inputs(source: str, **extra: Any) -> dict[str, Any]:
    inputs: dict[str, Any] = {
        "sourceBackupId": source,
        "sourceRegion": "us-east-2",
        "region": "us-west-2",
        "copyTags": False,
        "resourceIdentity": "proj/dev/copy",
    }
    inputs.update(extra)
    return {k: v for k, v in inputs.items() if v is not None}
