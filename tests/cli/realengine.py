"""The real Pulumi engine, offline: the CLI (``make pulumi``) driven through the Automation API's inline programs.

An inline program runs in this process and the CLI connects to it (``--client``), so no language host is needed;
the engine, the checkpoint, the stack lock and the dynamic-provider plugin (``pulumi-resource-pulumi-python``, which
starts ``python -u -m pulumi.dynamic``) are all the real ones. Commands the Automation API does not wrap (``state
taint``, ``cancel``, ``stack export``) run the same CLI in the stack's workspace.
"""

import json
import os
import runpy
import shutil
import signal
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pulumi import automation as auto

from tests.support import FAKE_ENV, ROOT

BUILT_CLI = ROOT / ".cache" / "pulumi" / "bin" / "pulumi"
# Set (to anything but 0/false) by .ci/run: a missing CLI is then a failure of the tier, not a skip.
REQUIRE_VARIABLE = "FSX_BACKUP_COPY_REQUIRE_REAL_ENGINE"
TYPE = "pulumi-python:dynamic/fsx:BackupCopy"
Program = Callable[[], None]


def find_cli() -> Path | None:
    """The CLI ``make pulumi`` built, else a ``pulumi`` on PATH whose launcher for dynamic providers is beside it."""
    if BUILT_CLI.is_file() and (BUILT_CLI.parent / "pulumi-resource-pulumi-python").is_file():
        return BUILT_CLI
    found = shutil.which("pulumi")
    return Path(found).resolve() if found else None


def required() -> bool:
    return os.environ.get(REQUIRE_VARIABLE, "").lower() not in ("", "0", "false")


def cli_version(cli: Path) -> str:
    return subprocess.run([str(cli), "version"], capture_output=True, text=True, check=True, timeout=60).stdout.strip()


@dataclass
class CommandResult:
    """What one CLI command printed and how it ended."""

    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


@dataclass
class RealStack:
    """One stack in a local file backend of its own, run by the real CLI: the user's commands and their results."""

    cli: Path
    root: Path
    endpoint: str
    project: str = "fsx-real"
    name: str = "dr"
    time_scale: float = 0.01
    extra_env: dict[str, str] = field(default_factory=dict)
    program: Program | None = None
    # A project directory (Pulumi.yaml, Pulumi.<stack>.yaml, __main__.py) to run as it stands: copied into the
    # workspace, its config and defaults apply, and its __main__.py is the inline program.
    project_dir: Path | None = None
    marker: str = field(default_factory=lambda: uuid.uuid4().hex)
    outputs: list[str] = field(default_factory=list)
    echo: Callable[[str], None] | None = None  # also handed every line the CLI prints (make demo shows some)
    _stack: auto.Stack | None = None

    # -- set-up --------------------------------------------------------------------------------------------------
    @property
    def env(self) -> dict[str, str]:
        """The offline environment of every command: own PULUMI_HOME and file backend, dummy AWS credentials."""
        keep = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PULUMI_", "FSX_"))}
        return {
            **keep,
            **FAKE_ENV,
            "AWS_ENDPOINT_URL": self.endpoint,
            "FSX_BACKUP_COPY_TIME_SCALE": str(self.time_scale),
            "PULUMI_HOME": str(self.root / "home"),
            "PULUMI_BACKEND_URL": f"file://{self.root / 'backend'}",
            "PULUMI_CONFIG_PASSPHRASE": "real-engine-tests",
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
            "PULUMI_SKIP_CONFIRMATIONS": "true",
            "PULUMI_PYTHON_CMD": sys.executable,  # the launcher runs the provider host with the tests' interpreter
            "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep),
            "PATH": f"{self.cli.parent}{os.pathsep}{os.environ.get('PATH', '')}",
            # Lets the tests find (and end) provider processes the engine left behind, such as after a SIGKILL.
            "FSX_REAL_ENGINE_TEST": self.marker,
            **self.extra_env,
        }

    @property
    def work_dir(self) -> Path:
        return self.root / "work"

    @property
    def stack(self) -> auto.Stack:
        if self._stack is None:
            for folder in ("home", "backend"):
                (self.root / folder).mkdir(parents=True, exist_ok=True)
            if self.project_dir is not None:
                shutil.copytree(self.project_dir, self.work_dir, ignore=shutil.ignore_patterns("venv", "__pycache__"))
                self.project = yaml.safe_load((self.work_dir / "Pulumi.yaml").read_text())["name"]
                self.program = self.program or main_module(self.work_dir / "__main__.py")
            self.work_dir.mkdir(exist_ok=True)
            self._stack = auto.create_or_select_stack(
                self.name,
                project_name=self.project,
                program=self._run_program,
                opts=auto.LocalWorkspaceOptions(
                    work_dir=str(self.work_dir),
                    pulumi_home=str(self.root / "home"),
                    env_vars=self.env,
                    pulumi_command=auto.PulumiCommand(root=str(self.cli.parent.parent), skip_version_check=False),
                ),
            )
        return self._stack

    def _run_program(self) -> None:
        assert self.program is not None, "set RealStack.program before a command that runs it"
        self.program()

    def set_config(self, values: dict[str, str], secret: bool = False) -> None:
        for key, value in values.items():
            self.stack.set_config(key, auto.ConfigValue(value, secret=secret))

    def use_env(self, changes: dict[str, str]) -> None:
        """Run the next commands (the CLI and the provider it starts) with these variables changed."""
        self.stack.workspace.env_vars = {**self.env, **changes}

    def urn(self, name: str, type_: str = TYPE) -> str:
        return f"urn:pulumi:{self.name}::{self.project}::{type_}::{name}"

    # -- the user's commands -------------------------------------------------------------------------------------
    def _collect(self, line: str) -> None:
        self.outputs.append(line)
        if self.echo is not None:
            self.echo(line)

    def up(self, program: Program | None = None, **options: Any) -> auto.UpResult:
        if program is not None:
            self.program = program
        return self.stack.up(on_output=self._collect, on_error=self._collect, color="never", **options)

    def preview(self, program: Program | None = None, **options: Any) -> auto.PreviewResult:
        if program is not None:
            self.program = program
        return self.stack.preview(on_output=self._collect, on_error=self._collect, color="never", **options)

    def refresh(self, **options: Any) -> auto.RefreshResult:
        return self.stack.refresh(on_output=self._collect, on_error=self._collect, color="never", **options)

    def destroy(self, **options: Any) -> auto.DestroyResult:
        return self.stack.destroy(on_output=self._collect, on_error=self._collect, color="never", **options)

    def run(self, *args: str, check: bool = True, timeout: float = 300) -> CommandResult:
        """A CLI command in the stack's workspace, as a user types it (``pulumi state taint URN``...)."""
        self.stack  # noqa: B018 - the workspace and the stack must exist first
        done = subprocess.run(
            [str(self.cli), *args, "--stack", self.name, "--non-interactive"],
            cwd=self.work_dir,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        result = CommandResult(done.returncode, done.stdout, done.stderr)
        self.outputs.append(result.output)
        if check and done.returncode != 0:
            raise AssertionError(f"pulumi {' '.join(args)} exited {done.returncode}:\n{result.output}")
        return result

    # -- what the engine recorded --------------------------------------------------------------------------------
    def export(self) -> dict[str, Any]:
        """``pulumi stack export``: the deployment as the CLI hands it out (secrets encrypted)."""
        exported: dict[str, Any] = json.loads(self.run("stack", "export").stdout)
        return exported

    def resources(self) -> dict[str, dict[str, Any]]:
        """The stack's resources of this provider's type, by name."""
        found = self.export()["deployment"].get("resources") or []
        return {r["urn"].rsplit("::", 1)[-1]: r for r in found if r["type"] == TYPE}

    def pending_operations(self) -> list[dict[str, Any]]:
        pending: list[dict[str, Any]] = self.export()["deployment"].get("pending_operations") or []
        return pending

    def checkpoint_files(self) -> list[Path]:
        """The raw checkpoint files under the backend folder (and their backups), as they lie on disk."""
        return sorted(p for p in (self.root / "backend").rglob("*") if p.is_file() and ".json" in p.name)

    def lock_files(self) -> list[Path]:
        return sorted(p for p in (self.root / "backend" / ".pulumi" / "locks").rglob("*.json"))

    # -- processes -----------------------------------------------------------------------------------------------
    def provider_processes(self) -> list[int]:
        """PIDs of live processes started for this stack (provider hosts and launchers), found by their marker."""
        return [pid for pid, environ in _processes() if f"FSX_REAL_ENGINE_TEST={self.marker}".encode() in environ]

    def end_leftover_processes(self) -> None:
        for pid in self.provider_processes():
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                continue


def main_module(path: Path) -> Program:
    """A project's ``__main__.py`` as an inline program: run afresh each time the engine runs the program."""

    def program() -> None:
        runpy.run_path(str(path), run_name="__main__")

    return program


def _processes() -> Iterator[tuple[int, bytes]]:
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            yield int(entry.name), (entry / "environ").read_bytes()
        except OSError:
            continue


def cli_children(cli: Path) -> list[int]:
    """This process's child processes that run the CLI (the Automation API starts one per command)."""
    me = os.getpid()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            exe = os.readlink(entry / "exe")
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == me and Path(exe) == cli.resolve():
            found.append(int(entry.name))
    return found


class Background:
    """A command run in a thread, so that a test can act on the CLI while it runs (signal it, kill it)."""

    def __init__(self, action: Callable[[], Any]) -> None:
        self.result: Any = None
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(action,), daemon=True)
        self._thread.start()

    def _run(self, action: Callable[[], Any]) -> None:
        try:
            self.result = action()
        except BaseException as error:  # the command's failure is the test's to inspect
            self.error = error

    def join(self, timeout: float = 300) -> "Background":
        self._thread.join(timeout)
        assert not self._thread.is_alive(), "the command did not end in time"
        return self
