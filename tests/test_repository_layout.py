"""The README's repository table (and emulator/README.md's layout) name every module, so a reader finds each one."""

from pathlib import Path

import pytest

from tests.support import ROOT

PACKAGES = ["provider/fsx_backup_copy_provider", "sdk/pulumi_fsx_backup_copy"]


def _modules(package: Path) -> list[str]:
    return sorted(p.name for p in package.glob("*.py") if p.name != "__init__.py")


def _table_row(path: str) -> str:
    [row] = [line for line in (ROOT / "README.md").read_text().splitlines() if line.startswith(f"| `{path}/` |")]
    return row


@pytest.mark.parametrize("package", PACKAGES)
def test_the_readme_table_names_every_module_of_the_package(package: str) -> None:
    row = _table_row(package)
    missing = [name for name in _modules(ROOT / package) if f"`{name}`" not in row]
    assert missing == [], f"README.md's repository table does not name {missing} under {package}/"


def test_the_emulator_readme_names_every_module() -> None:
    layout = (ROOT / "emulator" / "README.md").read_text()
    missing = [name for name in _modules(ROOT / "emulator" / "fsx_emulator") if f"`{name}`" not in layout]
    assert missing == [], f"emulator/README.md's layout does not name {missing}"
