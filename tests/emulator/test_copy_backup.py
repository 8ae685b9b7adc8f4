"""CopyBackup and friends behave like the documented FSx service, in-process and over HTTP (the `account` fixture)."""

import re
import threading
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.support import ACCOUNT_ID, FsxAccount

SRC, DST = "us-east-2", "us-west-2"


def error_of(call: Any, **kwargs: Any) -> dict[str, Any]:
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    response: dict[str, Any] = caught.value.response
    return response


def test_cross_region_copy_reaches_available_and_looks_like_aws(account: FsxAccount) -> None:
    source = account.source_backup(SRC)
    fsx = account.client(DST)
    copy = fsx.copy_backup(SourceBackupId=source, SourceRegion=SRC)["Backup"]

    assert copy["Lifecycle"] == "COPYING"  # the response shows the initial state
    assert re.fullmatch(r"backup-[0-9a-f]{17}", copy["BackupId"])
    assert copy["Type"] == "USER_INITIATED"
    assert copy["OwnerId"] == ACCOUNT_ID
    assert copy["ResourceARN"] == f"arn:aws:fsx:{DST}:{ACCOUNT_ID}:backup/{copy['BackupId']}"
    assert copy["SourceBackupId"] == source and copy["SourceBackupRegion"] == SRC
    assert copy["KmsKeyId"].startswith(f"arn:aws:kms:{DST}:{ACCOUNT_ID}:key/")
    assert copy["FileSystem"]["FileSystemType"] == "LUSTRE"
    assert "CreationTime" in copy and copy["ProgressPercent"] == 0

    final = account.wait_available(DST, copy["BackupId"])
    assert final["Lifecycle"] == "AVAILABLE" and final["ProgressPercent"] == 100


def test_progress_rises_per_describe_in_tick_mode(account: FsxAccount) -> None:
    source = account.source_backup(SRC)
    account.controls.set_pace(ticks=4)
    fsx = account.client(DST)
    copy_id = fsx.copy_backup(SourceBackupId=source, SourceRegion=SRC)["Backup"]["BackupId"]
    seen = [fsx.describe_backups(BackupIds=[copy_id])["Backups"][0] for _ in range(4)]
    assert [b["Lifecycle"] for b in seen] == ["COPYING", "COPYING", "COPYING", "AVAILABLE"]
    assert [b["ProgressPercent"] for b in seen] == [25, 50, 75, 100]


def test_progress_can_be_hidden_like_a_service_that_reports_none(account: FsxAccount) -> None:
    source = account.source_backup(SRC)
    account.controls.set_pace(ticks=3)
    account.controls.configure(report_copy_progress=False)
    fsx = account.client(DST)
    copy_id = fsx.copy_backup(SourceBackupId=source, SourceRegion=SRC)["Backup"]["BackupId"]
    assert fsx.describe_backups(BackupIds=[copy_id])["Backups"][0]["ProgressPercent"] == 0


def test_in_region_copy_defaults_source_region(account: FsxAccount) -> None:
    source = account.source_backup(SRC)
    copy = account.client(SRC).copy_backup(SourceBackupId=source)["Backup"]
    assert copy["SourceBackupRegion"] == SRC
    assert copy["ResourceARN"].startswith(f"arn:aws:fsx:{SRC}:")


@pytest.mark.parametrize("source_region", ["cn-north-1", "us-gov-west-1", "mars-east-1"])
def test_cross_partition_or_unknown_region_is_invalid_region(account: FsxAccount, source_region: str) -> None:
    source = account.source_backup(SRC)
    error = error_of(account.client(DST).copy_backup, SourceBackupId=source, SourceRegion=source_region)
    assert error["Error"]["Code"] == "InvalidRegion"


def test_cross_region_copy_into_opt_in_region_is_refused(account: FsxAccount) -> None:
    source = account.source_backup(SRC)
    error = error_of(account.client("af-south-1").copy_backup, SourceBackupId=source, SourceRegion=SRC)
    assert error["Error"]["Code"] == "InvalidRegion"


def test_unknown_source_is_backup_not_found(account: FsxAccount) -> None:
    error = error_of(account.client(DST).copy_backup, SourceBackupId="backup-0123456789abcdef0", SourceRegion=SRC)
    assert error["Error"]["Code"] == "BackupNotFound"
    assert error["Error"]["Message"] == "Backup 'backup-0123456789abcdef0' does not exist."


def test_source_not_available_is_refused_with_its_id(account: FsxAccount) -> None:
    fsx = account.client(SRC)
    fs = fsx.create_file_system(FileSystemType="LUSTRE", StorageCapacity=1200, SubnetIds=["subnet-0123456789abcdef0"])
    creating = fsx.create_backup(FileSystemId=fs["FileSystem"]["FileSystemId"])["Backup"]["BackupId"]
    error = error_of(account.client(DST).copy_backup, SourceBackupId=creating, SourceRegion=SRC)
    assert error["Error"]["Code"] == "SourceBackupUnavailable"
    assert error["BackupId"] == creating


def test_ontap_source_is_unsupported(account: FsxAccount) -> None:
    source = account.source_backup(SRC, fs_type="ONTAP")
    error = error_of(account.client(DST).copy_backup, SourceBackupId=source, SourceRegion=SRC)
    assert error["Error"]["Code"] == "UnsupportedOperation"


def test_multi_az_windows_into_region_without_it(account: FsxAccount) -> None:
    account.controls.configure(regions_without_multi_az_windows=[DST])
    source = account.source_backup(SRC, fs_type="WINDOWS", windows_deployment="MULTI_AZ_1")
    error = error_of(account.client(DST).copy_backup, SourceBackupId=source, SourceRegion=SRC)
    assert error["Error"]["Code"] == "IncompatibleRegionForMultiAZ"


def test_disabled_source_key_is_invalid_source_kms_key(account: FsxAccount) -> None:
    key = account.kms_key(SRC)
    source = account.source_backup(SRC, kms_key_id=key["Arn"])
    account.client(SRC, "kms").disable_key(KeyId=key["KeyId"])
    error = error_of(account.client(DST).copy_backup, SourceBackupId=source, SourceRegion=SRC)
    assert error["Error"]["Code"] == "InvalidSourceKmsKey"


@pytest.mark.parametrize("form", ["id", "arn", "alias", "alias_arn"])
def test_destination_key_in_every_form_resolves_to_its_arn(account: FsxAccount, form: str) -> None:
    source = account.source_backup(SRC)
    key = account.kms_key(DST, alias="alias/dr-key")
    ref = {
        "id": key["KeyId"],
        "arn": key["Arn"],
        "alias": "alias/dr-key",
        "alias_arn": f"arn:aws:kms:{DST}:{ACCOUNT_ID}:alias/dr-key",
    }[form]
    copy = account.client(DST).copy_backup(SourceBackupId=source, SourceRegion=SRC, KmsKeyId=ref)["Backup"]
    assert copy["KmsKeyId"] == key["Arn"]


@pytest.mark.parametrize("problem", ["unknown_alias", "other_region", "disabled", "unknown_id"])
def test_bad_destination_key_is_invalid_destination_kms_key(account: FsxAccount, problem: str) -> None:
    source = account.source_backup(SRC)
    if problem == "unknown_alias":
        ref = "alias/nope"
    elif problem == "other_region":
        ref = account.kms_key(SRC)["Arn"]  # keys are regional: a source-Region key is not usable in DST
    elif problem == "disabled":
        key = account.kms_key(DST)
        account.client(DST, "kms").disable_key(KeyId=key["KeyId"])
        ref = key["Arn"]
    else:
        ref = "1234abcd-12ab-34cd-56ef-1234567890ab"
    error = error_of(account.client(DST).copy_backup, SourceBackupId=source, SourceRegion=SRC, KmsKeyId=ref)
    assert error["Error"]["Code"] == "InvalidDestinationKmsKey"


def test_sixth_copy_in_progress_hits_the_limit(account: FsxAccount) -> None:
    source = account.source_backup(SRC)
    account.controls.set_pace(ticks=100)
    fsx = account.client(DST)
    for _ in range(5):
        fsx.copy_backup(SourceBackupId=source, SourceRegion=SRC)
    error = error_of(fsx.copy_backup, SourceBackupId=source, SourceRegion=SRC)
    assert error["Error"]["Code"] == "ServiceLimitExceeded"
    assert error["Limit"] == "TOTAL_IN_PROGRESS_COPY_BACKUPS"
    # Other destination Regions have their own budget.
    account.client("eu-west-1").copy_backup(SourceBackupId=source, SourceRegion=SRC)
    assert account.controls.inspect()["peak_copies_in_progress"] == {DST: 5, "eu-west-1": 1}


def test_same_token_same_parameters_returns_the_same_copy(account: FsxAccount) -> None:
    source = account.source_backup(SRC)
    fsx = account.client(DST)
    first = fsx.copy_backup(SourceBackupId=source, SourceRegion=SRC, ClientRequestToken="tok-1")["Backup"]
    again = fsx.copy_backup(SourceBackupId=source, SourceRegion=SRC, ClientRequestToken="tok-1")["Backup"]
    assert again["BackupId"] == first["BackupId"]
    assert len([b for b in account.backups() if b["SourceBackupId"] == source]) == 1


def test_same_token_different_parameters_names_the_parameter(account: FsxAccount) -> None:
    source = account.source_backup(SRC)
    fsx = account.client(DST)
    fsx.copy_backup(SourceBackupId=source, SourceRegion=SRC, ClientRequestToken="tok-2")
    error = error_of(
        fsx.copy_backup, SourceBackupId=source, SourceRegion=SRC, ClientRequestToken="tok-2", CopyTags=True
    )
    assert error["Error"]["Code"] == "IncompatibleParameterError"
    assert error["Parameter"] == "CopyTags"


def test_same_token_from_many_threads_makes_one_copy(account: FsxAccount) -> None:
    source = account.source_backup(SRC)
    ids: list[str] = []

    def copy() -> None:
        # One client per thread: boto3 clients are thread-safe, but this also exercises the server's threads.
        fsx = FsxAccount(account.controls, account.endpoint_url).client(DST)
        ids.append(
            fsx.copy_backup(SourceBackupId=source, SourceRegion=SRC, ClientRequestToken="same")["Backup"]["BackupId"]
        )

    threads = [threading.Thread(target=copy) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(ids) == 8 and len(set(ids)) == 1


def test_copy_tags_merges_source_tags_and_explicit_tags_win(account: FsxAccount) -> None:
    source = account.source_backup(SRC, tags={"team": "storage", "env": "prod"})
    copy = account.client(DST).copy_backup(
        SourceBackupId=source, SourceRegion=SRC, CopyTags=True, Tags=[{"Key": "env", "Value": "dr"}]
    )["Backup"]
    assert {t["Key"]: t["Value"] for t in copy["Tags"]} == {"team": "storage", "env": "dr"}


def test_without_copy_tags_the_source_tags_stay_behind(account: FsxAccount) -> None:
    source = account.source_backup(SRC, tags={"team": "storage"})
    copy = account.client(DST).copy_backup(SourceBackupId=source, SourceRegion=SRC)["Backup"]
    assert copy.get("Tags", []) == []


def test_copy_tags_sum_over_fifty_is_refused(account: FsxAccount) -> None:
    source = account.source_backup(SRC, tags={f"s{i}": "v" for i in range(30)})
    tags = [{"Key": f"n{i}", "Value": "v"} for i in range(21)]
    error = error_of(account.client(DST).copy_backup, SourceBackupId=source, SourceRegion=SRC, CopyTags=True, Tags=tags)
    assert error["Error"]["Code"] == "BadRequest"


def test_describe_unknown_id_is_an_error_not_an_empty_list(account: FsxAccount) -> None:
    error = error_of(account.client(DST).describe_backups, BackupIds=["backup-0123456789abcdef0"])
    assert error["Error"]["Code"] == "BackupNotFound"
    assert error["Error"]["Message"] == "Backup 'backup-0123456789abcdef0' does not exist."


def test_delete_returns_deleted_and_the_backup_is_gone(account: FsxAccount) -> None:
    source = account.source_backup(SRC)
    fsx = account.client(DST)
    copy_id = fsx.copy_backup(SourceBackupId=source, SourceRegion=SRC)["Backup"]["BackupId"]
    account.wait_available(DST, copy_id)
    assert fsx.delete_backup(BackupId=copy_id)["Lifecycle"] == "DELETED"
    assert error_of(fsx.describe_backups, BackupIds=[copy_id])["Error"]["Code"] == "BackupNotFound"
    assert error_of(fsx.delete_backup, BackupId=copy_id)["Error"]["Code"] == "BackupNotFound"


def test_delete_of_copy_in_progress_and_of_source_being_copied(account: FsxAccount) -> None:
    source = account.source_backup(SRC)
    account.controls.set_pace(ticks=3)
    copy_id = account.client(DST).copy_backup(SourceBackupId=source, SourceRegion=SRC)["Backup"]["BackupId"]

    assert error_of(account.client(DST).delete_backup, BackupId=copy_id)["Error"]["Code"] == "BackupInProgress"
    being_copied = error_of(account.client(SRC).delete_backup, BackupId=source)
    assert being_copied["Error"]["Code"] == "BackupBeingCopied" and being_copied["BackupId"] == source

    account.wait_available(DST, copy_id)
    account.client(DST).delete_backup(BackupId=copy_id)
    account.client(SRC).delete_backup(BackupId=source)
    assert account.backups() == []


def test_copy_can_end_failed_with_details(account: FsxAccount) -> None:
    source = account.source_backup(SRC)
    account.controls.fail_next_copy("Source data could not be read.")
    copy_id = account.client(DST).copy_backup(SourceBackupId=source, SourceRegion=SRC)["Backup"]["BackupId"]
    final = account.wait_available(DST, copy_id)
    assert final["Lifecycle"] == "FAILED"
    assert final["FailureDetails"] == {"Message": "Source data could not be read."}

    other = account.client(DST).copy_backup(SourceBackupId=source, SourceRegion=SRC)["Backup"]["BackupId"]
    account.controls.fail_copy(other, "KMS grant revoked.")
    assert account.wait_available(DST, other)["FailureDetails"]["Message"] == "KMS grant revoked."


def test_tags_on_backups(account: FsxAccount) -> None:
    source = account.source_backup(SRC)
    fsx = account.client(SRC)
    arn = fsx.describe_backups(BackupIds=[source])["Backups"][0]["ResourceARN"]
    fsx.tag_resource(ResourceARN=arn, Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
    fsx.untag_resource(ResourceARN=arn, TagKeys=["a", "never-there"])
    assert fsx.list_tags_for_resource(ResourceARN=arn)["Tags"] == [{"Key": "b", "Value": "2"}]

    missing = arn.replace(source, "backup-0123456789abcdef0")
    assert error_of(fsx.tag_resource, ResourceARN=missing, Tags=[{"Key": "a", "Value": "1"}])["Error"]["Code"] == (
        "ResourceNotFound"
    )
    assert error_of(fsx.list_tags_for_resource, ResourceARN=missing)["Error"]["Code"] == "ResourceNotFound"
    assert error_of(fsx.untag_resource, ResourceARN=missing, TagKeys=["a"])["Error"]["Code"] == "ResourceNotFound"
    reserved = error_of(fsx.tag_resource, ResourceARN=arn, Tags=[{"Key": "aws:owner", "Value": "x"}])
    assert reserved["Error"]["Code"] == "BadRequest"
    too_many = [{"Key": f"k{i}", "Value": "v"} for i in range(50)]
    # TagResource's model lists BadRequest, not ServiceLimitExceeded, for a request it refuses.
    assert error_of(fsx.tag_resource, ResourceARN=arn, Tags=too_many)["Error"]["Code"] == "BadRequest"


@pytest.mark.parametrize("error", ["ThrottlingException", "InternalServerError", "DropConnection"])
def test_injected_faults_are_retried_by_botocore(account: FsxAccount, error: str) -> None:
    source = account.source_backup(SRC)
    account.controls.inject_fault("CopyBackup", error, count=2)
    response = account.client(DST, attempts=3).copy_backup(SourceBackupId=source, SourceRegion=SRC)
    assert response["ResponseMetadata"]["RetryAttempts"] == 2
    assert account.controls.inspect()["faults_injected"] == {"CopyBackup": 2}
    assert len([b for b in account.backups() if b["SourceBackupId"] == source]) == 1


def test_injected_fault_surfaces_once_retries_run_out(account: FsxAccount) -> None:
    account.controls.inject_fault("DescribeBackups", "ThrottlingException", count=5)
    error = error_of(account.client(DST, attempts=2).describe_backups)
    assert error["Error"]["Code"] == "ThrottlingException"
    assert account.controls.inspect()["faults_pending"][0]["remaining"] == 3


def test_created_backups_reach_available(account: FsxAccount) -> None:
    account.controls.set_pace(ticks=2, model="fsx::backup")
    fsx = account.client(SRC)
    fs = fsx.create_file_system(FileSystemType="OPENZFS", StorageCapacity=64, SubnetIds=["subnet-0123456789abcdef0"])
    backup_id = fsx.create_backup(FileSystemId=fs["FileSystem"]["FileSystemId"])["Backup"]["BackupId"]
    assert [account.lifecycle(SRC, backup_id) for _ in range(2)] == ["CREATING", "AVAILABLE"]


def test_create_backup_of_unknown_file_system(account: FsxAccount) -> None:
    error = error_of(account.client(SRC).create_backup, FileSystemId="fs-0123456789abcdef0")
    assert error["Error"]["Code"] == "FileSystemNotFound"


def test_concurrent_copies_never_exceed_the_limit(account: FsxAccount) -> None:
    source = account.source_backup(SRC)
    account.controls.set_pace(ticks=1000)
    outcomes: list[str] = []

    def copy() -> None:
        fsx = FsxAccount(account.controls, account.endpoint_url).client(DST)
        try:
            fsx.copy_backup(SourceBackupId=source, SourceRegion=SRC)
            outcomes.append("copied")
        except ClientError as error:
            outcomes.append(error.response["Error"]["Code"])

    threads = [threading.Thread(target=copy) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ServiceLimitExceeded"] * 11 + ["copied"] * 5
    assert account.controls.inspect()["peak_copies_in_progress"] == {DST: 5}


def test_hold_response_carries_out_the_call_and_answers_late(account: FsxAccount) -> None:
    source = account.source_backup(SRC)
    account.controls.inject_fault("CopyBackup", "HoldResponse", message="0.3")
    copy = account.client(DST).copy_backup(SourceBackupId=source, SourceRegion=SRC)["Backup"]
    assert [b["BackupId"] for b in account.backups() if b["SourceBackupId"] == source] == [copy["BackupId"]]
    assert account.controls.inspect()["calls"]["CopyBackup"] == 1
