import os
from collections.abc import Iterator

import pytest

from tests.support import (
    FAKE_ENV,
    EmulatorProcess,
    FsxAccount,
    in_process_account,
    restore_interrupt,
    start_emulator,
    take_emulator_responses,
    wire_problems,
)

# Before anything builds a boto3 session: dummy credentials, no metadata service, no user AWS config.
os.environ.update(FAKE_ENV)
for _name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_FSX"):
    os.environ.pop(_name, None)
restore_interrupt()  # so hosts the harness stops exit at once, however the suite was started


@pytest.fixture(autouse=True)
def fsx_wire_check() -> Iterator[None]:
    """Every raw FSx response a test makes the emulator send must fit botocore's FSx model, or the test fails."""
    from fsx_emulator import control

    control.record_responses(True)
    take_emulator_responses()  # responses from before this test belong to no test
    yield
    problems = wire_problems()
    if problems:
        shown = "\n".join(problems[:20])
        pytest.fail(f"the emulator sent {len(problems)} response(s) that break the FSx model:\n{shown}", pytrace=False)


@pytest.fixture(autouse=True)
def fresh_clients() -> Iterator[None]:
    """The provider's boto3 client cache is keyed by endpoint; each test starts and ends without cached clients."""
    from fsx_backup_copy_provider import aws

    aws.clear_cache()
    yield
    aws.clear_cache()


@pytest.fixture(scope="session")
def emulator_process() -> Iterator[EmulatorProcess]:
    emulator = start_emulator()
    yield emulator
    emulator.stop()


@pytest.fixture
def server_account(emulator_process: EmulatorProcess) -> Iterator[FsxAccount]:
    from fsx_emulator.client import EmulatorClient

    controls = EmulatorClient(emulator_process.endpoint)
    controls.reset()
    yield FsxAccount(controls=controls, endpoint_url=emulator_process.endpoint)
    controls.reset()


@pytest.fixture
def inprocess_account() -> Iterator[FsxAccount]:
    with in_process_account() as account:
        yield account


@pytest.fixture(params=["inprocess", "server"])
def account(request: pytest.FixtureRequest) -> FsxAccount:
    """The same scenario in-process (moto's mock_aws) and over HTTP against a separate fsx-emulator process."""
    fixture: FsxAccount = request.getfixturevalue(f"{request.param}_account")
    return fixture


@pytest.fixture
def program_env(server_account: FsxAccount, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A program's own look-ups (a rotation's, run in this process) go to the emulator process too."""
    from fsx_backup_copy_provider import aws

    assert server_account.endpoint_url
    monkeypatch.setenv("AWS_ENDPOINT_URL", server_account.endpoint_url)
    aws.clear_cache()
    yield
    aws.clear_cache()
