"""The engine's scenarios through the real SDK host process and a separate fsx-emulator process."""

import os

import pytest

from tests.engine import scenarios
from tests.support import FsxAccount

pytestmark = pytest.mark.engine


def test_whole_lifecycle_through_the_real_host(server_account: FsxAccount) -> None:
    with scenarios.world(server_account) as w:
        for scenario in scenarios.LIFECYCLE:
            scenario(w)
        deployments = {call.deployment for call in w.engine.recorder.calls}
        assert len(w.engine.host_pids) == len(deployments) > len(scenarios.LIFECYCLE)
        assert len(set(w.engine.host_pids)) == len(w.engine.host_pids), "every deployment runs in a process of its own"
        for pid in w.engine.host_pids:  # and each was stopped at the end of its deployment
            with pytest.raises(ProcessLookupError):
                os.kill(pid, 0)
