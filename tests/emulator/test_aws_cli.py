"""The AWS CLI (awscli from PyPI, in the project venv) works against a running fsx-emulator."""

import json
import os
import subprocess
from typing import Any

import pytest

from tests.support import FAKE_ENV, VENV_BIN, FsxAccount

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
