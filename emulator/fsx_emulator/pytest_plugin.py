"""pytest plugin: ``pytest -p fsx_emulator.pytest_plugin`` gives any moto-based suite the emulator's FSx."""

from . import install

install()
