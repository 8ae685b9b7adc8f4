"""boto3 clients, cached per Region, profile and endpoint, safe to share across the host's threads.

Retries use botocore's standard retry mode (throttling, 5xx, dropped connections), with more attempts than the
default 3 because a create may run for hours. Clients are never held by the provider object (they do not pickle).
"""

import os
import threading
from typing import Any

import boto3
from botocore.config import Config

RETRY_CONFIG = Config(
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
            session = boto3.session.Session(profile_name=profile) if profile else boto3.session.Session()
            cached = session.client(service, region_name=region, config=RETRY_CONFIG)
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
