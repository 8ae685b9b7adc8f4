"""Program-time look-ups under ``pulumi.runtime.set_mocks``: only an emulator may answer them, never real AWS.

A unit test mocks Pulumi's engine, not AWS, so a rotation or ``find_latest_backup`` declared in it would call
DescribeBackups with whatever credentials the shell holds. Under mocks a look-up therefore runs only when the FSx it
would reach is an emulator: moto's ``mock_aws`` in this process (what the ``fsx_emulator`` pytest fixture starts) or
an ``fsx-emulator`` on this machine named by ``AWS_ENDPOINT_URL``/``AWS_ENDPOINT_URL_FSX``. Otherwise it fails at
once, before any client exists, and says how to test it.
"""

import ipaddress
import os
import sys
from urllib.parse import urlparse

HOW_TO_TEST = (
    "Under pulumi.runtime.set_mocks it runs only against the FSx emulator: request the fsx_emulator fixture of "
    "the emulator's pytest plugin (pip install 'pulumi-fsx-backup-copy[emulator]', then pytest -p "
    "fsx_emulator.pytest_plugin; the fsx_file_system fixture makes a file system with backups), or set "
    "AWS_ENDPOINT_URL to an fsx-emulator on this machine. See docs/testing.md."
)


def under_mocks() -> bool:
    """Whether the program runs under pulumi.runtime.set_mocks (its resource monitor is the SDK's MockMonitor)."""
    from pulumi.runtime.mocks import MockMonitor
    from pulumi.runtime.settings import get_monitor

    return isinstance(get_monitor(), MockMonitor)


def _moto_active() -> bool:
    # moto's mock_aws switches its botocore stubber on while active; a moto never imported cannot be active.
    models = sys.modules.get("moto.core.models")
    stubber = getattr(models, "botocore_stubber", None)
    return bool(getattr(stubber, "enabled", False))


def _on_this_machine(url: str) -> bool:
    host = urlparse(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def emulated() -> bool:
    """Whether FSx calls made now would reach an emulator rather than AWS."""
    endpoint = os.environ.get("AWS_ENDPOINT_URL_FSX") or os.environ.get("AWS_ENDPOINT_URL")
    return _moto_active() or bool(endpoint and _on_this_machine(endpoint))


def refusal(what: str, region: str) -> str | None:
    """Why this look-up must not run now (one paragraph), or None when it may."""
    if not under_mocks() or emulated():
        return None
    return f"{what}: DescribeBackups in {region} would call AWS from a unit test. {HOW_TO_TEST}"
