"""What `make dist` builds is installable: an sdist and a wheel that twine accepts, holding every package users import.

The README points users at a path, a git URL or this wheel (the package is on no index), so the wheel must carry
the provider (imported by the dynamic host), the SDK, the emulator with its command, and their type markers.
"""

import subprocess
import sys
import zipfile
from pathlib import Path

from tests.support import ROOT, VENV_BIN


def test_sdist_and_wheel_build_offline_and_pass_twine_check(tmp_path: Path) -> None:
    build = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--sdist", "--wheel", "--outdir", str(tmp_path), str(ROOT)],
        check=False,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    [wheel] = tmp_path.glob("pulumi_fsx_backup_copy-*-py3-none-any.whl")
    [sdist] = tmp_path.glob("pulumi_fsx_backup_copy-*.tar.gz")

    twine = subprocess.run(
        [str(VENV_BIN / "twine"), "check", "--strict", str(wheel), str(sdist)],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert twine.returncode == 0, twine.stdout + twine.stderr

    names = zipfile.ZipFile(wheel).namelist()
    for package in ("fsx_backup_copy_provider", "pulumi_fsx_backup_copy", "fsx_emulator"):
        assert f"{package}/__init__.py" in names and f"{package}/py.typed" in names, package
    [entry_points] = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
    assert "fsx-emulator = fsx_emulator.server:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
