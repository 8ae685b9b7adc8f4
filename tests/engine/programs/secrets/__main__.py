"""A copy with a secret kmsKeyId (from secret config) and one secret tag value; config: sourceBackupId,
sourceRegion, kmsKeyId (set as a secret), tagSecret."""

import pulumi

from pulumi_fsx_backup_copy import BackupCopy

config = pulumi.Config()
copy = BackupCopy(
    "secret-copy",
    source_backup_id=config.require("sourceBackupId"),
    source_region=config.require("sourceRegion"),
    kms_key_id=config.require_secret("kmsKeyId"),
    tags={"purpose": "dr", "db-password": pulumi.Output.secret(config.require("tagSecret"))},
)
