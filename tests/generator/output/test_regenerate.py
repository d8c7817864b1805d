"""Regenerate on spec change: check mode, a manifest of our own files, user files left alone, atomic writes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT, read_tree, tree_differences

from clientsmith.cli import main
from clientsmith.config import ClientTarget
from clientsmith.pipeline import build_package

WIDGETS = """\
paths:
  /widgets:
    get:
      operationId: ListWidgets
      tags: [Widgets]
      responses:
        '200':
          description: OK
          content:
            application/json:
              schema: {type: array, items: {type: string}}
"""


@pytest.fixture
def spec(tmp_path) -> Path:
    folder = tmp_path / "spec"
    shutil.copytree(FIXTURES / "mini", folder)
    return folder


def generate(spec: Path, out: Path, capsys) -> str:
    capsys.readouterr()
    assert main(["generate", "--spec", str(spec), "--package", "mini", "--output", str(out)]) == 0
    return capsys.readouterr().out.strip()


def test_stale_files_removed_and_user_files_kept(spec, tmp_path, capsys):
    out = tmp_path / "out"
    (spec / "widgets.yaml").write_text(WIDGETS)
    generate(spec, out, capsys)
    assert (out / "mini" / "api" / "widgets.py").is_file()
    user_file = out / "mini" / "my_helpers.py"
    user_file.write_text("HELP = 1\n")
    (spec / "widgets.yaml").unlink()
    summary = generate(spec, out, capsys)
    assert not (out / "mini" / "api" / "widgets.py").exists()
    assert user_file.read_text() == "HELP = 1\n"
    assert "0 added" in summary and "1 removed" in summary and "changed" in summary


def test_refuses_to_overwrite_a_file_it_did_not_make(spec, tmp_path, capsys):
    out = tmp_path / "out"
    (out / "mini").mkdir(parents=True)
    (out / "mini" / "models.py").write_text("# mine\n")
    assert main(["generate", "--spec", str(spec), "--package", "mini", "--output", str(out)]) == 2
    assert "was not made by clientsmith" in capsys.readouterr().err
    assert (out / "mini" / "models.py").read_text() == "# mine\n"
    assert not (out / "mini" / "_client.py").exists()


def test_check_reports_stale_output_with_a_diff(spec, tmp_path, capsys):
    out = tmp_path / "out"
    args = ["--spec", str(spec), "--package", "mini", "--output", str(out)]
    generate(spec, out, capsys)
    assert main(["check", *args]) == 0
    capsys.readouterr()
    (spec / "get_thing.yaml").write_text((spec / "get_thing.yaml").read_text().replace("Get a thing.", "Fetch a thing."))
    assert main(["check", *args]) == 1
    captured = capsys.readouterr()
    assert "-        \"\"\"Get a thing." in captured.out and "+        \"\"\"Fetch a thing." in captured.out
    assert "stale" in captured.err
    # a hand edit to a generated file is not stale: it merges cleanly into what generate would write
    generate(spec, out, capsys)
    (out / "mini" / "_client.py").write_text("# edited\n")
    assert main(["check", *args]) == 0
    assert "mini/_client.py: edited by hand" in capsys.readouterr().out


def test_a_failed_write_leaves_the_output_as_it_was(spec, tmp_path, capsys, monkeypatch):
    out = tmp_path / "out"
    generate(spec, out, capsys)
    before = read_tree(out)
    (spec / "get_thing.yaml").write_text((spec / "get_thing.yaml").read_text().replace("Get a thing.", "Changed."))
    (spec / "widgets.yaml").write_text(WIDGETS)
    calls = {"n": 0}
    real_write = Path.write_bytes

    def failing_write(self: Path, data: bytes) -> int:
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError(28, "No space left on device")
        return real_write(self, data)

    monkeypatch.setattr(Path, "write_bytes", failing_write)
    assert main(["generate", "--spec", str(spec), "--package", "mini", "--output", str(out)]) == 2
    monkeypatch.undo()
    assert "No space left on device" in capsys.readouterr().err
    assert read_tree(out) == before


def test_template_override_folder_golden(tmp_path):
    """One replaced file and one block override, against their own committed golden output."""
    target = ClientTarget(FIXTURES / "mini", "mini", "mini", tmp_path, FIXTURES / "override-templates")
    golden = ROOT / "tests" / "golden" / "mini-override"
    fresh = build_package(target, base=golden.parent).files  # as `generate --spec` names the spec
    problems = tree_differences(read_tree(golden), fresh)
    assert not problems, "\n".join(problems) + (
        "\n\nregenerate with: clientsmith generate --spec tests/fixtures/mini --package mini "
        "--output tests/golden/mini-override --templates tests/fixtures/override-templates"
    )
    assert b"# typed package, replaced by the override folder" in fresh["mini/py.typed"]
    # sync and async methods; the raw-response methods wrap them, so they trace too
    assert fresh["mini/api/things.py"].count(b'_trace.debug("span %s", "GetThing")') == 2
