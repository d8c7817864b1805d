"""Golden: a fresh regeneration of every configured client equals the committed generated/ tree."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from conftest import ROOT

from generator.config import load_targets
from generator.pipeline import build_package

TARGETS = load_targets(ROOT / "pyproject.toml")


def committed(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts and not p.name.endswith(".pyc")
    }


@pytest.mark.parametrize("target", TARGETS, ids=[t.distribution for t in TARGETS])
def test_regeneration_matches_committed_tree(target):
    fresh = build_package(target, base=ROOT).files
    on_disk = committed(target.output)
    problems = []
    for rel in sorted(set(fresh) | set(on_disk)):
        old, new = on_disk.get(rel), fresh.get(rel)
        if old == new:
            continue
        if old is None:
            problems.append(f"missing from generated/: {rel}")
        elif new is None:
            problems.append(f"not produced any more: {rel}")
        else:
            diff = difflib.unified_diff(old.decode().splitlines(), new.decode().splitlines(),
                                        f"{rel} (committed)", f"{rel} (regenerated)", lineterm="", n=2)
            problems.append("\n".join(list(diff)[:60]))
    assert not problems, (
        "\n".join(problems) + "\n\ngenerated/ is stale: run `make generate` (or `clientsmith generate`) and commit."
    )
