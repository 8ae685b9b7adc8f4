"""Through the real engine: credentials for another account never drop a copy from state, and a secret that makes
a create fail is not quoted in the error, the CLI's output or the state."""

import pytest
from pulumi import automation as auto

from tests.cli import programs
from tests.cli.realengine import RealStack
from tests.engine.test_data_safety_requests import OTHER_ACCOUNT, other_account_credentials
from tests.support import ACCOUNT_ID, FsxAccount

SOURCE, DR = "us-east-2", "us-west-2"


def test_a_refresh_with_another_accounts_credentials_keeps_the_copy(
    real_stack: RealStack, server_account: FsxAccount
) -> None:
    source = server_account.source_backup(SOURCE)
    real_stack.set_config({"aws:region": DR})
    program = programs.copies(programs.Copy("dr-copy", {"source_backup_id": source, "source_region": SOURCE}))
    real_stack.up(program)
    copy = real_stack.resources()["dr-copy"]["id"]
    real_stack.use_env(other_account_credentials(server_account))

    with pytest.raises(auto.CommandError) as refreshed:
        real_stack.refresh()
    assert OTHER_ACCOUNT in str(refreshed.value) and ACCOUNT_ID in str(refreshed.value)
    assert real_stack.resources()["dr-copy"]["id"] == copy, "a refresh with the wrong account must keep the copy"

    real_stack.use_env({})  # the right account again
    real_stack.refresh()
    real_stack.up(program)
    assert [b["BackupId"] for b in server_account.backups() if b["SourceBackupId"] == source] == [copy]
    assert real_stack.resources()["dr-copy"]["id"] == copy


def test_a_secret_key_reference_that_fails_is_never_quoted(real_stack: RealStack, server_account: FsxAccount) -> None:
    source = server_account.source_backup(SOURCE)
    real_stack.set_config({"aws:region": DR})
    secret_alias = "alias/no-such-key-5f3a"
    args = {"source_backup_id": source, "source_region": SOURCE, "kms_key_id": secret_alias}
    with pytest.raises(auto.CommandError) as failed:
        real_stack.up(programs.copies(programs.Copy("dr-copy", args, secret_args=frozenset({"kms_key_id"}))))
    assert "kmsKeyId" in str(failed.value)  # the property is named instead
    printed = "\n".join(real_stack.outputs) + str(failed.value)
    on_disk = "".join(path.read_text(errors="replace") for path in real_stack.checkpoint_files())
    assert secret_alias not in printed and secret_alias not in on_disk
    assert [b for b in server_account.backups() if b["SourceBackupId"] == source] == []
