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

from . import missing_extra


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
        from . import control, install, serving
    except ModuleNotFoundError as error:
        print(missing_extra("fsx-emulator", error), file=sys.stderr)
        return 2

    # From here on SIGINT/SIGTERM end the command cleanly, also while it is still starting.
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)

    # Bound before anything else starts, so a taken port ends the command at once with a non-zero status.
    try:
        listening = serving.bind(args.host, args.port)
    except serving.PortInUseError:
        print(
            f"fsx-emulator: port {args.port} on {args.host} is already in use (another fsx-emulator?); stop that "
            "process, or choose another port with --port (0 picks a free one)",
            file=sys.stderr,
        )
        return 1
    except OSError as error:
        print(f"fsx-emulator: cannot listen on {args.host}:{args.port}: {error.strerror or error}", file=sys.stderr)
        return 1

    install()
    if args.copy_seconds is not None:
        control.set_pace(seconds=args.copy_seconds)
    if args.backup_seconds is not None:
        control.set_pace(seconds=args.backup_seconds, model="fsx::backup")
    if args.record_responses:
        control.record_responses(True)

    server = serving.EmulatorServer(listening)
    server.start()
    host, port = server.address
    print(f"fsx-emulator listening on http://{host}:{port}", flush=True)
    stop.wait()
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
