"""The FSx state machine the emulator adds to moto: backups that progress, CopyBackup, faithful errors.

Domain rules live here; responses.py only translates the wire. Every rule cites its source in emulator/README.md;
rules marked [INFER] are choices where the documentation is silent, switchable in settings.py.
"""

import importlib
from types import ModuleType
from typing import Any, cast
from uuid import uuid4

from moto.fsx.models import Backup, FileSystem, FSxBackend, fsx_backends
from moto.kms.models import kms_backends
from moto.moto_api import state_manager
from moto.moto_api._internal.managed_state_model import ManagedState
from moto.utilities.utils import get_partition

from .exceptions import (
    BackupBeingCopied,
    BackupInProgress,
    BackupNotFound,
    BadRequest,
    FileSystemNotFound,
    IncompatibleParameterError,
    IncompatibleRegionForMultiAZ,
    InvalidDestinationKmsKey,
    InvalidRegion,
    InvalidSourceKmsKey,
    NotServiceResourceError,
    ResourceNotFound,
    ServiceLimitExceeded,
    SourceBackupUnavailable,
    UnsupportedOperation,
    VolumeNotFound,
)
from .state import LOCK, STATE

# moto state-manager model names; tests and the control API set their progression.
COPY_MODEL = "fsx::backup-copy"
BACKUP_MODEL = "fsx::backup"
DEFAULT_TRANSITIONS: dict[str, dict[str, Any]] = {
    COPY_MODEL: {"progression": "manual", "times": 2},
    BACKUP_MODEL: {"progression": "manual", "times": 1},
}

# The model enum's non-terminal states; FSx has added states after GA, so clients must not assume this is all.
IN_PROGRESS = frozenset({"PENDING", "CREATING", "TRANSFERRING", "COPYING"})
MAX_TAGS = 50
DEFAULT_FSX_KEY_ALIAS = "alias/aws/fsx"


def _new_backup_id() -> str:
    # Real ids are "backup-" and 17 hex digits (botocore examples; model pattern ^(backup-[0-9a-f]{8,})$).
    return f"backup-{uuid4().hex[:17]}"


def _new_file_system_id() -> str:
    # Real ids are "fs-" and 17 hex digits (botocore examples, e.g. fs-0123456789abcdef0); moto mints 8.
    return f"fs-{uuid4().hex[:17]}"


class EmulatedBackup(Backup, ManagedState):
    """A backup whose Lifecycle moves on by moto's state manager (ticks or wall-clock duration)."""

    def __init__(
        self,
        *,
        backend: "EmulatedFSxBackend",
        model_name: str,
        initial_state: str,
        file_system: dict[str, Any],
        kms_key_id: str,
        client_request_token: str | None,
        tags: list[dict[str, str]],
        source_backup_id: str | None = None,
        source_region: str | None = None,
        failure_message: str | None = None,
    ) -> None:
        # Backup.__init__ is not called: it mints 8-hex ids and a fixed CREATING state.
        ManagedState.__init__(self, model_name, transitions=[(initial_state, "AVAILABLE")])
        # The pace in force when the backup started: set_pace changes later backups, not this one.
        self.transition = dict(state_manager.get_transition(model_name))
        self.backend = backend
        self.backup_id = _new_backup_id()
        self.resource_arn = (
            f"arn:{backend.partition}:fsx:{backend.region_name}:{backend.account_id}:backup/{self.backup_id}"
        )
        self.file_system = file_system
        self.file_system_id = str(file_system.get("FileSystemId", ""))
        self.file_system_type = file_system.get("FileSystemType")
        self.volume_id: str | None = None
        self.backup_type = "USER_INITIATED"
        self.kms_key_id = kms_key_id
        self.client_request_token = client_request_token or ""
        self.source_backup_id = source_backup_id
        self.source_region = source_region
        self.failure_message = failure_message
        self.creation_time = STATE.stamp()
        self._created_at = STATE.clock()
        self.available_at: float | None = None
        if tags:
            backend.tagger.tag_resource(self.resource_arn, tags)

    @property
    def is_copy(self) -> bool:
        return self.source_backup_id is not None

    @property
    def status(self) -> str | None:
        """Lifecycle before failure is applied; adds a "duration" progression (seconds since creation)."""
        if self._status != "AVAILABLE" and self._pace_done():
            self._status = "AVAILABLE"
        if self._status == "AVAILABLE" and self.available_at is None:
            self.available_at = STATE.clock()
        return self._status

    @status.setter
    def status(self, value: str | None) -> None:
        self._status = value

    def _pace_done(self) -> bool:
        """Whether the pace this backup started with has run its course (moto's progressions plus duration)."""
        transition = self.transition
        progression = transition.get("progression")
        if progression == "immediate":
            return True
        if progression == "manual":
            return self._tick >= int(transition["times"])
        if progression in ("duration", "time"):
            return self._elapsed() >= float(transition["seconds"])
        return False

    @property
    def lifecycle(self) -> str:  # type: ignore[override]
        status = self.status or "AVAILABLE"
        if status == "AVAILABLE" and self.failure_message is not None:
            return "FAILED"
        return status

    @property
    def in_progress(self) -> bool:
        return self.lifecycle in IN_PROGRESS

    def _elapsed(self) -> float:
        return STATE.clock() - self._created_at

    def progress_percent(self) -> int:
        lifecycle = self.lifecycle
        if lifecycle == "AVAILABLE":
            return 100
        if lifecycle not in IN_PROGRESS or (self.is_copy and not STATE.settings.report_copy_progress):
            return 0
        transition = self.transition
        if transition.get("progression") in ("duration", "time"):
            fraction = self._elapsed() / max(float(transition["seconds"]), 1e-9)
        elif transition.get("progression") == "manual":
            fraction = self._tick / max(int(transition["times"]), 1)
        else:
            fraction = 0.0
        return min(99, int(fraction * 100))

    def to_dict(self) -> dict[str, Any]:
        lifecycle = self.lifecycle
        description: dict[str, Any] = {
            "BackupId": self.backup_id,
            "Lifecycle": lifecycle,
            "Type": self.backup_type,
            "ProgressPercent": self.progress_percent(),
            "CreationTime": self.creation_time,
            "KmsKeyId": self.kms_key_id,
            "ResourceARN": self.resource_arn,
            "Tags": self.backend.list_tags_for_resource(self.resource_arn),
            "FileSystem": self.file_system,
            "OwnerId": self.backend.account_id,
            "ResourceType": "FILE_SYSTEM",
        }
        if self.is_copy:
            description["SourceBackupId"] = self.source_backup_id
            description["SourceBackupRegion"] = self.source_region
        if lifecycle == "FAILED":
            description["FailureDetails"] = {"Message": self.failure_message}
        return description


def _copy_parameters(
    source_backup_id: str, source_region: str | None, kms_key_id: str | None, copy_tags: bool, tags: Any
) -> dict[str, Any]:
    """The request parameters a ClientRequestToken is bound to, by their wire names."""
    return {
        "SourceBackupId": source_backup_id,
        "SourceRegion": source_region,
        "KmsKeyId": kms_key_id,
        "CopyTags": copy_tags,
        "Tags": sorted((t["Key"], t.get("Value", "")) for t in tags or []),
    }


def _check_tag_keys(tags: list[dict[str, str]]) -> None:
    for tag in tags:
        if tag["Key"].startswith("aws:"):
            # Documented: the aws: prefix is reserved. The error code is not documented ([INFER] BadRequest).
            raise BadRequest(f"Tag key '{tag['Key']}' uses the reserved prefix 'aws:'.")


def _user_tag_count(tags: list[dict[str, str]]) -> int:
    # Documented: tags with the aws: prefix do not count against the per-resource limit.
    return sum(1 for t in tags if not t["Key"].startswith("aws:"))


class EmulatedFSxBackend(FSxBackend):
    """moto's FSxBackend with the documented FSx backup rules; swapped into moto's BackendDict by install()."""

    backups: dict[str, EmulatedBackup]  # type: ignore[assignment]

    def __init__(self, region_name: str, account_id: str) -> None:
        super().__init__(region_name, account_id)
        self.copy_tokens: dict[str, tuple[dict[str, Any], str]] = {}
        self.backup_tokens: dict[str, tuple[dict[str, Any], str]] = {}
        self.peak_copies_in_progress = 0

    @property
    def _url_module(self) -> ModuleType:
        # Explicit: moto derives it with str.rstrip("models"), which strips characters, not a suffix.
        return importlib.import_module("fsx_emulator.urls")

    def reset(self) -> None:
        super().reset()
        STATE.reset()

    # ---------------------------------------------------------------- lookups
    def get_backup(self, backup_id: str) -> EmulatedBackup:
        try:
            return self.backups[backup_id]
        except KeyError:
            raise BackupNotFound(backup_id) from None

    def _region_backends(self) -> list["EmulatedFSxBackend"]:
        """This account's FSx backends in the Regions that have been used."""
        return cast(list["EmulatedFSxBackend"], list(fsx_backends[self.account_id].values()))

    def copies_in_progress(self) -> int:
        return sum(1 for b in self.backups.values() if b.is_copy and b.in_progress)

    # ---------------------------------------------------------------- KMS
    def _kms(self, region: str) -> Any:
        return kms_backends[self.account_id][region]

    def default_kms_key_arn(self) -> str:
        """The Region's AWS-managed aws/fsx key, created on first use like AWS does."""
        kms = self._kms(self.region_name)
        key_id = kms.get_key_id_from_alias(DEFAULT_FSX_KEY_ALIAS)
        if key_id is None:
            key = kms.create_key(
                policy=None,
                key_usage="ENCRYPT_DECRYPT",
                key_spec="SYMMETRIC_DEFAULT",
                description="Default key that protects my FSx resources when no other key is defined",
                tags=None,
            )
            key.manager = "AWS"
            kms.create_alias(key.id, DEFAULT_FSX_KEY_ALIAS)
            key_id = key.id
        return str(kms.keys[key_id].arn)

    def _resolve_kms_key(self, key_ref: str, region: str) -> Any | None:
        """The enabled KMS key ``key_ref`` (id, key ARN, alias name, alias ARN) names in ``region``, or None."""
        if key_ref.startswith("arn:"):
            parts = key_ref.split(":")
            # moto ignores an ARN's Region and account; KMS keys are regional, so compare them here.
            if len(parts) < 6 or parts[3] != region or parts[4] != self.account_id:
                return None
        kms = self._kms(region)
        try:
            key_id = kms.any_id_to_key_id(key_ref)
        except (AttributeError, KeyError):
            return None
        key = kms.keys.get(key_id)
        if key is None or key.key_state != "Enabled" or key.key_spec != "SYMMETRIC_DEFAULT":
            # Documented: FSx accepts only symmetric keys.
            return None
        return key

    # ---------------------------------------------------------------- file systems
    def create_file_system(self, *args: Any, **kwargs: Any) -> FileSystem:
        """moto's file system, with an AWS-like 17-hex id and an ARN in this Region's partition."""
        with LOCK:
            file_system: FileSystem = super().create_file_system(*args, **kwargs)
            old_arn = file_system.resource_arn
            tags = self.tagger.list_tags_for_resource(old_arn)["Tags"]
            self.tagger.delete_all_tags_for_resource(old_arn)
            del self.file_systems[file_system.file_system_id]
            file_system.file_system_id = _new_file_system_id()
            file_system.dns_name = f"{file_system.file_system_id}.fsx.{self.region_name}.amazonaws.com"
            file_system.resource_arn = (
                f"arn:{self.partition}:fsx:{self.region_name}:{self.account_id}"
                f":file-system/{file_system.file_system_id}"
            )
            self.file_systems[file_system.file_system_id] = file_system
            if tags:
                self.tagger.tag_resource(file_system.resource_arn, tags)
            return file_system

    # ---------------------------------------------------------------- CreateBackup
    def create_backup(
        self,
        file_system_id: str,
        client_request_token: str | None,
        volume_id: str | None,
        tags: list[dict[str, str]] | None,
    ) -> EmulatedBackup:
        with LOCK:
            parameters = {"FileSystemId": file_system_id, "VolumeId": volume_id, "Tags": tags}
            if client_request_token and client_request_token in self.backup_tokens:
                existing = self._replay_token(self.backup_tokens, client_request_token, parameters)
                if existing is not None:
                    return existing
            if volume_id is not None:
                # Documented error; the emulator has no volumes (moto implements none), so every id is unknown.
                raise VolumeNotFound(volume_id)
            file_system = self.file_systems.get(file_system_id)
            if file_system is None:
                raise FileSystemNotFound(file_system_id)
            for other in self.backups.values():
                if not other.is_copy and other.file_system_id == file_system_id and other.in_progress:
                    # Documented (BackupInProgress): another backup of the file system is already under way.
                    raise BackupInProgress(
                        f"Backup '{other.backup_id}' of file system '{file_system_id}' is already in progress; "
                        "wait for it to finish before starting another."
                    )
            tags = tags or []
            _check_tag_keys(tags)
            fs_description = {k: v for k, v in file_system.to_dict().items() if k != "Tags"}
            fs_description.setdefault("Lifecycle", "AVAILABLE")
            kms_key = (
                self._resolve_kms_key(file_system.kms_key_id, self.region_name) if file_system.kms_key_id else None
            )
            backup = EmulatedBackup(
                backend=self,
                model_name=BACKUP_MODEL,
                initial_state="CREATING",
                file_system=fs_description,
                kms_key_id=kms_key.arn if kms_key is not None else self.default_kms_key_arn(),
                client_request_token=client_request_token,
                tags=tags,
            )
            self.backups[backup.backup_id] = backup
            if client_request_token:
                self.backup_tokens[client_request_token] = (parameters, backup.backup_id)
            return backup

    def _replay_token(
        self, registry: dict[str, tuple[dict[str, Any], str]], token: str, parameters: dict[str, Any]
    ) -> EmulatedBackup | None:
        """Documented for CreateBackup: same token and parameters → the same backup; else IncompatibleParameterError."""
        recorded, backup_id = registry[token]
        for name, value in parameters.items():
            if recorded.get(name) != value:
                raise IncompatibleParameterError(name)
        backup = self.backups.get(backup_id)
        if backup is None:
            del registry[token]
        return backup

    # ---------------------------------------------------------------- CopyBackup
    def copy_backup(
        self,
        source_backup_id: str,
        source_region: str | None,
        kms_key_id: str | None,
        copy_tags: bool,
        tags: list[dict[str, str]] | None,
        client_request_token: str | None,
    ) -> EmulatedBackup:
        with LOCK:
            parameters = _copy_parameters(source_backup_id, source_region, kms_key_id, copy_tags, tags)
            if client_request_token and client_request_token in self.copy_tokens:
                # [INFER] CopyBackup is modelled idempotent with a token; CreateBackup's documented rule applies.
                existing = self._replay_token(self.copy_tokens, client_request_token, parameters)
                if existing is not None:
                    return existing
            origin_region = source_region or self.region_name
            self._check_regions(origin_region)
            source_backend = cast("EmulatedFSxBackend", fsx_backends[self.account_id][origin_region])
            source = source_backend.get_backup(source_backup_id)
            self._check_source(source, origin_region)
            destination_key = self._destination_key(kms_key_id)
            merged_tags = self._copy_tags(source, copy_tags, tags or [])
            in_progress = self.copies_in_progress()
            if in_progress >= STATE.settings.max_copies_in_progress:
                # Documented limit; the Limit value is inferred from the ServiceLimit enum's name.
                raise ServiceLimitExceeded(
                    "TOTAL_IN_PROGRESS_COPY_BACKUPS",
                    f"You have reached the limit of {STATE.settings.max_copies_in_progress} backup copy requests "
                    f"in progress to {self.region_name}. Wait for a copy to finish and try again.",
                )
            copy = EmulatedBackup(
                backend=self,
                model_name=COPY_MODEL,
                initial_state="COPYING",
                file_system=dict(source.file_system),
                kms_key_id=destination_key,
                client_request_token=client_request_token,
                tags=merged_tags,
                source_backup_id=source_backup_id,
                source_region=origin_region,
                failure_message=self._take_planned_failure(source_backup_id),
            )
            self.backups[copy.backup_id] = copy
            if client_request_token:
                self.copy_tokens[client_request_token] = (parameters, copy.backup_id)
            self.peak_copies_in_progress = max(self.peak_copies_in_progress, in_progress + 1)
            return copy

    def _check_regions(self, origin_region: str) -> None:
        if origin_region not in fsx_backends[self.account_id].regions:
            raise InvalidRegion(f"The Region provided for SourceRegion is not valid: '{origin_region}'.")
        if get_partition(origin_region) != self.partition:
            raise InvalidRegion(
                f"The Region provided for SourceRegion ('{origin_region}') is in a different AWS partition "
                f"than the destination ('{self.region_name}')."
            )
        opt_in = STATE.settings.opt_in_regions
        if origin_region != self.region_name and (origin_region in opt_in or self.region_name in opt_in):
            # Documented restriction; [INFER] the error code.
            raise InvalidRegion("Cross-Region backup copies are not supported in opt-in Regions.")

    def _check_source(self, source: EmulatedBackup, origin_region: str) -> None:
        if source.lifecycle != "AVAILABLE":
            raise SourceBackupUnavailable(source.backup_id, source.lifecycle)
        fs_type = source.file_system.get("FileSystemType")
        if fs_type == "ONTAP":
            # Documented that ONTAP backups cannot be copied with CopyBackup; [INFER] the error code.
            raise UnsupportedOperation("Copying backups of Amazon FSx for NetApp ONTAP is not supported.")
        deployment = (source.file_system.get("WindowsConfiguration") or {}).get("DeploymentType")
        if (
            fs_type == "WINDOWS"
            and deployment == "MULTI_AZ_1"
            and (self.region_name in STATE.settings.regions_without_multi_az_windows)
        ):
            raise IncompatibleRegionForMultiAZ(
                f"Amazon FSx doesn't support Multi-AZ Windows File Server copy backup in {self.region_name}."
            )
        if self._resolve_kms_key(source.kms_key_id, origin_region) is None:
            raise InvalidSourceKmsKey(f"The KMS key of the source backup '{source.backup_id}' is not valid.")

    def _destination_key(self, kms_key_id: str | None) -> str:
        if kms_key_id is None:
            # Documented default: the FSx-managed key; [INFER] of the destination Region.
            return self.default_kms_key_arn()
        key = self._resolve_kms_key(kms_key_id, self.region_name)
        if key is None:
            raise InvalidDestinationKmsKey(
                f"The KMS key '{kms_key_id}' is not an enabled symmetric key in {self.region_name}."
            )
        return str(key.arn)

    def _copy_tags(self, source: EmulatedBackup, copy_tags: bool, tags: list[dict[str, str]]) -> list[dict[str, str]]:
        """Documented: CopyTags merges the source's tags; explicit Tags win on conflict; the sum is at most 50."""
        _check_tag_keys(tags)
        inherited = (
            [t for t in source.backend.list_tags_for_resource(source.resource_arn) if not t["Key"].startswith("aws:")]
            if copy_tags
            else []
        )
        merged = {t["Key"]: t.get("Value", "") for t in inherited}
        merged.update({t["Key"]: t.get("Value", "") for t in tags})
        counted = len(inherited) + len(tags) if STATE.settings.copy_tags_limit_counting == "sum" else len(merged)
        if counted > MAX_TAGS:
            # [INFER] the error code; the limit is documented.
            raise BadRequest(
                f"The copy would have {counted} tags (source tags plus Tags); at most {MAX_TAGS} are allowed."
            )
        return [{"Key": k, "Value": v} for k, v in merged.items()]

    def _take_planned_failure(self, source_backup_id: str) -> str | None:
        for planned in STATE.planned_failures:
            if planned.source_backup_id in (None, source_backup_id):
                STATE.planned_failures.remove(planned)
                return planned.message
        return None

    # ---------------------------------------------------------------- DescribeBackups / DeleteBackup
    def describe_backups(  # type: ignore[override]
        self,
        backup_ids: list[str] | None,
        filters: list[dict[str, Any]] | None = None,
        max_results: int | None = None,
        next_token: str | None = None,
    ) -> tuple[list[EmulatedBackup], str | None]:
        with LOCK:
            for backup_id in backup_ids or []:
                # Documented: "If any IDs aren't found, a BackupNotFound error occurs" (stock moto returns []).
                self.get_backup(backup_id)
            if backup_ids:
                filters = None  # Documented: BackupIds "overrides any filters".
            backups, token = FSxBackend.describe_backups(
                self, backup_ids=backup_ids, filters=filters, max_results=max_results, next_token=next_token
            )
            emulated = cast(list[EmulatedBackup], backups)
            for backup in emulated:
                backup.advance()  # moto's convention: every describe moves a managed state on one tick
            return emulated, token

    def delete_backup(self, backup_id: str, client_request_token: str | None) -> dict[str, Any]:
        with LOCK:
            backup = self.get_backup(backup_id)
            if backup.in_progress:
                # [INFER] deleting a copy (or backup) still in progress; BackupInProgress is the modelled fit.
                message = f"Backup '{backup_id}' is {backup.lifecycle}; wait until it finishes before deleting it."
                if STATE.settings.delete_in_progress_error == "BackupInProgress":
                    raise BackupInProgress(message)
                raise BadRequest(message)
            if self._being_copied(backup):
                raise BackupBeingCopied(backup_id)
            if backup.backup_type == "AWS_BACKUP":
                raise BadRequest(f"Backup '{backup_id}' was taken by AWS Backup and cannot be deleted in FSx.")
            del self.backups[backup_id]
            self.tagger.delete_all_tags_for_resource(backup.resource_arn)
            if STATE.settings.forget_token_on_delete:
                for registry in (self.copy_tokens, self.backup_tokens):
                    for token, (_, owner) in list(registry.items()):
                        if owner == backup_id:
                            del registry[token]
            return {"BackupId": backup_id, "Lifecycle": "DELETED"}

    def _being_copied(self, source: EmulatedBackup) -> bool:
        """Documented: a source cannot be deleted while a copy of it runs, nor for "a short delay" after."""
        grace = STATE.settings.being_copied_grace_seconds
        now = STATE.clock()
        for backend in self._region_backends():
            for copy in backend.backups.values():
                if copy.source_backup_id != source.backup_id or copy.source_region != self.region_name:
                    continue
                if copy.in_progress:
                    return True
                if copy.available_at is not None and now - copy.available_at < grace:
                    return True
        return False

    # ---------------------------------------------------------------- tags
    def _tagged_resource_arn(self, arn: str) -> str:
        if not arn.startswith("arn:") or arn.split(":")[2:3] != ["fsx"]:
            raise NotServiceResourceError(arn)
        known = {b.resource_arn for b in self.backups.values()} | {f.resource_arn for f in self.file_systems.values()}
        if arn not in known:
            raise ResourceNotFound(arn)
        return arn

    def tag_resource(self, arn: str, tags: dict[str, str]) -> None:
        with LOCK:
            self._tagged_resource_arn(arn)
            _check_tag_keys([{"Key": k, "Value": v} for k, v in tags.items()])
            merged = {t["Key"]: t["Value"] for t in self.list_tags_for_resource(arn)} | tags
            if _user_tag_count([{"Key": k, "Value": v} for k, v in merged.items()]) > MAX_TAGS:
                # Documented: at most 50 user tags per resource; [INFER] the error: TagResource's model lists
                # BadRequest, not ServiceLimitExceeded.
                message = f"A resource can have at most {MAX_TAGS} tags; this request would give it more."
                if STATE.settings.tag_limit_error == "ServiceLimitExceeded":
                    raise ServiceLimitExceeded("TOTAL_USER_TAGS", message)
                raise BadRequest(message)
            super().tag_resource(arn, tags)

    def untag_resource(self, arn: str, tag_keys: list[str]) -> None:
        with LOCK:
            self._tagged_resource_arn(arn)
            _check_tag_keys([{"Key": k, "Value": ""} for k in tag_keys])
            super().untag_resource(arn, tag_keys)

    def list_tags_for_resource(self, resource_arn: str) -> list[dict[str, str]]:
        self._tagged_resource_arn(resource_arn)
        return super().list_tags_for_resource(resource_arn)
