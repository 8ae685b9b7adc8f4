"""One FSx backup copy in a DR Region, deployed and drift-checked by the workflow next to this program.

The create timeout (5 h 30 min) ends a long wait before the GitHub-hosted runner's 6-hour cap and the deploy job's
350 minutes do, so Pulumi, not the runner, decides when waiting stops: the copy keeps going in AWS and the next
deploy adopts it (README.md, "Timeouts").
"""

import pulumi

from pulumi_fsx_backup_copy import BackupCopy, BackupCopyArgs

config = pulumi.Config()

copy = BackupCopy(
    "dr-copy",
    BackupCopyArgs(
        source_backup_id=config.require("sourceBackupId"),
        source_region=config.require("sourceRegion"),
        kms_key_id=config.get("kmsKeyId"),
        tags={"purpose": "disaster-recovery", "managed-by": "pulumi"},
    ),
    opts=pulumi.ResourceOptions(custom_timeouts=pulumi.CustomTimeouts(create="5h30m", delete="1h")),
)

pulumi.export("copyId", copy.backup_id)
pulumi.export("copyArn", copy.arn)
