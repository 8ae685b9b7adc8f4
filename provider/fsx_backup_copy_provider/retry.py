"""Retry one AWS call while it fails with given error codes, with capped jittered backoff, until a deadline.

botocore's retry modes cover throttling, 5xx and dropped connections (aws.py). These codes are different: FSx's
quota of copies in progress (ServiceLimitExceeded) and a backup that is busy (BackupInProgress, BackupBeingCopied,
BackupRestoring) clear in minutes to hours, not within botocore's 20 s backoff cap, so they get their own loop.
"""

from collections.abc import Callable
from typing import TypeVar

from botocore.exceptions import ClientError

from .context import Context

T = TypeVar("T")


class StillFailing(Exception):
    """The call kept failing with a retried code until the deadline; ``code`` is the last one."""

    def __init__(self, error: ClientError) -> None:
        self.error = error
        self.code: str = error.response["Error"]["Code"]
        super().__init__(self.code)


def retry_on_codes(
    ctx: Context,
    call: Callable[[], T],
    codes: frozenset[str],
    deadline: float,
    on_wait: Callable[[str, float], None],
    base: float = 5.0,
    cap: float = 300.0,
) -> T:
    """``call()``'s result; other errors propagate; StillFailing once ``deadline`` (clock seconds) has passed."""
    clock = ctx.clock
    attempt = 0
    while True:
        try:
            return call()
        except ClientError as error:
            code = error.response["Error"]["Code"]
            if code not in codes:
                raise
            if clock.now() >= deadline:
                raise StillFailing(error) from None
        delay = min(ctx.backoff_delay(attempt, base=base, cap=cap), max(0.0, deadline - clock.now()))
        attempt += 1
        on_wait(code, delay)
        clock.sleep(delay)
