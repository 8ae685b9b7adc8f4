"""Swap the emulator's backend class into moto's FSx BackendDict (no fork, no change to moto's own classes)."""

import threading

from moto.fsx.models import fsx_backends
from moto.moto_api import state_manager
from moto.moto_server.werkzeug_app import UNSIGNED_REQUESTS

from . import wire
from .control import register_endpoints
from .models import DEFAULT_TRANSITIONS, EmulatedFSxBackend

_lock = threading.Lock()


def install() -> None:
    """Idempotent. Existing FSx state is dropped, because stock backends cannot follow the emulator's rules."""
    with _lock:
        if fsx_backends.backend is not EmulatedFSxBackend:
            fsx_backends.backend = EmulatedFSxBackend
            fsx_backends.clear()
        for model, transition in DEFAULT_TRANSITIONS.items():
            state_manager.register_default_transition(model, transition)
        register_endpoints()
        # moto's server routes an unsigned request by its X-Amz-Target only for services it lists; without this,
        # an unsigned FSx request would be answered as S3 ListBuckets. FSx answers it (with an auth error).
        UNSIGNED_REQUESTS.setdefault(wire.target_prefix(), ("fsx", "us-east-1"))


def is_installed() -> bool:
    return fsx_backends.backend is EmulatedFSxBackend
