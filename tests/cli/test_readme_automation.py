"""The README's Automation API example, run as it stands against the real engine and the emulator."""

import re
from typing import Any

import pytest

from tests.cli.realengine import RealStack
from tests.support import ROOT, FsxAccount

SOURCE, DR = "us-east-2", "us-west-2"


def readme_example() -> str:
    text = (ROOT / "README.md").read_text()
    section = text[text.index("## Driving stacks from Python (Automation API)") :]
    found = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert found, "the README's Automation API section has no Python example"
    return found.group(1)


def test_the_readme_automation_example_makes_one_copy_per_stack(
    real_stack: RealStack, server_account: FsxAccount, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", real_stack.env["PATH"])  # as a user has it: the CLI on PATH
    source = server_account.source_backup(SOURCE)
    namespace: dict[str, Any] = {}
    exec(compile(readme_example(), "README.md", "exec"), namespace)
    env = real_stack.env
    (real_stack.root / "backend").mkdir(exist_ok=True)
    (real_stack.root / "home").mkdir(exist_ok=True)
    made = {name: namespace["deploy"](name, source, env) for name in ("fs-a", "fs-b")}
    copies = {b["BackupId"] for b in server_account.backups() if b["SourceBackupId"] == source}
    assert copies == set(made.values()) and len(copies) == 2
    assert made["fs-a"] == namespace["deploy"]("fs-a", source, env)  # a rerun changes nothing
