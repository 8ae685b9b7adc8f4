"""The AWS CLI (awscli from PyPI, in the project venv) works against a running fsx-emulator."""

import json
import os
import subprocess
from typing import Any

import pytest

from tests.support import FAKE_ENV, ROOT, VENV_BIN, FsxAccount

pytestmark = pytest.mark.server


def aws(account: FsxAccount, *args: str) -> subprocess.CompletedProcess[str]:
    assert account.endpoint_url
    return subprocess.run(
        [str(VENV_BIN / "aws"), "--endpoint-url", account.endpoint_url, "--output", "json", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **FAKE_ENV},
        check=False,
    )


def ok(result: subprocess.CompletedProcess[str]) -> Any:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout) if result.stdout.strip() else None


def test_copy_describe_delete_with_the_aws_cli(server_account: FsxAccount) -> None:
    source = server_account.source_backup("us-east-2")
    copy = ok(
        aws(
            server_account,
            "fsx",
            "copy-backup",
            "--region",
            "us-west-2",
            "--source-backup-id",
            source,
            "--source-region",
            "us-east-2",
        )
    )["Backup"]
    assert copy["Lifecycle"] == "COPYING" and copy["SourceBackupRegion"] == "us-east-2"

    lifecycles = [
        ok(aws(server_account, "fsx", "describe-backups", "--region", "us-west-2", "--backup-ids", copy["BackupId"]))[
            "Backups"
        ][0]["Lifecycle"]
        for _ in range(2)
    ]
    assert lifecycles == ["COPYING", "AVAILABLE"]

    deleted = ok(aws(server_account, "fsx", "delete-backup", "--region", "us-west-2", "--backup-id", copy["BackupId"]))
    assert deleted == {"BackupId": copy["BackupId"], "Lifecycle": "DELETED"}

    missing = aws(server_account, "fsx", "describe-backups", "--region", "us-west-2", "--backup-ids", copy["BackupId"])
    assert missing.returncode != 0
    assert (
        f"(BackupNotFound) when calling the DescribeBackups operation: Backup '{copy['BackupId']}' does not exist."
        in (missing.stderr)
    )


def _readme_recipe() -> tuple[dict[str, str], str]:
    """The variables emulator/README.md exports for the AWS CLI, and the command it runs."""
    text = (ROOT / "emulator" / "README.md").read_text()
    block = text.split("### The AWS CLI (or boto3) against the server", 1)[1].split("```bash", 1)[1].split("```")[0]
    exported: dict[str, str] = {}
    for line in block.splitlines():
        if line.startswith("export "):
            for assignment in line.split("#")[0].split()[1:]:
                name, value = assignment.split("=", 1)
                exported[name] = value
    [command] = [line for line in block.splitlines() if line.startswith("aws ")]
    return exported, command


def test_the_readmes_aws_cli_recipe_works_as_written(server_account: FsxAccount) -> None:
    exported, command = _readme_recipe()
    assert {"AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION"} <= set(exported)
    source = server_account.source_backup(exported["AWS_DEFAULT_REGION"])
    # Only what the recipe sets: no credentials, Region or profile of the test run, no AWS config files.
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env |= {**exported, "AWS_ENDPOINT_URL": str(server_account.endpoint_url)}
    env |= {"AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null"}
    result = subprocess.run(
        [str(VENV_BIN / "aws"), *command.split()[1:], "--output", "json"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert [b["BackupId"] for b in json.loads(result.stdout)["Backups"]] == [source]
