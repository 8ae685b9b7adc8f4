"""A deliberately broken provider makes specific engine scenarios fail: the harness can tell right from wrong."""

import base64
from collections.abc import Callable

import dill
import pytest

from tests.engine import broken_providers, scenarios
from tests.engine.scenarios import World
from tests.support import ROOT, FsxAccount

pytestmark = pytest.mark.engine


def serialized(provider: object) -> str:
    # Pickled by reference like the SDK does; the host imports tests.engine.broken_providers from PYTHONPATH.
    return base64.b64encode(dill.dumps(provider, recurse=True)).decode()


CASES: list[tuple[object, list[Callable[[World], None]], Callable[[World], None]]] = [
    (broken_providers.UnknownDiffProvider(), [scenarios.up_creates], scenarios.up_after_provider_reserialized),
    (broken_providers.NoUpdateOutputsProvider(), [scenarios.up_creates], scenarios.up_with_tag_change),
    (broken_providers.EveryChangeReplacesProvider(), [scenarios.up_creates], scenarios.up_with_tag_change),
]


@pytest.mark.parametrize(("provider", "setup", "caught_by"), CASES, ids=[type(c[0]).__name__ for c in CASES])
def test_broken_provider_fails_its_scenario(
    server_account: FsxAccount,
    provider: object,
    setup: list[Callable[[World], None]],
    caught_by: Callable[[World], None],
) -> None:
    with scenarios.world(server_account, serialized(provider), host_extra_env={"PYTHONPATH": str(ROOT)}) as w:
        for scenario in setup:
            scenario(w)
        with pytest.raises(AssertionError):
            caught_by(w)


def test_the_same_scenarios_pass_with_the_real_provider(server_account: FsxAccount) -> None:
    from fsx_backup_copy_provider import BackupCopyProvider

    with scenarios.world(server_account, serialized(BackupCopyProvider())) as w:
        for scenario in (scenarios.up_creates, scenarios.up_after_provider_reserialized, scenarios.up_with_tag_change):
            scenario(w)
