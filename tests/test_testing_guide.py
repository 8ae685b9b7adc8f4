"""docs/testing.md stays true: its code examples run as a user's test suite, and its tables match the code."""

import re
import subprocess
import sys
from pathlib import Path

from tests.support import FAKE_ENV, ROOT

GUIDE = ROOT / "docs" / "testing.md"
SOURCES = [ROOT / "provider", ROOT / "sdk", ROOT / "emulator"]


def guide_files() -> dict[str, str]:
    """The guide's Python blocks, by the file name each one's first line names (``# conftest.py``)."""
    files = {}
    for block in re.findall(r"```python\n(.*?)```", GUIDE.read_text(), flags=re.S):
        first, _, _ = block.partition("\n")
        assert first.startswith("# ") and first.endswith(".py"), f"block without a file name: {first!r}"
        files[first[2:]] = block
    return files


def test_the_guides_examples_pass_as_a_users_test_suite(tmp_path: Path) -> None:
    files = guide_files()
    assert {"conftest.py", "test_program_unit.py", "test_copy_with_emulator.py", "test_rotation_unit.py"} <= set(files)
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), **FAKE_ENV}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(tmp_path), str(tmp_path)],
        cwd=tmp_path,
        capture_output=True,
        check=False,
        text=True,
        timeout=300,
        env=env,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "5 passed" in result.stdout, result.stdout[-2000:]


def test_the_fixtures_the_guide_names_exist() -> None:
    from fsx_emulator import pytest_plugin

    for fixture in re.findall(r"^\| `(\w+)` \|", GUIDE.read_text(), flags=re.M):
        if fixture.startswith(("fsx_",)):
            assert hasattr(pytest_plugin, fixture), fixture
