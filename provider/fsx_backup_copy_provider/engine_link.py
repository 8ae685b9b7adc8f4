"""Is the engine that asked for this create still there to receive its answer?

When a CI job kills the `pulumi` process, the provider host it started lives on (nothing stops it) and may finish
its create. Marking that copy `returned` would be wrong: the engine never recorded it, so the next `pulumi up`
would leave it alone as a kept copy and make a duplicate. The engine passes its own gRPC address as the host's
first argument (`pkg/resource/plugin/provider_plugin.go`, NewProvider; the dynamic host's `__main__` receives it
in sys.argv). A refused connection to it means the engine is gone; anything else (no address, port 0, a timeout)
is taken as "still there", so the check can only ever withhold the mark, never break a create.
"""

import socket
import sys

CONNECT_SECONDS = 1.0


def engine_address(argv: list[str] | None = None) -> tuple[str, int] | None:
    """The first ``host:port`` argument the host was started with, if any (port 0 is no address)."""
    for arg in (sys.argv if argv is None else argv)[1:]:
        host, sep, port = arg.rpartition(":")
        if sep and host and port.isdigit() and int(port) > 0:
            return host.strip("[]"), int(port)
    return None


def engine_is_gone(argv: list[str] | None = None) -> bool:
    address = engine_address(argv)
    if address is None:
        return False
    try:
        with socket.create_connection(address, timeout=CONNECT_SECONDS):
            return False
    except ConnectionRefusedError:
        return True
    except OSError:
        return False
