"""The engine's scenarios through the real SDK host process and a separate fsx-emulator process."""

import pytest

from tests.engine import scenarios
from tests.support import FsxAccount

pytestmark = pytest.mark.engine


def test_whole_lifecycle_through_the_real_host(server_account: FsxAccount) -> None:
    with scenarios.world(server_account) as w:
        for scenario in scenarios.LIFECYCLE:
            scenario(w)
        assert w.engine.host.process.poll() is None, "the host must survive every scenario"
