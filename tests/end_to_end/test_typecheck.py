"""mypy --strict on every generated package, as users' CI would run it."""

from __future__ import annotations


import pytest

from conftest import ROOT, mypy_strict

from clientsmith.config import load_targets

TARGETS = load_targets(ROOT / "pyproject.toml")


@pytest.mark.parametrize("target", TARGETS, ids=[t.distribution for t in TARGETS])
def test_mypy_strict_passes(target, tmp_path):
    result = mypy_strict(target.output, target.package)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_on_fixture_package(mini_package, tmp_path):
    result = mypy_strict(mini_package, "mini")
    assert result.returncode == 0, result.stdout + result.stderr
