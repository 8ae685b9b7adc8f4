"""Copy an FSx backup into a DR Region, encrypted with a customer-managed key, and export the copy's id and ARN."""

import pulumi

from pulumi_fsx_backup_copy import BackupCopy, BackupCopyArgs

config = pulumi.Config()
tags: dict[str, str] = {"purpose": "disaster-recovery", "managed-by": "pulumi"}
tags.update(config.get_object("tags") or {})

copy = BackupCopy(
    "dr-copy",
    BackupCopyArgs(
        source_backup_id=config.require("sourceBackupId"),
        source_region=config.require("sourceRegion"),
        kms_key_id=config.get("kmsKeyId"),
        copy_tags=config.get_bool("copyTags") or False,
        tags=tags,
    ),
    opts=pulumi.ResourceOptions(custom_timeouts=pulumi.CustomTimeouts(create="8h", delete="1h")),
)

pulumi.export("copyId", copy.backup_id)
pulumi.export("copyArn", copy.arn)
