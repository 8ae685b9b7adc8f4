"""``fsx-emulator``: serve the emulated FSx (and the rest of moto) on loopback for separate processes.

Prints one line when ready (``fsx-emulator listening on http://HOST:PORT``) and stops cleanly on SIGINT/SIGTERM.
"""

import argparse
import signal
import sys
import threading
from types import FrameType

from moto.server import ThreadedMotoServer

from . import control, install


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="fsx-emulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=5000, help="port to bind; 0 picks a free one (default: 5000)")
    parser.add_argument("--copy-seconds", type=float, help="copies take this many wall-clock seconds")
    parser.add_argument("--backup-seconds", type=float, help="CreateBackup backups take this many seconds")
    args = parser.parse_args(argv)

    install()
    if args.copy_seconds is not None:
        control.set_pace(seconds=args.copy_seconds)
    if args.backup_seconds is not None:
        control.set_pace(seconds=args.backup_seconds, model="fsx::backup")

    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)

    server = ThreadedMotoServer(ip_address=args.host, port=args.port, verbose=False)
    try:
        server.start()
    except OSError as error:
        print(f"fsx-emulator: cannot listen on {args.host}:{args.port}: {error.strerror}", file=sys.stderr)
        return 1
    host, port = server.get_host_and_port()
    print(f"fsx-emulator listening on http://{host}:{port}", flush=True)
    stop.wait()
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
