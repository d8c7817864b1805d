"""Validation by units: a changed operation re-validates only itself and what it refers to, with the
same findings as validating the whole document."""

from __future__ import annotations

import copy

from conftest import ROOT
from clientsmith.cli import main
from clientsmith.spec.validate import _schema_findings
from clientsmith.spec.validation_units import validate_by_units

DOC = {
    "openapi": "3.0.3",
    "info": {"title": "t", "version": "1"},
    "paths": {
        "/a": {"get": {"summary": "a", "responses": {"200": {"description": "ok", "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/A"}}}}}}},
        "/b": {"get": {"summary": "b", "responses": {"200": {"description": "ok", "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/B"}}}}}}},
    },
    "components": {"schemas": {
        "A": {"type": "object", "properties": {"b": {"$ref": "#/components/schemas/B"}}},
        "B": {"type": "object", "properties": {"n": {"type": "integer", "default": 1}}},
        "C": {"type": "string"},
    }},
}


def run(document, known):
    seen = []

    def check(doc):
        seen.append(doc)
        return _schema_findings(doc, "3.0.3")

    findings, kept = validate_by_units(document, check, known, salt="3.0.3")
    return sorted(set(findings)), kept, seen


def full(document):
    return sorted(set(_schema_findings(document, "3.0.3")))


def test_only_changed_units_and_what_they_reach_are_validated_again():
    doc = copy.deepcopy(DOC)
    findings, known, seen = run(doc, {})
    assert findings == [] and len(seen) == 1 and sorted(seen[0]["paths"]) == ["/a", "/b"]

    doc["paths"]["/b"]["get"]["summary"] = "changed"
    findings, known, seen = run(doc, known)
    assert findings == [] and sorted(seen[0]["paths"]) == ["/b"]
    assert sorted(seen[0]["components"]["schemas"]) == ["B"]  # what /b refers to, not A or C

    findings, known, seen = run(doc, known)
    assert seen == []  # nothing changed: nothing validated


def test_findings_match_whole_document_validation_through_edits():
    doc = copy.deepcopy(DOC)
    findings, known, _ = run(doc, {})
    edits = [
        lambda d: d["components"]["schemas"]["B"]["properties"]["n"].update(default="one"),  # bad default in B
        lambda d: d["paths"]["/a"]["get"].update(summary="again"),
        lambda d: d["components"]["schemas"]["C"].update(type="bogus"),  # an unreferenced component
        lambda d: d["components"]["schemas"]["B"]["properties"]["n"].update(default=2),  # B fixed
        lambda d: d["paths"]["/b"]["get"].pop("responses"),
    ]
    for edit in edits:
        edit(doc)
        findings, known, _ = run(doc, known)
        assert findings == full(doc)
    pointers = [ptr for ptr, _ in findings]
    assert "/components/schemas/C/type" in pointers and "/paths/~1b/get" in pointers


def test_error_in_a_referenced_schema_names_the_schema_not_the_referrer(tmp_path, capsys):
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        "openapi: 3.0.3\n"
        "info: {title: t, version: '1'}\n"
        "paths:\n"
        "  /a:\n"
        "    get:\n"
        "      operationId: getA\n"
        "      responses:\n"
        "        '200':\n"
        "          description: ok\n"
        "          content:\n"
        "            application/json:\n"
        "              schema: {$ref: '#/components/schemas/A'}\n"
        "components:\n"
        "  schemas:\n"
        "    A:\n"
        "      type: object\n"
        "      properties:\n"
        "        n: {type: integer, default: one}\n"
    )
    code = main(["validate", str(spec)])
    assert code == 1
    report = capsys.readouterr().out
    assert "spec.yaml:18: /components/schemas/A/properties/n/default: 'one' is not of type 'integer'" in report
    assert "/paths/" not in report


def test_second_run_after_one_operation_changed_validates_little(tmp_path, capsys, monkeypatch):
    """Through the CLI and its cache: a changed summary re-validates one path item."""
    import clientsmith.spec.validate as validate

    folder = tmp_path / "spec"
    folder.mkdir()
    for part in (ROOT / "specs" / "datadog-incidents").iterdir():
        (folder / part.name).write_bytes(part.read_bytes())
    args = ["generate", "--spec", str(folder), "--package", "dd", "--output", str(tmp_path / "out"),
            "--cache-dir", str(tmp_path / "cache")]
    assert main(args) == 0
    checked: list[dict] = []
    original = validate._schema_findings
    monkeypatch.setattr(validate, "_schema_findings", lambda doc, v: checked.append(doc) or original(doc, v))
    assert main(args) == 0
    assert checked == []  # nothing changed
    fragment = folder / "get_incident.yaml"
    text = fragment.read_text()
    fragment.write_text(text.replace("description: 'Get the details of an incident by", "description: 'Get an incident by"))
    assert fragment.read_text() != text
    assert main(args) == 0
    assert len(checked) == 1 and list(checked[0]["paths"]) == ["/api/v2/incidents/{incident_id}"]
    assert "Get an incident by" in (tmp_path / "out" / "dd" / "api" / "incidents.py").read_text()


def test_background_validation_reports_what_foreground_validation_does(tmp_path, monkeypatch, capsys):
    """Large specs are validated in a forked child while models are made; the errors are the same."""
    import clientsmith.spec.validation_job as validation_job

    spec = tmp_path / "spec.yaml"
    spec.write_text((ROOT / "tests" / "corpus" / "missing_info_version.yaml").read_text())
    results = []
    for threshold in (10_000, 0):
        monkeypatch.setattr(validation_job, "BACKGROUND_VALIDATION_OVER", threshold)
        out = tmp_path / f"out{threshold}"
        code = main(["generate", "--spec", str(spec), "--package", "p", "--output", str(out), "--no-cache"])
        results.append((code, capsys.readouterr().err, out.exists()))
    assert results[0] == results[1]
    assert results[0][0] == 1 and "/info: 'version' is a required property" in results[0][1] and not results[0][2]


def test_background_validation_of_a_valid_spec_generates_the_same_package(tmp_path, monkeypatch):
    import clientsmith.spec.validation_job as validation_job
    from conftest import read_tree

    trees = []
    for threshold in (10_000, 0):
        monkeypatch.setattr(validation_job, "BACKGROUND_VALIDATION_OVER", threshold)
        out = tmp_path / f"out{threshold}"
        assert main(["generate", "--spec", str(ROOT / "specs" / "plane-work-items"), "--package", "p",
                     "--output", str(out), "--no-cache"]) == 0
        trees.append(read_tree(out))
    assert trees[0] == trees[1]
