"""boto3 clients, cached per Region, profile and endpoint, safe to share across the host's threads.

Retries use botocore's standard retry mode (throttling, 5xx, dropped connections), with more attempts than the
default 3 because a create may run for hours. Clients are never held by the provider object (they do not pickle).
"""

import functools
import os
import threading
from typing import Any

# boto3 and botocore.config are imported on the first client, not with this module: the dynamic host imports the
# provider for every command, and a preview, whose check and diff make no AWS call, would otherwise spend about a
# fifth of a second of each host's start importing them (s3transfer, urllib3, botocore's endpoint machinery).


@functools.cache
def retry_config() -> Any:
    from botocore.config import Config

    return Config(
        retries={"mode": "standard", "total_max_attempts": 8},
        connect_timeout=10,
        read_timeout=60,
        user_agent_extra="pulumi-fsx-backup-copy",
    )


_clients: dict[tuple[str, str, str | None, str | None], Any] = {}
_lock = threading.Lock()


def _endpoint(service: str) -> str | None:
    # botocore honours these by itself; they are part of the cache key so a changed endpoint gets a new client.
    return os.environ.get(f"AWS_ENDPOINT_URL_{service.upper()}") or os.environ.get("AWS_ENDPOINT_URL")


def client(service: str, region: str, profile: str | None) -> Any:
    key = (service, region, profile, _endpoint(service))
    cached = _clients.get(key)
    if cached is not None:
        return cached
    with _lock:  # boto3 sessions are not thread-safe while creating clients
        cached = _clients.get(key)
        if cached is None:
            import boto3.session

            session = boto3.session.Session(profile_name=profile) if profile else boto3.session.Session()
            cached = session.client(service, region_name=region, config=retry_config())
            _clients[key] = cached
        return cached


def cached_clients() -> int:
    """How many clients the cache holds: zero after work that must make no AWS call (check, diff's common case)."""
    return len(_clients)


def clear_cache() -> None:
    with _lock:
        _clients.clear()


def cache_key(fsx: Any) -> tuple[str, str, str | None, str | None] | int:
    """The cache's key for a client it made (service, Region, profile, endpoint); id() for any other client."""
    for key, cached in list(_clients.items()):
        if cached is fsx:
            return key
    return id(fsx)
