"""pytest plugin: an in-process FSx for your tests, where copies take milliseconds.

Load it with ``pytest -p fsx_emulator.pytest_plugin`` or ``pytest_plugins = ["fsx_emulator.pytest_plugin"]`` in
your root conftest.py. Loading it installs the emulator into moto (so any moto-based suite, moto's own included,
gets the emulator's FSx). Fixtures:

- ``fsx_emulator``: moto's ``mock_aws`` with the emulator's FSx, fresh for each test; the result has the test
  controls (``inject_fault``, ``fail_next_copy``, ``set_pace``, ``inspect``, ...) and ``client(service, region)``.
  Copies become AVAILABLE on the first DescribeBackups after they start, backups made with CreateBackup at once.
  ``provider()`` gives a ``BackupCopyProvider`` whose waits between polls are a thousandth as long (its own
  context); ``FSX_BACKUP_COPY_TIME_SCALE`` is set too, for provider processes a test starts.
- ``fsx_source_backup``: a factory ``make(region="us-east-1", tags=None, file_system_type="LUSTRE")`` that creates
  a file system and an AVAILABLE backup of it and returns the backup id.
"""

import os
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import pytest

from . import install, missing_extra

try:
    install()
except ModuleNotFoundError as error:
    # Loaded with -p before any test runs: one line saying what to install, not a trace ending in "No module moto".
    raise pytest.UsageError(missing_extra("fsx_emulator.pytest_plugin", error)) from None

# How much shorter the provider's pauses between polls are under the fixtures (FSX_BACKUP_COPY_TIME_SCALE).
TIME_SCALE = "0.001"
# Where real AWS settings would send boto3 elsewhere than the in-process emulator.
_OUTSIDE_SETTINGS = ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_FSX", "AWS_ENDPOINT_URL_KMS", "AWS_PROFILE")


class FsxEmulator:
    """The in-process emulator as a test sees it: its controls (fsx_emulator.control) and boto3 clients."""

    def __init__(self, control: ModuleType) -> None:
        self.control = control

    def __getattr__(self, name: str) -> Any:
        return getattr(self.control, name)

    def client(self, service: str = "fsx", region: str = "us-east-1") -> Any:
        import boto3

        return boto3.client(service, region_name=region)

    def provider(self) -> Any:
        """A BackupCopyProvider for this test: its pauses between polls are a thousandth as long."""
        from fsx_backup_copy_provider import BackupCopyProvider
        from fsx_backup_copy_provider.context import Context, ScaledClock
        from fsx_backup_copy_provider.waiter import SystemClock

        return BackupCopyProvider(Context(clock=ScaledClock(SystemClock(), float(TIME_SCALE))))


@pytest.fixture
def fsx_emulator(monkeypatch: pytest.MonkeyPatch) -> Iterator[FsxEmulator]:
    from moto import mock_aws

    from . import control

    for name in _OUTSIDE_SETTINGS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_DEFAULT_REGION", os.environ.get("AWS_DEFAULT_REGION", "us-east-1"))
    monkeypatch.setenv("FSX_BACKUP_COPY_TIME_SCALE", TIME_SCALE)
    with mock_aws():
        control.reset()
        control.set_pace(ticks=1)
        control.set_pace(ticks=0, model="fsx::backup")
        yield FsxEmulator(control)
        control.reset()


@pytest.fixture
def fsx_source_backup(fsx_emulator: FsxEmulator) -> Callable[..., str]:
    def make(region: str = "us-east-1", tags: dict[str, str] | None = None, file_system_type: str = "LUSTRE") -> str:
        fsx = fsx_emulator.client("fsx", region)
        file_system = fsx.create_file_system(
            FileSystemType=file_system_type, StorageCapacity=1200, SubnetIds=["subnet-0123456789abcdef0"]
        )["FileSystem"]
        extra = {"Tags": [{"Key": k, "Value": v} for k, v in tags.items()]} if tags else {}
        backup = fsx.create_backup(FileSystemId=file_system["FileSystemId"], **extra)["Backup"]
        # CreateBackup answers CREATING; the backup is AVAILABLE from the next read on (pace set above).
        described = fsx.describe_backups(BackupIds=[backup["BackupId"]])["Backups"][0]
        assert described["Lifecycle"] == "AVAILABLE", described["Lifecycle"]
        return str(backup["BackupId"])

    return make


class FileSystemWithBackups:
    """A file system in the emulator and its AVAILABLE backups, oldest first: what a rotation or look-up test needs."""

    def __init__(self, emulator: FsxEmulator, region: str, file_system_id: str) -> None:
        self.emulator, self.region, self.file_system_id = emulator, region, file_system_id
        self.backup_ids: list[str] = []

    def back_up(self, tags: dict[str, str] | None = None) -> str:
        """A new AVAILABLE backup (a night's automatic backup, say); returns its id."""
        fsx = self.emulator.client("fsx", self.region)
        extra = {"Tags": [{"Key": k, "Value": v} for k, v in tags.items()]} if tags else {}
        backup_id = str(fsx.create_backup(FileSystemId=self.file_system_id, **extra)["Backup"]["BackupId"])
        described = fsx.describe_backups(BackupIds=[backup_id])["Backups"][0]
        assert described["Lifecycle"] == "AVAILABLE", described["Lifecycle"]
        self.backup_ids.append(backup_id)
        return backup_id

    def expire(self, backup_id: str) -> None:
        """Delete a backup, as the source's retention does, while copies of it may live on."""
        self.emulator.client("fsx", self.region).delete_backup(BackupId=backup_id)
        self.backup_ids.remove(backup_id)


@pytest.fixture
def fsx_file_system(fsx_emulator: FsxEmulator) -> Callable[..., FileSystemWithBackups]:
    """A factory ``make(region="us-east-1", backups=1, file_system_type="LUSTRE")``: a file system with that many
    AVAILABLE backups (``.file_system_id``, ``.backup_ids`` oldest first, ``.back_up()``, ``.expire(id)``)."""

    def make(region: str = "us-east-1", backups: int = 1, file_system_type: str = "LUSTRE") -> FileSystemWithBackups:
        created = fsx_emulator.client("fsx", region).create_file_system(
            FileSystemType=file_system_type, StorageCapacity=1200, SubnetIds=["subnet-0123456789abcdef0"]
        )
        file_system = FileSystemWithBackups(fsx_emulator, region, str(created["FileSystem"]["FileSystemId"]))
        for _ in range(backups):
            file_system.back_up()
        return file_system

    return make
