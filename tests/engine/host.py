"""The SDK's dynamic-provider host, ``python -u -m pulumi.dynamic``, as a separate process.

Started the way the CLI's ``pulumi-resource-pulumi-python`` starts it (working directory the program's folder,
PULUMI_PROJECT and PULUMI_CONFIG set by provider_plugin.go NewProvider); the port is the first line of its stdout.
Stopped the way the engine closes a plugin (plugin.go Close): SIGINT, a grace period, then a kill.
"""

import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import grpc
from pulumi.runtime.proto import provider_pb2_grpc


class DynamicHost:
    """One host process with its stdout/stderr drained into ``output`` (and passed to ``on_line`` as they come)."""

    def __init__(
        self,
        program_dir: Path,
        project: str,
        env: dict[str, str],
        output: list[str] | None = None,
        on_line: Callable[[str], None] | None = None,
    ) -> None:
        self.program_dir, self.env = program_dir, env
        self.output: list[str] = output if output is not None else []
        self.on_line = on_line  # e.g. the demo shows the host's log lines live
        self.process = subprocess.Popen(
            [sys.executable, "-u", "-m", "pulumi.dynamic", "127.0.0.1:0"],
            cwd=program_dir,
            env={**env, "PULUMI_PROJECT": project, "PULUMI_CONFIG": "{}"},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert self.process.stdout is not None and self.process.stderr is not None
        port_line = self.process.stdout.readline().decode().strip()  # the engine reads up to the first newline
        if not port_line.isdigit():
            self.process.kill()
            self.process.wait()
            raise RuntimeError(f"dynamic host did not print its port: {port_line!r}")
        self.port = int(port_line)
        self._drains = [
            threading.Thread(target=self._drain, args=(stream,), daemon=True)
            for stream in (self.process.stdout, self.process.stderr)
        ]
        for drain in self._drains:
            drain.start()
        self.channel = grpc.insecure_channel(f"127.0.0.1:{self.port}")
        self.stub = provider_pb2_grpc.ResourceProviderStub(self.channel)

    @property
    def pid(self) -> int:
        return self.process.pid

    def _drain(self, stream: Any) -> None:
        for line in iter(stream.readline, b""):
            text = line.decode(errors="replace").rstrip("\n")
            self.output.append(text)
            if self.on_line is not None:
                self.on_line(text)

    def stop(self) -> int:
        """Like the engine's Close: SIGINT, a grace period, then kill."""
        self.channel.close()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
        code = self.process.wait()
        for drain in self._drains:
            drain.join(timeout=5)
        return code

    def kill(self) -> None:
        """SIGKILL, as a CI runner that times out does: no cleanup of any kind."""
        self.process.kill()
        self.process.wait()
        self.channel.close()
