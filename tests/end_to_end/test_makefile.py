"""`make generate` installs only what generating needs; `make test` adds the test tools and Prism, and says
what is missing when Node.js is."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT

MAKE = shutil.which("make")
pytestmark = pytest.mark.skipif(MAKE is None, reason="make is not installed")


def planned(target: str, tmp_path: Path) -> str:
    """The commands `make TARGET` would run on a fresh machine (a venv that does not exist yet)."""
    result = subprocess.run([MAKE, "-n", target, f"VENV={tmp_path / 'fresh-venv'}", f"NODE_STAMP={tmp_path / 'n'}"],
                            cwd=ROOT, capture_output=True, text=True, check=True)
    return result.stdout


def test_generate_installs_the_tool_only_and_test_adds_test_tools_and_prism(tmp_path):
    generate = planned("generate", tmp_path)
    assert "pip install --quiet -e ." in generate
    assert "[test]" not in generate and "npm" not in generate
    assert "clientsmith generate" in generate
    test = planned("test", tmp_path)
    assert "pip install --quiet -e '.[test]'" in test and "npm ci" in test and "pytest" in test


def test_setup_node_without_npm_says_what_to_install(tmp_path):
    for name in ("Makefile", "package.json", "package-lock.json"):
        shutil.copy(ROOT / name, tmp_path / name)
    empty = tmp_path / "bin"
    empty.mkdir()
    result = subprocess.run([MAKE, "setup-node"], cwd=tmp_path, capture_output=True, text=True,
                            env={"PATH": str(empty)})
    assert result.returncode != 0
    assert "make test needs Node.js and npm" in result.stdout + result.stderr
    assert not (tmp_path / "node_modules").exists()
