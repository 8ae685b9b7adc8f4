"""A copy with a secret kmsKeyId (from secret config) and one secret tag value; config: sourceBackupId,
sourceRegion, kmsKeyId (set as a secret), tagSecret, and secretSource (true: the source backup id is a secret too)."""

import pulumi

from pulumi_fsx_backup_copy import BackupCopy

config = pulumi.Config()
source: pulumi.Input[str] = (
    config.require_secret("sourceBackupId") if config.get_bool("secretSource") else config.require("sourceBackupId")
)
copy = BackupCopy(
    "secret-copy",
    source_backup_id=source,
    source_region=config.require("sourceRegion"),
    kms_key_id=config.require_secret("kmsKeyId"),
    tags={"purpose": "dr", "db-password": pulumi.Output.secret(config.require("tagSecret"))},
)
