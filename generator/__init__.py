"""clientsmith: typed Python API clients from OpenAPI 3.x specs and fragment folders."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("clientsmith")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"

__all__ = ["__version__"]
