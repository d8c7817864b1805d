"""Golden: a fresh regeneration of every configured client equals the committed generated/ tree."""

from __future__ import annotations

import pytest

from conftest import ROOT, lint_findings, read_tree, tree_differences

from clientsmith.config import load_targets
from clientsmith.pipeline import build_package

TARGETS = load_targets(ROOT / "pyproject.toml")


@pytest.mark.parametrize("target", TARGETS, ids=[t.distribution for t in TARGETS])
def test_regeneration_matches_committed_tree(target):
    problems = tree_differences(read_tree(target.output), build_package(target, base=ROOT).files)
    assert not problems, (
        "\n".join(problems) + "\n\ngenerated/ is stale: run `make generate` (or `clientsmith generate`) and commit."
    )


def test_committed_clients_are_lint_clean():
    """No unused import or shadowed name in any bundled client or the template-override golden tree."""
    targets = load_targets(ROOT / "pyproject.toml")
    assert lint_findings(*(t.output / t.package for t in targets), ROOT / "tests" / "golden") == []
