"""BackupCopyProvider: the pulumi.dynamic.ResourceProvider behind BackupCopy.

Pickled by reference (this module is importable and has no import-time side effects; the instance holds only the
stack config given to ``configure``), so the host in the user's virtualenv loads the installed code and fixes apply
without a ``__provider`` diff. CRUD functions end by re-reading the copy, like terraform-provider-aws's.
"""

import datetime
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pulumi
from botocore.exceptions import BotoCoreError, ClientError
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)

from . import aws, tagging
from .batching import SHARED_DESCRIBES
from .check import check_inputs
from .claims import CLAIM_TAG, RECORDED, Claim, claim_of, identity_hash, request_token
from .diff import diff_inputs
from .errors import ADVICE, BackupCopyError, describe_failure
from .finder import BackupGone, find_backup, find_copies_of
from .runtime import RUNTIME, backoff_delay
from .schema import APPLIED_INPUTS, INPUTS_BY_WIRE, SOURCE_TAGS
from .timeouts import Timeouts
from .validation import MAX_TAGS
from .waiter import CopyFailed, UnexpectedState, Waiter, WaitTimedOut

RETRYABLE_DELETE_ERRORS = frozenset({"BackupInProgress", "BackupBeingCopied", "BackupRestoring"})


@dataclass(frozen=True)
class CopyInputs:
    """Checked inputs of one resource, by meaning rather than wire name."""

    source_backup_id: str
    source_region: str
    region: str
    kms_key_id: str | None
    copy_tags: bool
    tags: dict[str, str]
    timeouts: Timeouts
    identity: str
    wire: dict[str, Any]

    @classmethod
    def from_props(cls, props: Mapping[str, Any]) -> "CopyInputs":
        region = props["region"]
        identity = props.get("resourceIdentity") or f"unnamed/{props['sourceBackupId']}"
        return cls(
            source_backup_id=props["sourceBackupId"],
            source_region=props.get("sourceRegion") or region,
            region=region,
            kms_key_id=props.get("kmsKeyId"),
            copy_tags=bool(props.get("copyTags")),
            tags=dict(props.get("tags") or {}),
            timeouts=Timeouts.from_input(props.get("customTimeouts")),
            identity=identity,
            wire={k: v for k, v in props.items() if k in INPUTS_BY_WIRE},
        )

    @property
    def label(self) -> str:
        return f"'{self.identity.rsplit('/', 1)[-1]}'"

    def context(self) -> dict[str, Any]:
        return {
            "source": self.source_backup_id,
            "source_region": self.source_region,
            "region": self.region,
            "kms": self.kms_key_id or "(FSx-managed key)",
        }

    def copy_request(self) -> dict[str, Any]:
        request: dict[str, Any] = {"SourceBackupId": self.source_backup_id, "CopyTags": self.copy_tags}
        if self.source_region != self.region:
            request["SourceRegion"] = self.source_region
        if self.kms_key_id:
            request["KmsKeyId"] = self.kms_key_id
        if self.tags:
            request["Tags"] = tagging.as_list(self.tags)
        return request


def _iso(value: Any) -> str | None:
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    return str(value) if value is not None else None


def outputs_of(backup: Mapping[str, Any], inputs: CopyInputs, source_tags: Mapping[str, str]) -> dict[str, Any]:
    """Every output, from the copy as FSx describes it; plus what diff needs (applied inputs, source tags)."""
    file_system = backup.get("FileSystem") or {}
    volume = backup.get("Volume") or {}
    return {
        "backupId": backup["BackupId"],
        "arn": backup.get("ResourceARN"),
        "lifecycle": backup.get("Lifecycle"),
        "progressPercent": backup.get("ProgressPercent"),
        "kmsKeyId": backup.get("KmsKeyId"),
        "tags": tagging.visible(tagging.as_map(backup.get("Tags"))),
        "fileSystemId": file_system.get("FileSystemId"),
        "fileSystemType": file_system.get("FileSystemType"),
        "volumeId": volume.get("VolumeId"),
        "resourceType": backup.get("ResourceType") or "FILE_SYSTEM",
        "ownerId": backup.get("OwnerId"),
        "creationTime": _iso(backup.get("CreationTime")),
        "backupType": backup.get("Type"),
        "sourceBackupId": backup.get("SourceBackupId") or inputs.source_backup_id,
        "sourceRegion": backup.get("SourceBackupRegion") or inputs.source_region,
        "region": inputs.region,
        "copyTags": inputs.copy_tags,
        # Tag values are left out: they may be secret, and only `tags` (whose secrecy the engine carries) holds them.
        APPLIED_INPUTS: {k: v for k, v in inputs.wire.items() if k != "tags"},
        SOURCE_TAGS: dict(source_tags),
    }


class BackupCopyProvider(ResourceProvider):
    # The provider captures nothing secret, so its serialized form need not be a secret (fewer secrets to
    # encrypt in state; pulumi/pulumi#15538).
    serialize_as_secret_always = False

    def configure(self, req: ConfigureRequest) -> None:
        self._config_region = req.config.get("aws:region")
        self._config_profile = req.config.get("aws:profile")

    # ------------------------------------------------------------------ settings
    def _default_region(self) -> str | None:
        config_region: str | None = getattr(self, "_config_region", None)
        return config_region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")

    def _fsx(self, region: str) -> Any:
        return aws.client("fsx", region, getattr(self, "_config_profile", None))

    # ------------------------------------------------------------------ check / diff
    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        inputs, failures = check_inputs(news, self._default_region())
        if _olds.get("sourceBackupId") and _olds.get("region") and _olds.get("resourceIdentity"):
            # The engine holds this resource in state: note which copy create must never adopt (see claims.py).
            recorded = CopyInputs.from_props(_olds)
            RECORDED.note(Claim.for_request(recorded.identity, recorded.copy_request()))
        return CheckResult(inputs, [CheckFailure(prop, reason) for prop, reason in failures])

    def diff(self, _id: str, _olds: dict[str, Any], _news: dict[str, Any]) -> DiffResult:
        difference = diff_inputs(_olds, _news)
        # Never None ("unknown"): that would make the engine diff __provider itself.
        return DiffResult(changes=difference.any, replaces=difference.replaces, stables=[], delete_before_replace=False)

    # ------------------------------------------------------------------ create
    def create(self, props: dict[str, Any]) -> CreateResult:
        inputs = CopyInputs.from_props(props)
        try:
            return self._create(inputs)
        except BackupCopyError as error:
            raise error.with_traceback(None) from None
        except (ClientError, BotoCoreError) as error:
            raise describe_failure(inputs.label, "CopyBackup", error, inputs.context()) from None

    def _create(self, inputs: CopyInputs) -> CreateResult:
        clock = RUNTIME.clock
        deadline = clock.now() + inputs.timeouts.create
        fsx = self._fsx(inputs.region)
        try:
            source = find_backup(self._fsx(inputs.source_region), inputs.source_backup_id)
        except BackupGone:
            raise BackupCopyError(
                f"BackupCopy {inputs.label}: CopyBackup failed with BackupNotFound: "
                + ADVICE["BackupNotFound"].format(**inputs.context())
            ) from None
        source_tags = tagging.as_map(source.get("Tags"))

        request = inputs.copy_request()
        claim = Claim.for_request(inputs.identity, request)
        copy, existing_ids = self._adoptable_copy(fsx, inputs, source, claim)
        # FSx allows 50 tags (the source's count too with CopyTags); the claim uses one when there is room.
        inherited = len(tagging.visible(source_tags)) if inputs.copy_tags else 0
        claimed = len(request.get("Tags", [])) + inherited < MAX_TAGS
        if copy is None:
            if claimed:
                request["Tags"] = [*request.get("Tags", []), {"Key": CLAIM_TAG, "Value": claim.tag_value()}]
            else:
                pulumi.log.warn(
                    f"BackupCopy {inputs.label}: no room for the provider's claim tag (50 tags in all); "
                    "if this create is interrupted, the next one cannot adopt the copy it started"
                )
            copy = self._start_copy(fsx, inputs, request, request_token(claim, existing_ids), deadline)
            pulumi.log.info(
                f"BackupCopy {inputs.label}: copying {inputs.source_backup_id} ({inputs.source_region}) "
                f"to {copy['BackupId']} ({inputs.region})"
            )
        else:
            pulumi.log.info(
                f"BackupCopy {inputs.label}: resuming {copy['BackupId']} ({copy['Lifecycle']}), left "
                "by an earlier create that did not finish"
            )

        copy = self._wait_available(fsx, inputs, copy, deadline)
        self._apply_tags(fsx, inputs, copy, source_tags)
        final = find_backup(fsx, copy["BackupId"])
        RECORDED.note(claim, final["BackupId"])  # from here on, this copy is the one the engine records
        return CreateResult(final["BackupId"], outputs_of(final, inputs, source_tags))

    def _adoptable_copy(
        self, fsx: Any, inputs: CopyInputs, source: Mapping[str, Any], claim: Claim
    ) -> tuple[dict[str, Any] | None, list[str]]:
        """A copy an interrupted create of this resource left, if one may be adopted; and the ids of all copies
        made for these inputs (they make the ClientRequestToken differ from theirs). See claims.py."""
        file_system_id = (source.get("FileSystem") or {}).get("FileSystemId")
        if not file_system_id:
            return None, []
        recorded = RECORDED.get(claim.identity)
        same: list[dict[str, Any]] = []
        for backup in find_copies_of(fsx, file_system_id):
            found = claim_of(backup)
            if found is None or found.identity != claim.identity:
                continue
            if backup.get("Lifecycle") == "FAILED":
                self._discard(fsx, inputs, backup, "a failed copy left by an earlier create")
            elif found == claim:
                same.append(backup)
            elif recorded is None:
                self._report_unmanaged(inputs, backup)
        same_ids = [b["BackupId"] for b in same]
        if recorded == claim:
            return None, same_ids  # `up --replace`: one of these is the copy in state
        usable = sorted(same, key=lambda b: str(b.get("CreationTime")), reverse=True)
        for extra in usable[1:]:
            self._report_unmanaged(inputs, extra)
        return (usable[0] if usable else None), same_ids

    def _report_unmanaged(self, inputs: CopyInputs, backup: Mapping[str, Any]) -> None:
        # Never deleted automatically: a copy kept by retainOnDelete or `pulumi state delete` looks the same as
        # one an interrupted create left, and deleting the former would lose data the user chose to keep.
        pulumi.log.warn(
            f"BackupCopy {inputs.label}: {backup['BackupId']} ({backup.get('Lifecycle')}) was made for this resource "
            "earlier (an interrupted create, or a copy kept by retainOnDelete) and is not managed by this stack; "
            "delete it if it is not needed"
        )

    def _discard(self, fsx: Any, inputs: CopyInputs, backup: Mapping[str, Any], why: str) -> None:
        try:
            fsx.delete_backup(BackupId=backup["BackupId"])
            pulumi.log.info(f"BackupCopy {inputs.label}: deleted {backup['BackupId']}, {why}")
        except ClientError as error:
            pulumi.log.warn(
                f"BackupCopy {inputs.label}: could not delete {backup['BackupId']} ({why}): "
                f"{error.response['Error']['Code']}; delete it once it is no longer in progress"
            )

    def _start_copy(
        self, fsx: Any, inputs: CopyInputs, request: dict[str, Any], token: str, deadline: float
    ) -> dict[str, Any]:
        clock = RUNTIME.clock
        attempt = 0
        while True:
            try:
                copy: dict[str, Any] = fsx.copy_backup(**request, ClientRequestToken=token)["Backup"]
                return copy
            except ClientError as error:
                if error.response["Error"]["Code"] != "ServiceLimitExceeded" or clock.now() >= deadline:
                    raise
            # botocore's retry modes leave ServiceLimitExceeded alone (it is a quota, not throttling) and cap
            # their backoff at 20 s; a copy slot frees up in minutes to hours, so back off longer, with jitter.
            delay = min(backoff_delay(attempt), max(0.0, deadline - clock.now()))
            attempt += 1
            pulumi.log.info(
                f"BackupCopy {inputs.label}: {inputs.region} already has the maximum of copies in "
                f"progress; trying again in {delay:.0f}s"
            )
            clock.sleep(delay)

    def _wait_available(self, fsx: Any, inputs: CopyInputs, copy: dict[str, Any], deadline: float) -> dict[str, Any]:
        clock = RUNTIME.clock
        backup_id = copy["BackupId"]
        last_log = [clock.now()]

        def report(backup: Mapping[str, Any], elapsed: float) -> None:
            if clock.now() - last_log[0] >= RUNTIME.progress_log_interval:
                last_log[0] = clock.now()
                pulumi.log.info(
                    f"BackupCopy {inputs.label}: {backup_id} {backup.get('Lifecycle')} "
                    f"{backup.get('ProgressPercent') or 0}% after {elapsed:.0f}s"
                )

        def fetch() -> dict[str, Any]:
            if not RUNTIME.share_describes:
                return find_backup(fsx, backup_id)
            return SHARED_DESCRIBES.fetch(fsx, backup_id, clock.now, RUNTIME.describe_freshness())

        waiter = Waiter(
            fetch=fetch,
            timeout=max(0.0, deadline - clock.now()),
            clock=clock,
            schedule=RUNTIME.schedule,
            on_poll=report,
        )
        SHARED_DESCRIBES.watch(fsx, backup_id)
        try:
            return waiter.wait(copy)
        except CopyFailed as failure:
            self._discard(fsx, inputs, failure.backup, "which ended FAILED")
            raise BackupCopyError(
                f"BackupCopy {inputs.label}: the copy {backup_id} ended FAILED: {failure.reason} The failed copy "
                "was deleted; run `pulumi up` again to make a new one."
            ) from None
        except WaitTimedOut as timeout:
            raise BackupCopyError(
                f"BackupCopy {inputs.label}: the copy {backup_id} is still {timeout.backup.get('Lifecycle')} "
                f"({timeout.backup.get('ProgressPercent') or 0}%) after the create timeout of "
                f"{inputs.timeouts.create:.0f}s. It was left running and is not lost: the next `pulumi up` adopts "
                "it and resumes waiting. Raise customTimeouts create for copies this large."
            ) from None
        except UnexpectedState as unexpected:
            raise BackupCopyError(
                f"BackupCopy {inputs.label}: the copy {backup_id} is in an unexpected state "
                f"{unexpected.backup.get('Lifecycle')}."
            ) from None
        except BackupGone:
            raise BackupCopyError(
                f"BackupCopy {inputs.label}: the copy {backup_id} was deleted by someone else "
                "while it was being made; run `pulumi up` again to make a new one."
            ) from None
        finally:
            SHARED_DESCRIBES.unwatch(fsx, backup_id)

    def _apply_tags(
        self, fsx: Any, inputs: CopyInputs, backup: Mapping[str, Any], source_tags: Mapping[str, str]
    ) -> None:
        wanted = tagging.desired(inputs.copy_tags, source_tags, inputs.tags)
        to_set, to_remove = tagging.changes(tagging.as_map(backup.get("Tags")), wanted)
        arn = backup["ResourceARN"]
        for start in range(0, len(to_remove), 50):  # the APIs take at most 50 per call
            fsx.untag_resource(ResourceARN=arn, TagKeys=to_remove[start : start + 50])
        items = tagging.as_list(to_set)
        for start in range(0, len(items), 50):
            fsx.tag_resource(ResourceARN=arn, Tags=items[start : start + 50])

    # ------------------------------------------------------------------ read / update / delete
    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        applied: Mapping[str, Any] = props.get(APPLIED_INPUTS) or props
        region = applied.get("region") or props.get("region") or self._default_region()
        if not region:
            raise BackupCopyError(f"BackupCopy {id_}: read failed: no Region. Pass region=..., or set aws:region.")
        fsx = self._fsx(region)
        try:
            backup = find_backup(fsx, id_)
        except BackupGone:
            return ReadResult(id_="", outs={})  # gone: refresh drops it, the next up recreates it
        except (ClientError, BotoCoreError) as error:
            raise describe_failure(f"'{id_}'", "DescribeBackups", error, {"region": region}) from None
        wire = {k: applied[k] for k in INPUTS_BY_WIRE if applied.get(k) is not None}
        if "sourceBackupId" not in wire:  # `get`: only the id and Region are known; describe the copy as it is
            wire.update(
                sourceBackupId=backup.get("SourceBackupId") or id_,
                sourceRegion=backup.get("SourceBackupRegion") or region,
                kmsKeyId=backup.get("KmsKeyId"),
            )
        wire["region"] = region
        inputs = CopyInputs.from_props(wire)
        return ReadResult(id_=backup["BackupId"], outs=outputs_of(backup, inputs, props.get(SOURCE_TAGS) or {}))

    def update(self, _id: str, _olds: dict[str, Any], _news: dict[str, Any]) -> UpdateResult:
        inputs = CopyInputs.from_props(_news)
        fsx = self._fsx(inputs.region)
        source_tags = _olds.get(SOURCE_TAGS) or {}
        try:
            backup = find_backup(fsx, _id)
            self._apply_tags(fsx, inputs, backup, source_tags)
            final = find_backup(fsx, _id)
        except BackupGone:
            raise BackupCopyError(
                f"BackupCopy {inputs.label}: the copy {_id} no longer exists (deleted outside "
                "Pulumi). Run `pulumi refresh`, then `pulumi up` to make a new copy."
            ) from None
        except (ClientError, BotoCoreError) as error:
            raise describe_failure(inputs.label, "updating tags", error, inputs.context()) from None
        return UpdateResult(outs=outputs_of(final, inputs, source_tags))

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        applied: Mapping[str, Any] = _props.get(APPLIED_INPUTS) or _props
        region = applied.get("region") or _props.get("region") or self._default_region() or ""
        label = f"'{str(applied.get('resourceIdentity') or _id).rsplit('/', 1)[-1]}'"
        timeout = Timeouts.from_input(applied.get("customTimeouts")).delete
        fsx = self._fsx(region)
        clock = RUNTIME.clock
        deadline = clock.now() + timeout
        attempt = 0
        identity = identity_hash(str(applied.get("resourceIdentity") or ""))
        while True:
            try:
                fsx.delete_backup(BackupId=_id)
                RECORDED.deleted(identity, _id)
                return
            except ClientError as error:
                code = error.response["Error"]["Code"]
                if code == "BackupNotFound":
                    RECORDED.deleted(identity, _id)
                    return  # already gone: the goal is reached
                if code not in RETRYABLE_DELETE_ERRORS:
                    raise describe_failure(label, "DeleteBackup", error, {"region": region}) from None
                if clock.now() >= deadline:
                    raise BackupCopyError(
                        f"BackupCopy {label}: DeleteBackup of {_id} failed with {code} for the whole delete "
                        f"timeout ({timeout:.0f}s): a copy is still being made from or into it. Run `pulumi destroy` "
                        "again once it finishes, or raise customTimeouts delete."
                    ) from None
            except BotoCoreError as error:
                raise describe_failure(label, "DeleteBackup", error, {"region": region}) from None
            delay = min(backoff_delay(attempt, base=5.0, cap=60.0), max(0.0, deadline - clock.now()))
            attempt += 1
            pulumi.log.info(f"BackupCopy {label}: {_id} cannot be deleted yet ({code}); trying again in {delay:.0f}s")
            clock.sleep(delay)
