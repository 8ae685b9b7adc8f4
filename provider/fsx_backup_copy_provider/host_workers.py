"""Widen the dynamic-provider host's worker pool, so a create waiting hours for its copy never holds up other calls.

Why: the Pulumi Python dynamic-provider host (``python -m pulumi.dynamic``, pulumi/dynamic/__main__.py ``main``)
serves every gRPC call from ``grpc.server(futures.ThreadPoolExecutor(max_workers=4))``, built before any provider is
loaded. A create holds its worker until the copy is AVAILABLE, so four long creates would leave a Check, Diff, Read,
Update or Delete of any other resource queued for hours, and copies would start four at a time. The engine itself
sends calls with unbounded parallelism.

What it relies on (all checked; anything else means the host is left alone with one log line saying why):
- the process's ``__main__`` module is ``pulumi.dynamic.__main__`` (the host the CLI starts for dynamic providers);
- exactly one ``grpc._server._Server`` object is alive (found through ``gc``, since ``main`` keeps it in a local);
- its ``_state.thread_pool`` is a ``concurrent.futures.ThreadPoolExecutor`` with an integer ``_max_workers``, and
  the thread calling this is one of that pool's threads (the pool really is the one serving the provider);
- the server sets no ``maximum_concurrent_rpcs`` (it would be a second bound, left as is).
Then the pool's ``_max_workers`` is raised (never lowered). ThreadPoolExecutor reads that attribute each time it
decides whether to start another thread (CPython's ``_adjust_thread_count``), and starts threads only when none is
idle, so an idle host keeps the threads it has.

How to turn it off: ``FSX_BACKUP_COPY_HOST_WORKERS=0``. ``FSX_BACKUP_COPY_HOST_WORKERS=N`` sets the pool's size
(default 256). It runs once per process, from ``BackupCopyProvider.configure``, which the host calls once per
process before any resource call reaches the provider.
"""

import gc
import os
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pulumi

from .context import Context

ENV = "FSX_BACKUP_COPY_HOST_WORKERS"
DEFAULT_WORKERS = 256
HOST_MODULE = "pulumi.dynamic.__main__"


def wanted_workers() -> int:
    """The pool size asked for: 0 turns the widening off."""
    raw = os.environ.get(ENV, "").strip()
    if not raw:
        return DEFAULT_WORKERS
    try:
        return max(0, int(raw))
    except ValueError:
        pulumi.log.warn(f"BackupCopy: {ENV}={raw!r} is not a whole number; using {DEFAULT_WORKERS}")
        return DEFAULT_WORKERS


def widen_host_workers(ctx: Context) -> str:
    """Widen the host's pool once per process; returns (and logs) what was done or why nothing was."""
    with ctx.lock:
        if not ctx.host_workers:
            ctx.host_workers.append(_widen(wanted_workers()))
            # Only a host left alone is worth a line in every deployment's output; success is the normal case.
            quiet = ctx.host_workers[0].startswith(("not in", "widened", "left at"))
            log: Callable[[str], None] = pulumi.log.debug if quiet else pulumi.log.info
            log(f"BackupCopy: host worker pool: {ctx.host_workers[0]}")
        return ctx.host_workers[0]


def _widen(workers: int) -> str:
    if workers == 0:
        return f"left alone ({ENV}=0)"
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    if getattr(spec, "name", None) != HOST_MODULE:
        return f"not in the dynamic-provider host ({HOST_MODULE}); nothing to widen"
    servers = [o for o in gc.get_objects() if _is_grpc_server(o)]
    if len(servers) != 1:
        return f"left alone: expected one gRPC server in the host, found {len(servers)}"
    state = getattr(servers[0], "_state", None)
    pool = getattr(state, "thread_pool", None)
    if not isinstance(pool, ThreadPoolExecutor) or not isinstance(getattr(pool, "_max_workers", None), int):
        return "left alone: the gRPC server's thread pool is not a ThreadPoolExecutor as expected"
    if threading.current_thread() not in getattr(pool, "_threads", ()):
        return "left alone: this call is not served by the gRPC server's thread pool"
    if getattr(state, "maximum_concurrent_rpcs", None) is not None:
        return "left alone: the gRPC server limits concurrent calls itself (maximum_concurrent_rpcs)"
    return _raise_max_workers(pool, workers)


def _is_grpc_server(candidate: Any) -> bool:
    kind = type(candidate)
    return kind.__name__ == "_Server" and kind.__module__ == "grpc._server"


def _raise_max_workers(pool: ThreadPoolExecutor, workers: int) -> str:
    before: int = pool._max_workers
    if before >= workers:
        return f"left at {before} workers (asked for {workers})"
    # submit() starts threads under this lock, reading _max_workers: change it under the same lock.
    with getattr(pool, "_shutdown_lock", threading.Lock()):
        pool._max_workers = workers
    return f"widened from {before} to {workers} workers, so long creates do not hold up other calls"
