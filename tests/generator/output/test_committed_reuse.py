"""The committed output serves as the cache on a fresh clone: what it still holds is reused, never trusted
beyond what its manifest proves, and the bytes always equal a run that recomputes everything."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import FIXTURES, read_tree
from recomputation import COUNTING, Work
from clientsmith.cli import main
from clientsmith.config import ClientTarget
from clientsmith.pipeline import build_package


@pytest.fixture(params=["module", "package"])
def clone(request, tmp_path, monkeypatch):
    """A checkout holding the spec and its committed client, with no cache folder."""
    shutil.copytree(FIXTURES / "mini", tmp_path / "specs" / "mini")
    monkeypatch.chdir(tmp_path)
    target = ClientTarget(Path("specs/mini"), "mini", "mini", Path("out"), models=request.param)
    assert main(["generate", "--no-cache", "--spec", "specs/mini", "--package", "mini", "--output", "out",
                 "--models", request.param]) == 0
    return target


@pytest.fixture(autouse=True)
def _stop_counting():
    """A test that fails before `work.stop()` must not leave the counters patched into later tests."""
    yield
    while COUNTING:
        COUNTING.pop().stop()


def full_run(target: ClientTarget) -> dict[str, bytes]:
    return build_package(target, Path.cwd()).files


def test_unchanged_spec_is_checked_without_recomputing_anything(clone, monkeypatch, capsys):
    work = Work()
    assert main(["check", "--spec", "specs/mini", "--package", "mini", "--output", "out",
                 "--models", clone.models]) == 0
    assert "mini: up to date" in capsys.readouterr().out
    assert work.models == 0 and work.formatted == []
    reused = build_package(clone, Path.cwd(), reuse=True).files
    assert work.models == 0 and work.formatted == []
    work.stop()
    assert reused == full_run(clone) == read_tree(Path("out"))


def test_one_changed_operation_recomputes_only_its_module(clone, monkeypatch):
    fragment = Path("specs/mini/get_thing.yaml")
    text = fragment.read_text()
    fragment.write_text(text.replace("summary: ", "summary: Changed. ", 1))
    work = Work()
    reused = build_package(clone, Path.cwd(), reuse=True).files
    assert work.models == 0  # prose is not a model input: the committed models are taken as they are
    assert len(work.formatted) == 1 and "Changed." in work.formatted[0]
    work.stop()
    expected = full_run(clone)
    assert reused == expected and reused != read_tree(Path("out"))


def test_changed_model_recomputes_the_models(clone, monkeypatch):
    fragment = Path("specs/mini/create_thing.yaml")
    fragment.write_text(fragment.read_text().replace(
        "      properties:\n", "      properties:\n        added_field: {type: string}\n", 1))
    work = Work()
    reused = build_package(clone, Path.cwd(), reuse=True).files
    assert work.models == 1
    work.stop()
    assert reused == full_run(clone)
    assert b"added_field" in b"".join(v for k, v in reused.items() if "models" in k)


@pytest.mark.parametrize("base_kept", [True, False], ids=["base", "no-base"])
@pytest.mark.parametrize("victim", ["mini/api/things.py", "models"])
def test_a_hand_edited_file_is_never_trusted(clone, monkeypatch, capsys, victim, base_kept):
    out = Path("out")
    path = out / (victim if victim != "models" else
                  next(p for p in sorted(read_tree(out)) if "/models" in p and p.endswith(".py")))
    original = path.read_bytes()
    path.write_bytes(original.replace(b"class ", b"class  ", 1) + b"# edited by hand\n")
    if not base_kept:
        (out / ".clientsmith-base.gz").unlink()
    work = Work()
    assert main(["check", "--spec", "specs/mini", "--package", "mini", "--output", "out",
                 "--models", clone.models]) == (0 if base_kept else 1)  # without the base, the base is stale
    assert f"{path.as_posix()}: edited by hand" in capsys.readouterr().out
    reused = build_package(clone, Path.cwd(), reuse=True).files
    # What was written: the base's copy when it hashes to the manifest's record, else recomputed.
    assert reused[path.relative_to(out).as_posix()] == original
    assert work.models == (0 if base_kept or victim != "models" else 1) * 2
    work.stop()
    assert reused == full_run(clone)


def test_changed_template_recomputes_what_it_renders(clone, monkeypatch):
    templates = Path("templates")
    shutil.copytree(FIXTURES / "override-templates", templates)
    target = replace(clone, templates=templates)
    reused = build_package(target, Path.cwd(), reuse=True).files
    assert reused == full_run(target) != read_tree(Path("out"))


def test_another_black_or_models_version_recomputes(clone, monkeypatch):
    import clientsmith.output.format as format_module
    import clientsmith.output.package_cache as package_cache
    import clientsmith.pipeline as pipeline
    import clientsmith.tool_versions as tool_versions

    with monkeypatch.context() as patch:
        patch.setattr(tool_versions, "models_version", lambda: "0.0.0-other")
        work = Work()
        build_package(clone, Path.cwd(), reuse=True)
        work.stop()
    assert work.models == 1
    with monkeypatch.context() as patch:
        patch.setattr(pipeline, "BLACK_KIND", "black-0.0-other")
        patch.setattr(package_cache, "BLACK_KIND", "black-0.0-other")
        patch.setattr(format_module, "BLACK_KIND", "black-0.0-other")
        work = Work()
        build_package(clone, Path.cwd(), reuse=True)
        work.stop()
    assert len(work.formatted) >= 20  # every module formatted again


def test_no_cache_forces_the_full_computation(clone, monkeypatch):
    work = Work()
    assert main(["check", "--no-cache", "--spec", "specs/mini", "--package", "mini", "--output", "out",
                 "--models", clone.models]) == 0
    assert work.models == 1 and work.formatted
