"""Serve a local Amazon FSx (with CopyBackup) and the rest of moto over HTTP, for tools and separate processes.

Prints one line when ready ("fsx-emulator listening on http://HOST:PORT") and stops cleanly on SIGINT/SIGTERM.
Point boto3, the AWS CLI or Pulumi at it with AWS_ENDPOINT_URL=http://HOST:PORT. Test controls are under
/moto-api/fsx-emulator/ (see fsx_emulator.client.EmulatorClient).
"""

import argparse
import signal
import sys
import threading
from types import FrameType

from . import INSTALL_HINT


def parser() -> argparse.ArgumentParser:
    built = argparse.ArgumentParser(
        prog="fsx-emulator",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    built.add_argument("--host", default="127.0.0.1", help="address to bind (default: %(default)s)")
    built.add_argument("--port", type=int, default=5000, help="port to bind; 0 picks a free one (default: %(default)s)")
    built.add_argument(
        "--copy-seconds",
        type=float,
        default=None,
        help="copies take this many wall-clock seconds (default: none; each copy completes after 2 DescribeBackups "
        "calls)",
    )
    built.add_argument(
        "--backup-seconds",
        type=float,
        default=None,
        help="CreateBackup backups take this many wall-clock seconds (default: none; each backup completes after 1 "
        "DescribeBackups call)",
    )
    built.add_argument(
        "--record-responses",
        action="store_true",
        help="keep the raw FSx responses sent, for a test suite to check (default: off; also "
        "FSX_EMULATOR_RECORD_RESPONSES=1)",
    )
    return built


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        from moto.server import ThreadedMotoServer

        from . import control, install
    except ModuleNotFoundError as error:
        print(
            f"fsx-emulator needs the 'emulator' extra ({error.name} is not installed): {INSTALL_HINT}",
            file=sys.stderr,
        )
        return 2

    install()
    if args.copy_seconds is not None:
        control.set_pace(seconds=args.copy_seconds)
    if args.backup_seconds is not None:
        control.set_pace(seconds=args.backup_seconds, model="fsx::backup")
    if args.record_responses:
        control.record_responses(True)

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
