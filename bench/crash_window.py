"""8. The crash window left by the hand-over mark (provider/fsx_backup_copy_provider/claims.py), measured.

A crash between the moment FSx has marked the copy ``returned`` (create's last AWS call) and the moment the engine
has the Create answer leaves a copy that is not in state; the next ``up`` reports it, and never deletes it. This
measures that window through the real host: a loopback HTTP proxy between the host and the fsx-emulator process
notes when the answer to the marking TagResource leaves for the host, and the harness notes when the Create answer
arrives. What it cannot include is the CLI's own state write after that (a local file: milliseconds; a Pulumi Cloud
backend: a network round trip), so the real window is this plus one checkpoint write.
"""

import http.client
import os
import statistics
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlparse

from tests.engine import scenarios
from tests.support import FAKE_ENV, FsxAccount, start_emulator

ROUNDS = 15


class MarkTimer(ThreadingHTTPServer):
    """Forwards every request to the emulator and keeps when the answer to a marking TagResource was sent back."""

    daemon_threads = True

    def __init__(self, target: str) -> None:
        super().__init__(("127.0.0.1", 0), _Forward)
        self.target = urlparse(target)
        self.marks: list[float] = []
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Forward(BaseHTTPRequestHandler):
    server: MarkTimer

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        upstream = http.client.HTTPConnection(self.server.target.hostname or "", self.server.target.port, timeout=60)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
        upstream.request("POST", self.path, body, headers)
        answer = upstream.getresponse()
        payload = answer.read()
        self.send_response(answer.status)
        for key, value in answer.getheaders():
            if key.lower() not in ("transfer-encoding", "connection", "content-length"):
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)
        self.wfile.flush()
        if self.headers.get("X-Amz-Target", "").endswith(".TagResource") and b".returned" in body:
            with self.server.lock:
                self.server.marks.append(time.time())
        upstream.close()

    def log_message(self, format: str, *args: Any) -> None:
        return


def measure(account: FsxAccount, rounds: int = ROUNDS) -> dict[str, Any]:
    assert account.endpoint_url
    proxy = MarkTimer(account.endpoint_url)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    windows: list[float] = []
    try:
        for _ in range(rounds):
            account.controls.reset()
            proxied = FsxAccount(controls=account.controls, endpoint_url=account.endpoint_url)
            with scenarios.world(proxied, host_extra_env={"AWS_ENDPOINT_URL": proxy.url}) as w:
                before = len(proxy.marks)
                outcome = w.engine.up(w.goals(), skip_preview=True)
                assert not outcome.errors, outcome.errors
                [create] = [c for c in w.engine.recorder.calls if c.method == "Create"]
                assert len(proxy.marks) == before + 1, "one marking TagResource per create"
                windows.append((create.completed - proxy.marks[-1]) * 1000)
                w.engine.destroy(skip_preview=True)
    finally:
        proxy.shutdown()
    ordered = sorted(windows)
    return {
        "rounds": rounds,
        "median_ms": round(statistics.median(windows), 2),
        "p90_ms": round(ordered[int(0.9 * (len(ordered) - 1))], 2),
        "max_ms": round(ordered[-1], 2),
    }


def report(result: dict[str, Any]) -> str:
    return (
        f"8. Crash window after the hand-over mark (mark answered -> Create answer at the engine), {result['rounds']} "
        f"creates through the host: median {result['median_ms']} ms, p90 {result['p90_ms']} ms, max "
        f"{result['max_ms']} ms (plus the CLI's checkpoint write)"
    )


def main() -> dict[str, Any]:
    os.environ.update(FAKE_ENV)  # the harness's own calls to the emulator are signed with dummy credentials
    emulator = start_emulator()
    try:
        from fsx_emulator.client import EmulatorClient

        account = FsxAccount(controls=EmulatorClient(emulator.endpoint), endpoint_url=emulator.endpoint)
        result = measure(account)
    finally:
        emulator.stop()
    print(report(result))
    return result


if __name__ == "__main__":
    main()
