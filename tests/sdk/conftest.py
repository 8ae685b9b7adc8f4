import pytest

from tests.support import FsxAccount


@pytest.fixture
def fsx(inprocess_account: FsxAccount) -> FsxAccount:
    """An emulated account in this process (moto's mock_aws with the emulator's FSx)."""
    return inprocess_account
