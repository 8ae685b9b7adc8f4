from collections.abc import Callable
from typing import Any

import pytest

from fsx_backup_copy_provider import aws
from fsx_backup_copy_provider.context import Context
from fsx_backup_copy_provider.waiter import VirtualClock
from tests.support import FsxAccount


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture
def context(clock: VirtualClock) -> Context:
    """The context a test's providers run in (BackupCopyProvider(context)): waits and backoffs sleep on a virtual
    clock, so they cost no wall time."""
    return Context(clock=clock)


@pytest.fixture
def shared_clock(fsx: FsxAccount, clock: VirtualClock) -> VirtualClock:
    """The emulator's duration pace runs on the provider's virtual clock: hours of copying in milliseconds."""
    from fsx_emulator import control

    control.use_clock(clock.now)
    return clock


@pytest.fixture
def fsx(inprocess_account: FsxAccount, clock: VirtualClock) -> FsxAccount:
    return inprocess_account


def on_provider_calls(event: str, region: str, handler: Callable[..., None], service: str = "fsx") -> None:
    """Run ``handler`` on a botocore event (e.g. "after-call.fsx.DescribeBackups") of the client the provider uses
    for ``service`` in ``region``: the provider's client cache (aws.py) hands it the very same client. The suite's
    fresh_clients fixture drops the client, and so the hook, after the test."""
    aws.client(service, region, None).meta.events.register(event, handler)


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
