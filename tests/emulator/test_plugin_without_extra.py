"""``pytest -p fsx_emulator.pytest_plugin`` without the ``emulator`` extra says what to install, in one line."""

import subprocess
import sys
from pathlib import Path

import pytest

from fsx_emulator import INSTALL_HINT

# A user's suite run with moto made unimportable, as after `pip install` without the emulator extra.
WITHOUT_MOTO = """
import sys
sys.modules["moto"] = None  # "import moto" now raises ModuleNotFoundError, as when it is not installed
import pytest
sys.exit(pytest.main([*sys.argv[1:], "-q", "-p", "no:cacheprovider"]))
"""


@pytest.mark.parametrize("load", ["-p", "conftest"])
def test_the_plugin_without_moto_names_the_extra_to_install(tmp_path: Path, load: str) -> None:
    (tmp_path / "test_users_program.py").write_text("def test_copy():\n    pass\n")
    args = ["-p", "fsx_emulator.pytest_plugin"] if load == "-p" else []
    if load == "conftest":
        (tmp_path / "conftest.py").write_text('pytest_plugins = ["fsx_emulator.pytest_plugin"]\n')
    result = subprocess.run(
        [sys.executable, "-c", WITHOUT_MOTO, *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == pytest.ExitCode.USAGE_ERROR, output
    assert "needs the 'emulator' extra (moto is not installed)" in output
    assert INSTALL_HINT in output
    assert "ModuleNotFoundError" not in output and "Traceback" not in output
