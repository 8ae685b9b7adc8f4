"""The real-engine tier: runs whenever a Pulumi CLI can be had, else skips saying how to build one.

``.ci/run`` sets FSX_BACKUP_COPY_REQUIRE_REAL_ENGINE=1, which turns that skip into a failure.
"""

from collections.abc import Iterator
from pathlib import Path

import pulumi.runtime
import pytest

from tests.cli.realengine import REQUIRE_VARIABLE, RealStack, cli_version, find_cli, required
from tests.support import FsxAccount

NO_CLI = "no pulumi CLI: `make pulumi` builds one from Go modules into .cache/pulumi (needs Go 1.26+)"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/cli/" in item.nodeid:
            item.add_marker(pytest.mark.cli)
            # After a CLI that was killed on purpose, the SDK's inline-program server cannot shut its callback
            # server down cleanly; that teardown noise is the SDK's, not a failure of the test.
            item.add_marker(pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"))


@pytest.fixture(scope="session")
def real_cli() -> Path:
    cli = find_cli()
    if cli is None:
        if required():
            pytest.fail(f"{REQUIRE_VARIABLE} is set but there is {NO_CLI}", pytrace=False)
        pytest.skip(NO_CLI)
    assert cli_version(cli).startswith("v3."), f"{cli} does not report a v3 version (unstamped build?)"
    return cli


@pytest.fixture
def real_stack(real_cli: Path, server_account: FsxAccount, tmp_path: Path) -> Iterator[RealStack]:
    """A fresh stack against the emulator process; any provider process the engine left behind is ended after."""
    assert server_account.endpoint_url
    stack = RealStack(cli=real_cli, root=tmp_path, endpoint=server_account.endpoint_url)
    stack.extra_env["PULUMI_DEBUG_GRPC"] = str(tmp_path / "grpc.log")
    yield stack
    stack.end_leftover_processes()
    forget_the_engine()


def forget_the_engine() -> None:
    """An inline program leaves the SDK's process-wide settings pointing at its engine, which has gone; code that
    runs later in this process (the provider's tests log through pulumi.log) would try to reach it. Back to the
    settings a process starts with."""
    pulumi.runtime.reset_options(
        project="project", stack="stack", root_directory="root_directory", organization="organization"
    )
