"""moto's own FSx test suite, run with the emulator installed, fails only where emulator/README.md says it differs.

moto ships its tests in the sdist, not the wheel, so this needs a copy: ``pip download --no-deps --no-binary :all:
moto==5.2.5``, unpack, and point MOTO_UPSTREAM_FSX_TESTS at ``moto-5.2.5/tests/test_fsx``. Skipped otherwise.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import FAKE_ENV, ROOT

# Each with its reason in emulator/README.md ("moto's own FSx tests").
EXPECTED_DEVIATIONS = {
    "test_nonexistent_file_system",  # id breaks the FileSystemId pattern: ValidationException
    "test_backup_not_found",  # id breaks the BackupId pattern: ValidationException
    "test_describe_backups_does_not_exist",  # id breaks the BackupId pattern: ValidationException
    "test_delete_backup",  # deleting a CREATING backup: BackupInProgress
    "test_describe_backups",  # a second backup of a file system while one is in progress: BackupInProgress
}


def test_moto_upstream_fsx_suite_fails_only_where_documented() -> None:
    folder = os.environ.get("MOTO_UPSTREAM_FSX_TESTS")
    if not folder or not Path(folder).is_dir():
        pytest.skip("MOTO_UPSTREAM_FSX_TESTS does not point at moto's tests/test_fsx (see this module's docstring)")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-rf",
            "-p",
            "no:cacheprovider",
            "-p",
            "fsx_emulator.pytest_plugin",
            folder,
        ],
        capture_output=True,
        check=False,
        text=True,
        timeout=600,
        cwd=Path(folder).parent.parent,
        env={**os.environ, **FAKE_ENV},
    )
    failed = set(re.findall(r"^FAILED \S+::(\w+)", result.stdout, flags=re.M))
    assert failed == EXPECTED_DEVIATIONS, result.stdout[-3000:]
    assert re.search(r"\d+ passed", result.stdout)
    for name in EXPECTED_DEVIATIONS:
        assert name in (ROOT / "emulator" / "README.md").read_text(), f"{name} not explained in emulator/README.md"
