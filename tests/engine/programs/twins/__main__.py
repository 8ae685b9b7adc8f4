"""Two copies of one source with exactly the same inputs, under different names; config: sourceBackupId,
sourceRegion."""

import pulumi

from pulumi_fsx_backup_copy import BackupCopy

config = pulumi.Config()
twins = [
    BackupCopy(
        name,
        source_backup_id=config.require("sourceBackupId"),
        source_region=config.require("sourceRegion"),
        tags={"purpose": "dr"},
    )
    for name in ("twin-a", "twin-b")
]
