"""Users' template folders: templates at new paths become files; template errors read like spec errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import FIXTURES, read_tree

from clientsmith.cli import main


def generate(tmp_path: Path, monkeypatch) -> int:
    monkeypatch.chdir(tmp_path)
    return main(["generate", "--spec", str(FIXTURES / "mini"), "--package", "mini", "--output", "out",
                 "--templates", "templates", "--no-cache"])


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_templates_at_new_paths_become_files_with_the_ir_in_scope(tmp_path, monkeypatch, capsys):
    write(tmp_path / "templates" / "package" / "extra" / "operations.txt.jinja",
          "{% for op in api.operations %}{{ op.method_name }} {{ op.http_method }} {{ op.path }}\n{% endfor %}")
    write(tmp_path / "templates" / "dist" / "CHANGES.md.jinja", "# {{ api.title }} {{ api.version }}\n")
    assert generate(tmp_path, monkeypatch) == 0
    out = tmp_path / "out"
    lines = (out / "mini" / "extra" / "operations.txt").read_text().splitlines()
    assert "get_thing GET /things/{thing_id}" in lines and len(lines) == 6
    assert (out / "CHANGES.md").read_text() == "# Mini API 1.2.0\n"
    manifest = json.loads((out / ".clientsmith-manifest.json").read_text())
    assert {"mini/extra/operations.txt", "CHANGES.md"} <= set(manifest["files"])
    # the built-in files are all still there
    assert {"README.md", "mini/_client.py", "mini/api/things.py"} <= set(read_tree(out))
    # a template taken away takes its file with it on the next run
    (tmp_path / "templates" / "dist" / "CHANGES.md.jinja").unlink()
    assert generate(tmp_path, monkeypatch) == 0
    assert not (out / "CHANGES.md").exists() and (out / "mini" / "extra" / "operations.txt").exists()


@pytest.mark.parametrize("path, text, line, message", [
    ("package/broken.py.jinja", "# fine\n{% if %}\n", 2, "Expected an expression"),
    ("package/broken.py.jinja", "# fine\n\n{{ api.no_such_field }}\n", 3, "has no attribute 'no_such_field'"),
    ("package/broken.py.jinja", "{% for op in api.operations %}\n{{ op.path_params[5].name }}\n{% endfor %}\n", 2,
     "no element 5"),
    # an override that extends the shipped template fails inside its own block
    ("dist/README.md.jinja", '{% extends "builtin/dist/README.md.jinja" %}\n{% block install %}\n'
                             "{{ 1 // 0 }}\n{% endblock %}\n", 3, "ZeroDivisionError"),
    ("package/included.py.jinja", '# fine\n{% include "package/nowhere.jinja" %}\n', 2,
     "template not found: package/nowhere.jinja"),
    # a template that renders what is not Python: the output line is named
    ("package/notpython.py.jinja", "# fine\n\ndef (:\n", 1, "renders invalid Python: mini/notpython.py line 3"),
    ("package/_macros_user.py.jinja", '{% macro shout(x) %}\n{{ x.missing }}\n{% endmacro %}\n{{ shout(api) }}\n', 2,
     "has no attribute 'missing'"),
])
def test_template_errors_are_located_one_line_errors(tmp_path, monkeypatch, capsys, path, text, line, message):
    write(tmp_path / "templates" / path, text)
    assert generate(tmp_path, monkeypatch) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err  # one line, no traceback
    assert err.startswith(f"templates/{path}:{line}: "), err
    assert message in err
    assert not (tmp_path / "out").exists()  # nothing written
