"""Several resources at once through the host's 4 worker threads (the provider's widening of that pool turned off,
FSX_BACKUP_COPY_HOST_WORKERS=0; tests/provider/test_host_workers.py covers the widened pool)."""

import pytest

from tests.engine import scenarios
from tests.support import FsxAccount

pytestmark = pytest.mark.engine


def test_parallel_resources_through_the_hosts_four_threads(server_account: FsxAccount) -> None:
    server_account.controls.set_pace(seconds=0.5)  # long enough that creates overlap
    with scenarios.fleet(server_account, host_extra_env={"FSX_BACKUP_COPY_HOST_WORKERS": "0"}) as fleet:
        outcome = fleet.engine.up(fleet.goals(8))
        assert not outcome.errors and set(outcome.steps.values()) == {"create"}
        ids = {entry.id for entry in fleet.engine.state.values()}
        assert len(ids) == 8 and {c["BackupId"] for c in fleet.copies()} == ids
        # The host runs at most 4 calls at once, so no more than 4 copies were ever in progress.
        assert 2 <= server_account.controls.inspect()["peak_copies_in_progress"][scenarios.DR_REGION] <= 4

        outcome = fleet.engine.up(fleet.goals(8, tagged=8))
        assert not outcome.errors and set(outcome.steps.values()) == {"update"}
        assert all(e.outputs["tags"]["wave"] == "1" for e in fleet.engine.state.values())

        assert not fleet.engine.destroy().errors and fleet.copies() == []
