"""The README's template example is a template users copy: it must type-check on every shape of operation."""

from __future__ import annotations

import re

from conftest import FIXTURES, ROOT, mypy_strict

import pytest

from clientsmith.cli import main

EXAMPLE = FIXTURES / "override-templates" / "package" / "api" / "resource.py.jinja"


def test_the_readme_shows_the_worked_example_as_it_is():
    blocks = re.findall(r"```jinja\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
    assert EXAMPLE.read_text() in blocks


@pytest.mark.parametrize("spec", ["shapes.yaml", "paged/paged.yaml"])  # streams and empty bodies; pages
def test_the_example_type_checks_on_every_shape(spec, tmp_path):
    out = tmp_path / "out"
    assert main(["generate", "--spec", str(FIXTURES / spec), "--package", "shaped", "--output", str(out),
                 "--templates", str(FIXTURES / "override-templates"), "--no-cache"]) == 0
    assert "_trace.debug(" in (out / "shaped" / "api" / next(p.name for p in (out / "shaped" / "api").glob("[!_]*.py"))).read_text()
    checked = mypy_strict(out, "shaped")
    assert checked.returncode == 0, checked.stdout[-3000:]
