"""What `make dist` builds is installable: an sdist and a wheel that twine accepts, holding every package users import.

The README points users at a path, a git URL or this wheel (the package is on no index), so the wheel must carry
the provider (imported by the dynamic host), the SDK, the emulator with its command, and their type markers; and
both must carry the licence text pyproject's ``license`` names, and report the version pyproject says.
"""

import subprocess
import sys
import tarfile
import tomllib
import zipfile
from email.parser import Parser
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

    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    version = pyproject["version"]
    assert wheel.name == f"pulumi_fsx_backup_copy-{version}-py3-none-any.whl"
    assert sdist.name == f"pulumi_fsx_backup_copy-{version}.tar.gz"
    licence = (ROOT / "LICENSE").read_text()
    assert pyproject["license"] == "Apache-2.0" and "Apache License" in licence and "Version 2.0" in licence
    assert "END OF TERMS AND CONDITIONS" in licence  # the full text, not a pointer to it

    with zipfile.ZipFile(wheel) as archive:
        [metadata_name] = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        metadata = Parser().parsestr(archive.read(metadata_name).decode())
        dist_info = metadata_name.rsplit("/", 1)[0]
        assert archive.read(f"{dist_info}/licenses/LICENSE").decode() == licence
    assert metadata["Version"] == version
    assert metadata["License-Expression"] == "Apache-2.0" and metadata.get_all("License-File") == ["LICENSE"]

    with tarfile.open(sdist) as archive:
        member = archive.extractfile(f"pulumi_fsx_backup_copy-{version}/LICENSE")
        assert member is not None and member.read().decode() == licence
