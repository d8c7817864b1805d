"""mypy --strict on every generated package, as users' CI would run it."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import ROOT

from clientsmith.config import load_targets

TARGETS = load_targets(ROOT / "pyproject.toml")


@pytest.mark.parametrize("target", TARGETS, ids=[t.distribution for t in TARGETS])
def test_mypy_strict_passes(target, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", str(tmp_path), target.package],
        cwd=target.output, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_on_fixture_package(mini_package, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", str(tmp_path), "mini"],
        cwd=mini_package, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
