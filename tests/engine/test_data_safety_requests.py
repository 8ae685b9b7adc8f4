"""The same create sends the same ClientRequestToken in any host process, whatever order its tags reach it in; and
credentials for another account never drop a copy from state (docs/reliability.md, properties 11 and 12)."""

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tests.engine import scenarios
from tests.engine.harness import Goal
from tests.engine.scenarios import DR_REGION
from tests.support import ACCOUNT_ID, FsxAccount

pytestmark = pytest.mark.engine
OTHER_ACCOUNT = "210987654321"


class _Recording(ThreadingHTTPServer):
    def __init__(self, target: str) -> None:
        super().__init__(("127.0.0.1", 0), _Forward)
        self.target = target
        self.copy_requests: list[dict[str, Any]] = []

    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Forward(BaseHTTPRequestHandler):
    """Forwards every request to the emulator unchanged and keeps the body of each CopyBackup."""

    server: _Recording

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.headers.get("X-Amz-Target", "").endswith(".CopyBackup"):
            self.server.copy_requests.append(json.loads(body))
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
        request = urllib.request.Request(self.server.target + self.path, body, headers, method="POST")
        try:
            with urllib.request.urlopen(request) as answer:
                status, answer_headers, payload = answer.status, answer.headers.items(), answer.read()
        except urllib.error.HTTPError as error:
            status, answer_headers, payload = error.code, error.headers.items(), error.read()
        self.send_response(status)
        for key, value in answer_headers:
            if key.lower() not in ("content-length", "transfer-encoding", "connection", "date", "server"):
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        return


@contextmanager
def recording_proxy(target: str) -> Iterator[_Recording]:
    proxy = _Recording(target)
    thread = threading.Thread(target=proxy.serve_forever, daemon=True)
    thread.start()
    try:
        yield proxy
    finally:
        proxy.shutdown()
        proxy.server_close()


def with_tags(goals: list[Goal], tags: dict[str, str]) -> list[Goal]:
    for goal in goals:
        goal.inputs["tags"] = dict(tags)
    return goals


def test_the_same_create_in_two_host_processes_sends_the_same_token_whatever_the_tag_order(
    server_account: FsxAccount,
) -> None:
    """Two creates of the same resource, each in its own host, the tags registered in opposite orders; FSx refuses
    both (an injected BadRequest), so neither finds a copy of the other and each sends its own first request."""
    assert server_account.endpoint_url
    tags = {f"tag-{letter}": f"value-{letter}" for letter in "kbhaeicjfdg"}
    with (
        recording_proxy(server_account.endpoint_url) as proxy,
        scenarios.world(server_account, host_extra_env={"AWS_ENDPOINT_URL": proxy.url()}) as w,
    ):
        server_account.controls.inject_fault("CopyBackup", "BadRequest", count=2)
        for order in (list(tags.items()), list(reversed(tags.items()))):
            outcome = w.engine.up(with_tags(w.goals(), dict(order)), skip_preview=True)
            assert outcome.errors, "the injected BadRequest must fail the create"
        first, second = proxy.copy_requests
        assert first["ClientRequestToken"] == second["ClientRequestToken"]
        assert first["Tags"] == second["Tags"] and [t["Key"] for t in first["Tags"]][:-1] == sorted(tags)
        assert len(set(w.engine.host_pids)) == 2 and w.copies() == []


def other_account_credentials(account: FsxAccount) -> dict[str, str]:
    """Credentials for another account, as moto's STS hands them out (its FSx then serves that account)."""
    sts = account.client(DR_REGION, "sts")
    role = f"arn:aws:iam::{OTHER_ACCOUNT}:role/dr-restore"
    credentials = sts.assume_role(RoleArn=role, RoleSessionName="wrong-account")["Credentials"]
    return {
        "AWS_ACCESS_KEY_ID": credentials["AccessKeyId"],
        "AWS_SECRET_ACCESS_KEY": credentials["SecretAccessKey"],
        "AWS_SESSION_TOKEN": credentials["SessionToken"],
    }


def names_both_accounts(errors: dict[str, str]) -> bool:
    return bool(errors) and all(OTHER_ACCOUNT in e and ACCOUNT_ID in e for e in errors.values())


def test_credentials_for_another_account_never_drop_or_orphan_a_copy(server_account: FsxAccount) -> None:
    with scenarios.world(server_account) as w:
        scenarios.up_creates(w)
        copy = w.engine.state[w.urn].id
        own_env = dict(w.engine.env)
        w.engine.env = {**own_env, **other_account_credentials(server_account)}

        refreshed = w.engine.refresh()
        assert names_both_accounts(refreshed.errors), refreshed.errors
        assert w.engine.state[w.urn].id == copy, "a refresh with the wrong account must keep the copy in state"
        updated = w.engine.up(w.goals(tags={"team": "storage"}))
        assert names_both_accounts(updated.errors), updated.errors
        destroyed = w.engine.destroy()
        assert names_both_accounts(destroyed.errors), destroyed.errors
        assert w.engine.state[w.urn].id == copy and [c["BackupId"] for c in w.copies()] == [copy]

        w.engine.env = own_env  # the right account again: everything works, nothing was duplicated
        assert not w.engine.refresh().errors and w.engine.state[w.urn].id == copy
        assert not w.engine.destroy().errors and w.copies() == []
