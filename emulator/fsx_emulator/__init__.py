"""A local Amazon FSx that implements CopyBackup like the real service, built on moto.

``install()`` makes ``moto.mock_aws()`` (and moto's server) use the emulator's FSx; the ``fsx-emulator`` console
script serves it over HTTP for separate processes.
"""

from . import control
from .install import install, is_installed

__all__ = ["control", "install", "is_installed"]
