"""N copies of one source into one Region; config: sourceBackupId, sourceRegion, count, tagged (how many of them
carry the tag "wave" with the value of config "wave")."""

import pulumi

from pulumi_fsx_backup_copy import BackupCopy

config = pulumi.Config()
tagged = config.get_int("tagged") or 0
copies = [
    BackupCopy(
        f"copy-{index:02d}",
        source_backup_id=config.require("sourceBackupId"),
        source_region=config.require("sourceRegion"),
        tags={"index": str(index), **({"wave": config.get("wave") or "1"} if index < tagged else {})},
    )
    for index in range(config.require_int("count"))
]
