"""The ``fsx-emulator`` command: plain help with every default, a clear hint when the extra is missing, its own
message and a non-zero exit when the port is taken, and a clean stop on SIGINT/SIGTERM."""

import signal
import socket
import subprocess
import sys

import boto3
import pytest

from fsx_emulator import INSTALL_HINT
from fsx_emulator.server import parser
from tests.support import VENV_BIN

# Runs the installed console-script entry point with moto made unimportable, as after `pip install` without the
# emulator extra.
WITHOUT_MOTO = """
import sys
from importlib.metadata import entry_points
sys.modules["moto"] = None  # "import moto" now raises ModuleNotFoundError, as when it is not installed
(main,) = [e.load() for e in entry_points(group="console_scripts") if e.name == "fsx-emulator"]
sys.exit(main(["--port", "0"]))
"""


def test_missing_extra_names_the_extra_to_install() -> None:
    result = subprocess.run(
        [sys.executable, "-c", WITHOUT_MOTO], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 2
    assert "ModuleNotFoundError" not in result.stderr
    assert INSTALL_HINT in result.stderr
    assert "'emulator' extra" in result.stderr and "[emulator]" in result.stderr


def test_help_is_plain_text_with_every_default() -> None:
    result = subprocess.run(
        [str(VENV_BIN / "fsx-emulator"), "--help"], capture_output=True, text=True, timeout=60, check=True
    )
    text = " ".join(result.stdout.split())
    assert "``" not in text  # no reStructuredText markup
    for action in parser()._actions:
        if action.dest != "help":
            assert action.option_strings[0] in text
    for default in ("(default: 127.0.0.1)", "(default: 5000)", "(default: none; each copy", "(default: off;"):
        assert default in text


def test_every_option_states_its_default() -> None:
    for action in parser()._actions:
        if action.dest != "help":
            assert "(default: " in (action.help or ""), action.dest


def _emulator(*args: str) -> list[str]:
    return [str(VENV_BIN / "fsx-emulator"), *args]


def test_a_port_in_use_ends_the_command_at_once_with_its_own_message() -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        # The command must end by itself; the timeout only bounds a regression (it used to hang here).
        result = subprocess.run(_emulator("--port", str(port)), capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 1
    assert result.stdout == ""  # never claims to be listening
    assert f"fsx-emulator: port {port} on 127.0.0.1 is already in use" in result.stderr
    assert "--port" in result.stderr
    assert "Traceback" not in result.stderr and "Either identify" not in result.stderr  # werkzeug's own text


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_stops_the_running_emulator(signum: signal.Signals) -> None:
    process = subprocess.Popen(_emulator("--port", "0"), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        ready = process.stdout.readline()  # readiness: the one line printed once the port serves
        assert ready.startswith("fsx-emulator listening on http://127.0.0.1:"), ready
        endpoint = ready.split()[-1]
        fsx = boto3.client(
            "fsx",
            region_name="us-east-1",
            endpoint_url=endpoint,
            aws_access_key_id="AKIAEMULATOR00000000",
            aws_secret_access_key="not-a-secret",
        )
        assert fsx.describe_backups()["Backups"] == []  # it serves before the signal
        process.send_signal(signum)
        assert process.wait(timeout=60) == 0
        port = int(endpoint.rsplit(":", 1)[1])
        with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", port), timeout=5):
            pass
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()
