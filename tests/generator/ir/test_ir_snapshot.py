"""The IR is the contract users' templates rely on: its JSON for each bundled spec is a reviewed snapshot."""

from __future__ import annotations

import json

import pytest

from conftest import ROOT

from clientsmith.cli import main
from clientsmith.config import load_targets
from clientsmith.ir.nodes import IR_VERSION

TARGETS = load_targets(ROOT / "pyproject.toml")
SNAPSHOTS = ROOT / "tests" / "snapshots"


@pytest.mark.parametrize("target", TARGETS, ids=[t.distribution for t in TARGETS])
def test_ir_json_matches_snapshot(target, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    spec = target.spec.relative_to(ROOT).as_posix()
    assert main(["ir", spec, "--package", target.package, "--distribution", target.distribution]) == 0
    fresh = capsys.readouterr().out
    snapshot = SNAPSHOTS / f"{target.distribution}.ir.json"
    assert snapshot.read_text() == fresh, (
        f"the IR of {spec} changed: review the difference, then update the snapshot with\n"
        f"  clientsmith ir {spec} --package {target.package} --distribution {target.distribution} > {snapshot.relative_to(ROOT)}"
    )
    assert json.loads(fresh)["ir_version"] == IR_VERSION


def test_spec_extensions_reach_templates_through_the_ir(capsys):
    assert main(["ir", str(ROOT / "tests" / "fixtures" / "mini"), "--package", "mini"]) == 0
    data = json.loads(capsys.readouterr().out)
    operations = {op["method_name"]: op for r in data["resources"] for op in r["operations"]}
    assert operations["update_thing"]["extensions"] == {"x-unstable": "This endpoint is in preview."}
    assert operations["update_thing"]["unstable"] == "This endpoint is in preview."
    assert operations["get_thing"]["extensions"] == {}
