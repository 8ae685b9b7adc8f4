"""Shared test helpers: an FSx "account" (in-process moto or a separate fsx-emulator process) with sources to copy."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import boto3
from botocore.config import Config

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
ACCOUNT_ID = "123456789012"
# Dummy credentials: the emulator accepts anything; real credentials must never reach a test.
FAKE_ENV = {
    "AWS_ACCESS_KEY_ID": "AKIAEMULATOR00000000",
    "AWS_SECRET_ACCESS_KEY": "emulator-secret-not-real",
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_CONFIG_FILE": "/dev/null",
    "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
}


class Controls(Protocol):
    def inject_fault(self, operation: str, error: str, count: int = 1, message: str | None = None) -> None: ...
    def clear_faults(self) -> None: ...
    def fail_next_copy(self, message: str, source_backup_id: str | None = None) -> None: ...
    def fail_copy(self, backup_id: str, message: str) -> None: ...
    def set_pace(
        self, seconds: float | None = None, ticks: int | None = None, model: str = ..., in_progress: bool = ...
    ) -> None: ...
    def configure(self, **settings: Any) -> dict[str, Any]: ...
    def reset(self) -> None: ...
    def inspect(self, account_id: str = ...) -> dict[str, Any]: ...


@dataclass
class FsxAccount:
    """One AWS account as the tests see it: boto3 clients per Region plus the emulator's controls."""

    controls: Controls
    endpoint_url: str | None = None
    _clients: dict[tuple[str, str], Any] = field(default_factory=dict)

    def client(self, region: str, service: str = "fsx", attempts: int = 1) -> Any:
        key = (region, f"{service}/{attempts}")
        if key not in self._clients:
            self._clients[key] = boto3.client(
                service,
                region_name=region,
                endpoint_url=self.endpoint_url,
                config=Config(retries={"mode": "standard", "total_max_attempts": attempts}),
            )
        return self._clients[key]

    def source_backup(
        self,
        region: str = "us-east-2",
        fs_type: str = "LUSTRE",
        tags: dict[str, str] | None = None,
        kms_key_id: str | None = None,
        windows_deployment: str | None = None,
    ) -> str:
        """An AVAILABLE backup of a new file system in ``region``."""
        fsx = self.client(region)
        extra: dict[str, Any] = {}
        if kms_key_id:
            extra["KmsKeyId"] = kms_key_id
        if windows_deployment:
            extra["WindowsConfiguration"] = {"DeploymentType": windows_deployment, "ThroughputCapacity": 32}
        fs = fsx.create_file_system(
            FileSystemType=fs_type, StorageCapacity=1200, SubnetIds=["subnet-0123456789abcdef0"], **extra
        )["FileSystem"]
        extra = {"Tags": [{"Key": k, "Value": v} for k, v in tags.items()]} if tags else {}
        backup = fsx.create_backup(FileSystemId=fs["FileSystemId"], **extra)["Backup"]
        self.wait_available(region, backup["BackupId"])
        return str(backup["BackupId"])

    def lifecycle(self, region: str, backup_id: str) -> str:
        return str(self.client(region).describe_backups(BackupIds=[backup_id])["Backups"][0]["Lifecycle"])

    def wait_available(self, region: str, backup_id: str, max_polls: int = 50) -> dict[str, Any]:
        """Poll until a terminal state (ticks advance per describe, so no sleeping is needed in tick mode)."""
        for _ in range(max_polls):
            backup: dict[str, Any] = self.client(region).describe_backups(BackupIds=[backup_id])["Backups"][0]
            if backup["Lifecycle"] not in ("CREATING", "COPYING", "PENDING", "TRANSFERRING"):
                return backup
        raise AssertionError(f"{backup_id} still in progress after {max_polls} polls")

    def kms_key(self, region: str, alias: str | None = None) -> dict[str, Any]:
        kms = self.client(region, "kms")
        key: dict[str, Any] = kms.create_key(Description="test key")["KeyMetadata"]
        if alias:
            kms.create_alias(AliasName=alias, TargetKeyId=key["KeyId"])
        return key

    def backups(self) -> list[dict[str, Any]]:
        backups: list[dict[str, Any]] = self.controls.inspect()["backups"]
        return backups


def restore_interrupt() -> None:
    """Put back Python's SIGINT handler when this process was started with SIGINT ignored.

    A shell without job control (a script, a CI step) starts a background job such as ``make bench &`` with SIGINT
    ignored (POSIX, for asynchronous lists), and an ignored signal stays ignored in every child. The harness stops
    each dynamic host as the engine closes a plugin (SIGINT, 5 s, then SIGKILL: pkg/resource/plugin/plugin.go, the
    kill function in ExecPlugin), so every stop would wait out the 5 s.
    """
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def copies_of(account: FsxAccount, source_backup_id: str) -> list[dict[str, Any]]:
    """Every copy of one source backup that exists in the account, in any Region."""
    return [b for b in account.backups() if b["SourceBackupId"] == source_backup_id]


class InProcessControls:
    """fsx_emulator.control as an object with the same shape as EmulatorClient."""

    def __getattr__(self, name: str) -> Any:
        from fsx_emulator import control

        return getattr(control, name)


@contextmanager
def in_process_account() -> Iterator[FsxAccount]:
    from moto import mock_aws

    import fsx_emulator

    fsx_emulator.install()
    with mock_aws():
        fsx_emulator.control.reset()
        yield FsxAccount(controls=InProcessControls())
        fsx_emulator.control.reset()


def take_emulator_responses() -> list[dict[str, Any]]:
    """Every raw FSx response recorded since the last call, in-process and by the running emulator processes."""
    from fsx_emulator import control
    from fsx_emulator.client import EmulatorClient

    responses = control.take_responses()
    for endpoint in list(RUNNING_EMULATORS):
        try:
            responses += EmulatorClient(endpoint).take_responses()
        except OSError:
            continue  # a process a test stopped or killed on purpose has nothing more to report
    return responses


def wire_problems() -> list[str]:
    """How the FSx responses sent since the last call break botocore's FSx model (the suite-wide wire check)."""
    from tests.emulator.wire_check import check_all

    return check_all(take_emulator_responses())


@dataclass
class EmulatorProcess:
    process: subprocess.Popen[str]
    endpoint: str

    def stop(self) -> int:
        if self.endpoint in RUNNING_EMULATORS:
            RUNNING_EMULATORS.remove(self.endpoint)
        self.process.terminate()
        try:
            return self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()


# Endpoints of the fsx-emulator processes this test run started: the wire check drains their recorded responses.
RUNNING_EMULATORS: list[str] = []


def start_emulator(*args: str) -> EmulatorProcess:
    """Start ``fsx-emulator --port 0`` as a separate process (recording its responses) and wait for its ready line."""
    process = subprocess.Popen(
        [str(VENV_BIN / "fsx-emulator"), "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, **FAKE_ENV, "FSX_EMULATOR_RECORD_RESPONSES": "1"},
    )
    assert process.stdout is not None
    deadline = time.monotonic() + 30
    line = process.stdout.readline()
    if "listening on " not in line or time.monotonic() > deadline:
        process.kill()
        raise RuntimeError(f"fsx-emulator did not start: {line!r}")
    emulator = EmulatorProcess(process, line.strip().rsplit(" ", 1)[-1])
    RUNNING_EMULATORS.append(emulator.endpoint)
    return emulator
