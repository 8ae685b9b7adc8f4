"""With a real Pulumi CLI on PATH: up, a no-change refresh preview, and destroy of the example against the emulator.

No CLI can be installed on this project's machines, so these skip there; anyone with `pulumi` on PATH runs them.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.engine.harness import host_env
from tests.engine.scenarios import DR_REGION, EXAMPLE, SOURCE_REGION
from tests.support import ROOT, FsxAccount

pytestmark = [
    pytest.mark.cli,
    pytest.mark.skipif(shutil.which("pulumi") is None, reason="the pulumi CLI is not on PATH (not installable here)"),
]


def pulumi(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["pulumi", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False)


def test_up_refresh_preview_destroy_with_the_real_cli(server_account: FsxAccount, tmp_path: Path) -> None:
    assert server_account.endpoint_url
    source = server_account.source_backup(SOURCE_REGION)
    server_account.kms_key(DR_REGION, alias="alias/dr-one")
    project = tmp_path / "cross-region-dr"
    shutil.copytree(EXAMPLE, project)
    (project / "Pulumi.yaml").write_text(
        (project / "Pulumi.yaml")
        .read_text()
        .replace("    toolchain: pip\n    virtualenv: venv\n", f"    virtualenv: {Path(sys.prefix)}\n")
    )
    env = {
        **host_env(server_account.endpoint_url, time_scale=0.01),
        "PULUMI_CONFIG_PASSPHRASE": "emulator",
        "PULUMI_BACKEND_URL": f"file://{tmp_path}",
        "PULUMI_SKIP_UPDATE_CHECK": "true",
        "PYTHONPATH": str(ROOT),
    }
    steps = [
        ["stack", "init", "dr"],
        ["config", "set", "aws:region", DR_REGION],
        ["config", "set", "sourceBackupId", source],
        ["config", "set", "sourceRegion", SOURCE_REGION],
        ["config", "set", "kmsKeyId", "alias/dr-one"],
        ["up", "--yes", "--skip-preview"],
        ["preview", "--refresh", "--expect-no-changes"],
        ["destroy", "--yes"],
    ]
    for step in steps:
        result = pulumi(step, project, env)
        assert result.returncode == 0, f"pulumi {' '.join(step)}:\n{result.stdout}\n{result.stderr}"
    assert [b for b in server_account.backups() if b["SourceBackupId"] == source] == []
