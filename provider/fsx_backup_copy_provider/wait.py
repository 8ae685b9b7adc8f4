"""Waiting until a copy is AVAILABLE: the waiter (waiter.py) wired to shared DescribeBackups, progress and heartbeat
lines, and what each way of not becoming AVAILABLE means for the user."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import pulumi
from botocore.exceptions import ClientError

from .context import Context
from .errors import BackupCopyError, calling
from .finder import BackupGone, find_backup
from .state import CopyInputs
from .waiter import CopyFailed, UnexpectedState, Waiter, WaitTimedOut


def discard(fsx: Any, inputs: CopyInputs, backup: Mapping[str, Any], why: str) -> None:
    try:
        fsx.delete_backup(BackupId=backup["BackupId"])
        pulumi.log.info(f"BackupCopy {inputs.label}: deleted {backup['BackupId']}, {why}")
    except ClientError as error:
        pulumi.log.warn(
            f"BackupCopy {inputs.label}: could not delete {backup['BackupId']} ({why}): "
            f"{error.response['Error']['Code']}; delete it once it is no longer in progress"
        )


def gone(inputs: CopyInputs, backup_id: str) -> BackupCopyError:
    return BackupCopyError(
        f"BackupCopy {inputs.label}: the copy {backup_id} was deleted by someone else while it was being made; run "
        "`pulumi up` again to make a new one."
    )


def copy_age(copy: Mapping[str, Any], wall_now: float) -> float:
    """Seconds since the copy's CreationTime (0 when unknown, or when clocks disagree and it looks new)."""
    created = copy.get("CreationTime")
    if isinstance(created, datetime):
        created = created.timestamp()
    if not isinstance(created, int | float):
        return 0.0
    return max(0.0, wall_now - float(created))


def _duration(seconds: float) -> str:
    minutes = int(seconds // 60)
    return f"{minutes // 60}h{minutes % 60:02d}m" if minutes >= 60 else f"{minutes}m{int(seconds % 60):02d}s"


class _Progress:
    """The lines a wait logs: a poll line at most every progress_log_interval, and a heartbeat when polls are sparse."""

    def __init__(self, ctx: Context, inputs: CopyInputs, copy: Mapping[str, Any]) -> None:
        self.ctx, self.inputs, self.copy, self.backup_id = ctx, inputs, copy, copy["BackupId"]
        self.last = float("-inf")

    def poll(self, backup: Mapping[str, Any], elapsed: float) -> bool:
        if self.ctx.clock.now() - self.last < self.ctx.progress_log_interval:
            return False
        self.last = self.ctx.clock.now()
        pulumi.log.info(
            f"BackupCopy {self.inputs.label}: {self.backup_id} {backup.get('Lifecycle')} "
            f"{backup.get('ProgressPercent') or 0}% after {elapsed:.0f}s"
        )
        return True

    def heartbeat(self, backup: Mapping[str, Any] | None, elapsed: float, remaining: float | None) -> None:
        self.last = self.ctx.clock.now()
        backup = backup or self.copy
        expected = f"; expected AVAILABLE in about {_duration(remaining)}" if remaining is not None else ""
        pulumi.log.info(
            f"BackupCopy {self.inputs.label}: {self.backup_id} still {backup.get('Lifecycle')} after "
            f"{_duration(elapsed)} ({backup.get('ProgressPercent') or 0}% at the last poll){expected}"
        )


def _waiter(ctx: Context, fsx: Any, inputs: CopyInputs, copy: Mapping[str, Any], deadline: float) -> Waiter:
    clock, backup_id = ctx.clock, copy["BackupId"]
    progress = _Progress(ctx, inputs, copy)

    def fetch() -> dict[str, Any]:
        if not ctx.share_describes:
            return find_backup(fsx, backup_id)
        return ctx.describes.fetch(fsx, backup_id, clock.now, ctx.describe_freshness())

    return Waiter(
        fetch=fetch,
        timeout=max(0.0, deadline - clock.now()),
        clock=clock,
        schedule=ctx.schedule,
        on_poll=progress.poll,
        age=copy_age(copy, ctx.wall()),
        heartbeat=ctx.heartbeat_interval,
        on_heartbeat=progress.heartbeat,
    )


def wait_available(ctx: Context, fsx: Any, inputs: CopyInputs, copy: dict[str, Any], deadline: float) -> dict[str, Any]:
    backup_id = copy["BackupId"]
    ctx.describes.watch(fsx, backup_id)
    try:
        with calling(inputs.label, f"DescribeBackups while waiting for {backup_id}", inputs.context()):
            return _waiter(ctx, fsx, inputs, copy, deadline).wait(copy)
    except CopyFailed as failure:
        discard(fsx, inputs, failure.backup, "which ended FAILED")
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
        raise gone(inputs, backup_id) from None
    finally:
        ctx.describes.unwatch(fsx, backup_id)
