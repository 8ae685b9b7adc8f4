"""A local Amazon FSx that implements CopyBackup like the real service, built on moto.

``install()`` makes ``moto.mock_aws()`` (and moto's server) use the emulator's FSx; the ``fsx-emulator`` console
script serves it over HTTP for separate processes. Imports of moto are deferred until used, so a package installed
without the ``emulator`` extra can still say which extra to install instead of failing on import.
"""

import importlib
from types import ModuleType
from typing import Any

# The package is not on PyPI: the extra goes on whatever the package is installed from (README, Install).
INSTALL_HINT = "pip install '/path/to/pulumi-fsx-backup-copy[emulator]' (or the git URL or wheel you install it from)"

__all__ = ["INSTALL_HINT", "control", "install", "is_installed", "missing_extra"]


def missing_extra(what: str, error: ModuleNotFoundError) -> str:
    """What to tell a user whose ``what`` needs moto, which the ``emulator`` extra installs: the extra, not a trace."""
    module = (error.name or "moto").split(".")[0]
    return f"{what} needs the 'emulator' extra ({module} is not installed): {INSTALL_HINT}"


def install() -> None:
    from .installer import install as _install

    _install()


def is_installed() -> bool:
    from .installer import is_installed as _is_installed

    return _is_installed()


def __getattr__(name: str) -> Any:
    if name == "control":
        module: ModuleType = importlib.import_module(f"{__name__}.control")
        return module
    raise AttributeError(f"module 'fsx_emulator' has no attribute {name!r}")
