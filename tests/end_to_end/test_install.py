"""`pip install .` (not editable) into a fresh venv gives a working CLI with its built-in templates."""

from __future__ import annotations

import subprocess

import pytest

from conftest import FIXTURES, ROOT

pytestmark = pytest.mark.xdist_group("installed")  # one process builds the installed venv for both


def test_wheel_install_generates_from_builtin_templates(tmp_path, installed_clientsmith):
    env_dir = installed_clientsmith
    python = env_dir / "bin" / "python"
    # the wheel is built from a copy, so the checkout's templates/ folder cannot be found by accident
    out = tmp_path / "x"
    result = subprocess.run(
        [str(env_dir / "bin" / "clientsmith"), "generate", "--spec", str(FIXTURES / "mini"),
         "--package", "x", "--output", str(out)],
        capture_output=True, text=True, cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert (out / "x" / "_client.py").is_file()
    check = subprocess.run([str(python), "-c", "import clientsmith.templates_dir as t; print(t.builtin_templates_dir())"],
                           capture_output=True, text=True, cwd=tmp_path)
    assert str(env_dir) in check.stdout  # the packaged templates, not the checkout's

    # Installed as `clientsmith`, with every stage's subpackage; nothing named `generator` (a name taken on PyPI).
    stages = sorted(p.parent.name for p in (ROOT / "generator").glob("*/__init__.py"))
    probe = ("import importlib, importlib.util, sys; "
             f"[importlib.import_module('clientsmith.' + s) for s in {stages!r}]; "
             "print(importlib.util.find_spec('generator'))")
    imported = subprocess.run([str(python), "-c", probe], capture_output=True, text=True, cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.strip() == "None"
    as_module = subprocess.run([str(python), "-m", "clientsmith", "--help"], capture_output=True, text=True,
                               cwd=tmp_path)
    assert as_module.returncode == 0 and "generate" in as_module.stdout
