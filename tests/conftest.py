from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Iterator

import pytest

from loopback import LoopbackServer

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as srv:
        yield srv


def import_generated(output: Path, package: str):
    """Import a generated package from its output folder, fresh (no stale module from another test)."""
    for name in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
        del sys.modules[name]
    sys.path.insert(0, str(output))
    try:
        return importlib.import_module(package)
    finally:
        sys.path.remove(str(output))


@pytest.fixture(scope="session")
def mini_package(tmp_path_factory: pytest.TempPathFactory):
    """The small fixture spec, generated once per session."""
    from generator.config import ClientTarget
    from generator.pipeline import generate

    out = tmp_path_factory.mktemp("mini")
    generate(ClientTarget(FIXTURES / "mini", "mini", "mini", out), base=ROOT)
    return out
