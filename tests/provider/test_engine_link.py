"""engine_link: a create withholds the `returned` mark only when the engine that started the host is provably gone."""

import socket

from fsx_backup_copy_provider.engine_link import engine_address, engine_is_gone


def test_the_engine_address_is_the_hosts_first_host_port_argument() -> None:
    assert engine_address(["__main__.py", "127.0.0.1:40123"]) == ("127.0.0.1", 40123)
    assert engine_address(["__main__.py", "--logtostderr", "[::1]:40123"]) == ("::1", 40123)
    assert engine_address(["__main__.py", "127.0.0.1:0"]) is None  # no engine to ask
    assert engine_address(["__main__.py"]) is None


def test_a_listening_engine_is_there_and_a_closed_port_is_gone() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        assert not engine_is_gone(["__main__.py", f"127.0.0.1:{port}"])
    assert engine_is_gone(["__main__.py", f"127.0.0.1:{port}"])  # the engine's process ended: refused


def test_without_an_address_the_engine_counts_as_there() -> None:
    assert not engine_is_gone(["__main__.py", "127.0.0.1:0"])
