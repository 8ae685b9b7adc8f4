"""Serve moto's app (with the emulator's FSx) over HTTP on a socket bound in the caller's thread.

moto's ThreadedMotoServer binds inside its server thread: when the port is taken, werkzeug prints its own text and
ends that thread, and ``start()`` then waits forever for a readiness signal that never comes. Binding here, before
any thread starts, turns a taken port into an ``OSError`` the command can report and exit on.
"""

import errno
import socket
import threading

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import BaseWSGIServer, make_server, select_address_family


class PortInUseError(OSError):
    """Another process already listens on the address."""


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port`` (port 0 picks a free one); PortInUseError when the port is taken."""
    family = select_address_family(host, port)
    try:
        return socket.create_server((host, port), family=family, backlog=128)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise PortInUseError(error.errno, error.strerror) from None
        raise


class EmulatorServer:
    """moto's WSGI app served by a threaded werkzeug server in a background thread, on an already bound socket."""

    def __init__(self, listening: socket.socket) -> None:
        self._socket = listening
        host, port = listening.getsockname()[:2]
        app = DomainDispatcherApplication(create_backend_app)
        self._server: BaseWSGIServer = make_server(
            str(host), int(port), app, threaded=True, request_handler=MotoRequestHandler, fd=listening.fileno()
        )
        self._thread = threading.Thread(target=self._server.serve_forever, name="fsx-emulator", daemon=True)

    @property
    def address(self) -> tuple[str, int]:
        host, port = self._server.server_address[:2]
        return str(host), int(port)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join()
        self._server.server_close()
        self._socket.close()
