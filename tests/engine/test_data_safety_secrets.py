"""No KMS key reference, tag value or secret input appears in any log line, warning, error, check failure or in the
stored state (docs/reliability.md, property 6), with ``Output.secret(...)`` values through the engine harness:
the CLI masks only values from secret config, so the provider must never write them anywhere."""

import json
from typing import Any

import pytest

from tests.engine.harness import Engine, Goal, goals_from_program, host_env
from tests.engine.scenarios import DR_REGION, SOURCE_REGION
from tests.support import ROOT, FsxAccount

pytestmark = pytest.mark.engine
PROGRAM = ROOT / "tests" / "engine" / "programs" / "secrets"
TAG_SECRET = "hunter2-tag-secret"


def _config(source: str, kms: str) -> dict[str, Any]:
    values = {"sourceBackupId": source, "sourceRegion": SOURCE_REGION, "kmsKeyId": kms, "tagSecret": TAG_SECRET}
    values["secretSource"] = "true"
    return {"aws:region": DR_REGION, **{f"secrets:{k}": v for k, v in values.items()}}


def _goals(engine: Engine) -> list[Goal]:
    return goals_from_program(PROGRAM / "__main__.py", "secrets", "dr", engine.config)


def _found(value: Any, needle: str, path: str = "") -> list[str]:
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _found(v, needle, f"{path}.{k}")]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _found(v, needle, f"{path}[{i}]")]
    return [path] if isinstance(value, str) and needle in value else []


def test_secret_values_appear_in_no_log_line_error_check_failure_or_stored_state(server_account: FsxAccount) -> None:
    assert server_account.endpoint_url
    source = server_account.source_backup(SOURCE_REGION)
    key = server_account.kms_key(DR_REGION, alias="alias/secret-key")
    disabled = server_account.kms_key(DR_REGION, alias="alias/secret-disabled")
    server_account.client(DR_REGION, "kms").disable_key(KeyId=disabled["KeyId"])
    env = host_env(server_account.endpoint_url)
    engine = Engine(PROGRAM, "secrets", "dr", _config(source, "alias/secret-key"), env)
    goals = _goals(engine)
    assert goals[0].secret_inputs >= {"kmsKeyId", "sourceBackupId", "tags"}
    assert goals[0].inputs["secretInputs"] == ["kmsKeyId", "sourceBackupId", "tags"]  # the SDK tells the provider
    errors: list[str] = []

    assert not engine.up(goals).errors
    assert not engine.refresh().errors
    # A key KMS cannot resolve: the diff's DescribeKey warning, then the replacement's Check and CopyBackup failures.
    engine.config = _config(source, "alias/secret-missing")
    errors += engine.up(_goals(engine)).errors.values()
    engine.config = _config(source, "alias/secret-disabled")  # InvalidDestinationKmsKey, AWS's message quoting it
    errors += engine.up(_goals(engine)).errors.values()
    engine.config = _config(source, "not-a-key-reference-secret")  # a check failure about the value
    errors += engine.up(_goals(engine)).errors.values()
    engine.config = _config(source, "alias/secret-key")
    assert not engine.destroy().errors
    assert len(errors) == 3, errors
    assert any("kmsKeyId" in e for e in errors) and any("InvalidDestinationKmsKey" in e for e in errors)
    assert any("could not tell which key kmsKeyId names" in line for line in engine.output)

    secrets = ["secret-key", "secret-missing", "secret-disabled", "not-a-key-reference-secret", TAG_SECRET]
    secrets += [key["Arn"], key["KeyId"], disabled["KeyId"], source]
    written = {"log lines": engine.output, "errors": errors, "stored state": engine.stored_state()}
    assert "copying (secret sourceBackupId)" in json.dumps(engine.output)  # the property is named instead
    for secret in secrets:
        assert _found(written, secret) == [], f"{secret} written in plain text"
