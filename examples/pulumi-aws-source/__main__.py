"""The source backup comes from pulumi_aws.fsx.Backup in the same program, so at preview time the copy's
source_backup_id is an Output that is not known yet: check lets it through, and the copy waits for the backup."""

import pulumi
import pulumi_aws as aws

from pulumi_fsx_backup_copy import BackupCopy

config = pulumi.Config()
source_region = pulumi.Config("aws").require("region")

backup = aws.fsx.Backup("nightly", file_system_id=config.require("fileSystemId"), tags={"schedule": "nightly"})

copy = BackupCopy(
    "nightly-dr",
    source_backup_id=backup.id,
    source_region=source_region,
    region=config.require("drRegion"),
    copy_tags=True,
    tags={"purpose": "disaster-recovery"},
)

pulumi.export("backupId", backup.id)
pulumi.export("copyId", copy.backup_id)
