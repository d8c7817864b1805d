"""Templates compiled in one run are reused by the next: same output, and an edited template is seen."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import FIXTURES

from clientsmith.cli import main



def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def generate(out: str, templates: Path, cache: Path | None) -> None:
    """One run as a new `clientsmith` process makes it: no templates kept in memory from an earlier run."""
    from clientsmith.output import render

    render._environment.cache_clear()
    caching = ["--cache-dir", str(cache)] if cache else ["--no-cache"]
    assert main(["generate", "--spec", str(FIXTURES / "mini"), "--package", "mini", "--output", out,
                 "--templates", str(templates), *caching]) == 0


def test_compiled_templates_give_the_same_output_and_follow_edits(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    templates = tmp_path / "templates"
    shutil.copytree(FIXTURES / "override-templates", templates)
    cache = tmp_path / "cache"
    generate("first", templates, cache)
    assert list((cache / "templates").rglob("*.cache"))  # built-in and override templates kept compiled
    shutil.rmtree(cache / "package")  # the package is rendered again, from the compiled templates
    generate("second", templates, cache)
    generate("fresh", templates, None)
    assert files(tmp_path / "second") == files(tmp_path / "fresh")
    assert files(tmp_path / "first") == files(tmp_path / "fresh")
    # The override edited: the compiled copy no longer matches its source and is not used.
    resource = templates / "package" / "api" / "resource.py.jinja"
    resource.write_text(resource.read_text().replace('"span %s"', '"edited span %s"'))
    shutil.rmtree(cache / "package")
    generate("third", templates, cache)
    text = "\n".join(p.read_text() for p in (tmp_path / "third").rglob("api/*.py"))
    assert "edited span %s" in text


def test_a_template_added_to_the_users_folder_is_used_by_the_next_run_in_the_same_process(tmp_path, monkeypatch):
    """Templates stay compiled in memory between runs of one process (an editor integration, a test run),
    yet a file added to the user's folder, or edited there, hides the built-in one at once."""
    monkeypatch.chdir(tmp_path)
    templates = tmp_path / "templates"
    shutil.copytree(FIXTURES / "override-templates", templates)
    main_args = ["generate", "--spec", str(FIXTURES / "mini"), "--package", "mini", "--templates", str(templates),
                 "--no-cache", "--output"]
    assert main([*main_args, "first"]) == 0
    assert "Added in the user's folder" not in (tmp_path / "first" / "mini" / "_version.py").read_text()
    version = templates / "package" / "_version.py.jinja"
    version.write_text('{{ header }}\n"""Added in the user\'s folder."""\n__version__ = "0"\n')
    assert main([*main_args, "second"]) == 0
    assert "Added in the user's folder" in (tmp_path / "second" / "mini" / "_version.py").read_text()
    version.write_text('{{ header }}\n"""Edited in the user\'s folder."""\n__version__ = "0"\n')
    assert main([*main_args, "third"]) == 0
    assert "Edited in the user's folder" in (tmp_path / "third" / "mini" / "_version.py").read_text()
