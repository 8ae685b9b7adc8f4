"""Secret inputs through the real engine: a secret kmsKeyId, sourceBackupId and tag value are never in plain text
in `pulumi stack export`, in the raw checkpoint files under the backend folder, or in anything the CLI printed."""

from tests.cli import programs
from tests.cli.realengine import RealStack
from tests.support import FsxAccount

SOURCE, DR = "us-east-2", "us-west-2"
TAG_SECRET = "tag-value-that-is-secret-7d1e"


def test_secret_inputs_never_appear_in_plain_text(real_stack: RealStack, server_account: FsxAccount) -> None:
    source = server_account.source_backup(SOURCE)
    key = server_account.kms_key(DR, alias="alias/dr-secret")
    real_stack.set_config({"aws:region": DR})
    args = {
        "source_backup_id": source,
        "source_region": SOURCE,
        "kms_key_id": "alias/dr-secret",
        "tags": {"team": TAG_SECRET},
    }
    secret = frozenset({"source_backup_id", "kms_key_id", "tags"})
    program = programs.copies(programs.Copy("dr-copy", args, secret_args=secret))
    real_stack.up(program)
    [copy] = [b for b in server_account.backups() if b["SourceBackupId"] == source]
    assert copy["Tags"]["team"] == TAG_SECRET and copy["KmsKeyId"] == key["Arn"]  # the secrets did reach AWS

    real_stack.refresh()
    real_stack.up(program)  # a second up after the refresh rewrites the state from the provider's answers
    real_stack.preview(program, refresh=True)
    exported = real_stack.run("stack", "export").stdout
    on_disk = "".join(path.read_text(errors="replace") for path in real_stack.checkpoint_files())
    printed = "\n".join(real_stack.outputs)
    assert real_stack.checkpoint_files(), "the backend wrote no checkpoint"
    for value in (source, "alias/dr-secret", key["KeyId"], TAG_SECRET):
        assert value not in exported, f"{value} in pulumi stack export"
        assert value not in on_disk, f"{value} in a checkpoint file"
        assert value not in printed, f"{value} in the CLI's output"
    assert "ciphertext" in exported  # the secrets are there, encrypted
