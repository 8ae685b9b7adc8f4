"""The ``fsx-emulator`` command: plain help with every default, and a clear hint when the extra is missing."""

import subprocess
import sys

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
