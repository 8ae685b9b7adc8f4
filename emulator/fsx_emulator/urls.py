"""FSx URLs routed to the emulator's response class (moto's own url_bases)."""

from moto.fsx.urls import url_bases

from .responses import EmulatedFSxResponse

__all__ = ["url_bases", "url_paths"]

url_paths = {
    "{0}/$": EmulatedFSxResponse.dispatch,
}
