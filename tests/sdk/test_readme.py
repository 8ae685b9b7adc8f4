"""README.md says what is true: its testing example runs, its environment table matches the code, its install works.

A new user reads the README first; each check fails when the README and the code disagree.
"""

import re
import subprocess
import sys
from pathlib import Path

from tests.support import ROOT

README = (ROOT / "README.md").read_text()
# Services the provider builds clients for (aws.client(service, ...)): AWS_ENDPOINT_URL_<SERVICE> is read for each.
CLIENT_SERVICES = ("fsx", "kms")
ENV_READ = re.compile(r"""(?:environ\.get|getenv|environ\[|setenv|delenv)\(?\s*(f?)"([A-Za-z0-9_{}.()]+)\"""")


def _section(title: str) -> str:
    start = README.index(f"\n## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start : end if end != -1 else len(README)]


def _environment_variables_in_code() -> set[str]:
    names: set[str] = set()
    for package in ("provider", "sdk", "emulator"):
        for path in (ROOT / package).rglob("*.py"):
            for is_format, name in ENV_READ.findall(path.read_text()):
                if is_format:
                    names.update(re.sub(r"\{.*\}", service.upper(), name) for service in CLIENT_SERVICES)
                elif name.isupper():
                    names.add(name)
    return names


def test_every_environment_variable_the_package_reads_is_in_the_table() -> None:
    table = _section("Environment variables")
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", table))
    in_code = _environment_variables_in_code()
    assert {"AWS_REGION", "FSX_BACKUP_COPY_TIME_SCALE", "AWS_ENDPOINT_URL_FSX"} <= in_code  # the scan works
    assert in_code - documented == set(), "read by the package but not in README's table"
    sources = "".join(p.read_text() for pkg in ("provider", "sdk", "emulator") for p in (ROOT / pkg).rglob("*.py"))
    stale = {name for name in documented if f'"{name}"' not in sources and "AWS_ENDPOINT_URL_" not in name}
    assert stale == set(), "in README's table but no longer read by the package"


def test_the_testing_example_runs_and_fails_on_a_bad_region(tmp_path: Path) -> None:
    [code] = re.findall(r"```python\n(.*?)```", _section("Testing your program"), re.S)
    test_file = tmp_path / "test_readme_example.py"
    test_file.write_text("\n".join(line.removeprefix("  ") for line in code.splitlines()) + "\n")
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(test_file)],
        check=False,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 passed" in run.stdout


def test_make_test_and_make_demo_are_in_the_first_40_lines() -> None:
    first = "\n".join(README.splitlines()[:40])
    assert "make test" in first and "make demo" in first


def test_install_lines_name_something_that_can_be_installed() -> None:
    """No `pip install pulumi-fsx-backup-copy` from an index: a path, a git URL, or the wheel make dist builds."""
    section = _section("Install").splitlines()
    lines = [line.split("#")[0] for line in section if line.lstrip().startswith(("pip ", "make "))]
    assert lines
    for line in lines:
        target = line.split("pip install", 1)[1].strip()
        assert target.startswith(("/", "'pulumi-fsx-backup-copy @ git+", "dist/")), line
    assert "make dist" in _section("Install") and "dist:" in (ROOT / "Makefile").read_text()
