"""Nightly DR rotation: copies of the newest backups of one FSx file system in two Regions, the last 7 kept in each."""

from typing import Any

import pulumi

from pulumi_fsx_backup_copy import BackupCopyRotation

config = pulumi.Config()
regions: list[str] = config.get_object("drRegions") or ["us-west-2", "us-east-1"]
# Optional, per DR Region: {"us-west-2": "alias/fsx-dr", ...}; a Region without one gets the FSx-managed key.
kms_key_ids: dict[str, Any] = config.get_object("kmsKeyIds") or {}

rotation = BackupCopyRotation(
    "nightly",
    file_system_id=config.require("fileSystemId"),
    source_region=config.require("sourceRegion"),
    regions=regions,
    keep=config.get_int("keep") or 7,
    kms_key_ids=kms_key_ids,
    tags={"purpose": "disaster-recovery", "managed-by": "pulumi"},
    # Passed on to every copy. 5h keeps a run inside GitHub-hosted runners' 6h job limit; a copy still running
    # then is left running and adopted by the next night's run (see README.md).
    opts=pulumi.ResourceOptions(custom_timeouts=pulumi.CustomTimeouts(create="5h", delete="30m")),
)

pulumi.export("copies", rotation.copies)
