"""Versions of the tools whose output decides what a run produces: every cache key names them."""

from __future__ import annotations

import sys
from importlib.metadata import version


def validator_version() -> str:
    return version("openapi-spec-validator")


def models_version() -> str:
    return version("datamodel-code-generator")


def python_version() -> str:
    return "python-%d.%d" % sys.version_info[:2]
