"""`clientsmith diff`: one edit at a time of a small spec, each with its exact report; real Datadog specs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT, SHARED

from clientsmith.cli import main


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("cache")


def line(path: Path, needle: str) -> int:
    """The line of `path` that holds `needle` (exactly one does)."""
    hits = [n for n, text in enumerate(path.read_text().splitlines(), 1) if needle in text]
    assert len(hits) == 1, (needle, hits)
    return hits[0]


def run_diff(tmp_path: Path, monkeypatch, capsys, cache_dir: Path, edits: list[tuple[str, str, str]],
             *extra: str) -> tuple[int, str, str]:
    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(FIXTURES / "mini", old)
    shutil.copytree(FIXTURES / "mini", new)
    for file, before, after in edits:
        text = (new / file).read_text()
        assert text.count(before) == 1, before
        (new / file).write_text(text.replace(before, after))
    monkeypatch.chdir(tmp_path)
    capsys.readouterr()
    code = main(["diff", "old", "new", "--package", "mini", "--cache-dir", str(cache_dir), *extra])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def report(tmp_path, monkeypatch, capsys, cache_dir, edits) -> dict:
    code, out, _ = run_diff(tmp_path, monkeypatch, capsys, cache_dir, edits, "--format", "json")
    assert code == 0
    return json.loads(out)


GET = ("get_thing.yaml", "    get:")
PARAMS_GET = "        - {name: thing_id, in: path, required: true, schema: {type: string}}\n        - name: include"

# (test id, edits, expected bump, expected changes as (kind, breaking, python, (file, needle) in new/ or old/))
CASES = [
    ("operation-id-renames-method",
     [("get_thing.yaml", "operationId: GetThing", "operationId: FetchThing")], "major",
     [("method-renamed", True, "client.things.fetch_thing", ("new", *GET))]),
    ("tag-change-moves-method",
     [("get_thing.yaml", "tags: [Things]", "tags: [Stuff]")], "major",
     [("resource-added", False, "client.stuff", ("new", *GET)),
      ("method-renamed", True, "client.stuff.get_thing", ("new", *GET))]),
    ("optional-parameter-added",
     [("get_thing.yaml", "      responses:", "        - {name: fields, in: query, schema: {type: string}}\n      responses:")],
     "minor",
     [("parameter-added", False, "client.things.get_thing(fields=)", ("new", "get_thing.yaml", "name: fields"))]),
    ("required-parameter-added",
     [("delete_thing.yaml", "      responses:",
       "        - {name: reason, in: query, required: true, schema: {type: string}}\n      responses:")],
     "major",
     [("parameter-added", True, "client.things.delete_thing(reason=)", ("new", "delete_thing.yaml", "name: reason"))]),
    ("parameter-removed",
     [("get_thing.yaml", "        - name: include\n          in: query\n          explode: false\n"
                         "          schema: {type: array, items: {$ref: '#/components/schemas/ThingRelated'}}\n", "")],
     "major",
     [("parameter-removed", True, "client.things.get_thing(include=)", ("old", "get_thing.yaml", "- name: include"))]),
    ("request-body-model-changed",
     [("update_thing.yaml", "schema: {$ref: '#/components/schemas/ThingUpdate'}",
       "schema: {$ref: '#/components/schemas/ThingCreateRequest'}")], "major",
     [("body-changed", True, "client.things.update_thing(body=)", ("new", "update_thing.yaml", "requestBody:"))]),
    ("parameter-renamed",
     [("list_things.yaml", "{name: label, in: query", "{name: labels, in: query")], "major",
     [("parameter-renamed", True, "client.search.list_things(labels=)", ("new", "list_things.yaml", "name: labels"))]),
    ("parameter-made-required",
     [("list_things.yaml", "{name: sort, in: query,", "{name: sort, in: query, required: true,")], "major",
     [("parameter-required", True, "client.search.list_things(sort=)", ("new", "list_things.yaml", "name: sort"))]),
    ("parameter-retyped",
     [("list_things.yaml", "in: query, schema: {type: integer}}", "in: query, schema: {type: string}}")], "major",
     [("parameter-retyped", True, "client.search.list_things(page_size=)",
       ("new", "list_things.yaml", "name: 'page[size]'"))]),
    ("request-enum-value-removed",
     [("get_thing.yaml", "enum: [users, attachments]", "enum: [users]")], "major",
     [("enum-value-removed", True, "models.ThingRelated.ATTACHMENTS", ("new", "get_thing.yaml", "ThingRelated:"))]),
    ("enum-value-added",
     [("get_thing.yaml", "enum: [users, attachments]", "enum: [users, attachments, owners]")], "minor",
     [("enum-value-added", False, "models.ThingRelated.OWNERS", ("new", "get_thing.yaml", "ThingRelated:"))]),
    # Direction: a required field is harmless in what callers receive, breaking in what they send.
    ("required-field-added-to-response-model",
     [("get_thing.yaml", "    Errors:\n      type: object\n      properties:",
       "    Errors:\n      type: object\n      required: [code]\n      properties:\n        code: {type: integer}")],
     "minor",
     [("field-added", False, "models.Errors.code", ("new", "get_thing.yaml", "code: {type: integer}"))]),
    ("required-field-added-to-request-model",
     [("update_thing.yaml", "    ThingUpdate:\n      type: object\n      properties:",
       "    ThingUpdate:\n      type: object\n      required: [reason]\n      properties:\n        reason: {type: string}")],
     "major",
     [("field-added", True, "models.ThingUpdate.reason", ("new", "update_thing.yaml", "reason: {type: string}"))]),
    ("response-field-made-optional",
     [("get_thing.yaml", "    ThingResponse:\n      type: object\n      required: [data]\n",
       "    ThingResponse:\n      type: object\n")], "major",
     [("field-optional", True, "models.ThingResponse.data", ("new", "get_thing.yaml", "        data: {$ref"))]),
    ("request-field-made-optional",
     [("create_thing.yaml", "      required: [data]\n", "")], "minor",
     [("field-optional", False, "models.ThingCreateRequest.data", ("new", "create_thing.yaml", "        data: {$ref"))]),
    ("field-renamed",
     [("update_thing.yaml", "labels: {type: array", "tags: {type: array")], "major",
     [("field-renamed", True, "models.ThingUpdate.tags", ("new", "update_thing.yaml", "tags: {type: array"))]),
    ("response-field-retyped",
     [("get_thing.yaml", "errors: {type: array, items: {type: string}}", "errors: {type: array, items: {type: integer}}")],
     "major",
     [("field-retyped", True, "models.Errors.errors", ("new", "get_thing.yaml", "errors: {type: array"))]),
    ("field-made-nullable",
     [("get_thing.yaml", "        id: {type: string}\n", "        id: {type: string, nullable: true}\n")], "major",
     [("field-nullable", True, "models.Thing.id", ("new", "get_thing.yaml", "id: {type: string, nullable: true}"))]),
    # optional either way, so `str | None` either way: the spec's nullability is what changed
    ("optional-request-field-no-longer-nullable",
     [("update_thing.yaml", "name: {type: string, nullable: true}", "name: {type: string}")], "major",
     [("field-not-nullable", True, "models.ThingUpdate.name", ("new", "update_thing.yaml", "name: {type: string}"))]),
    ("optional-field-sent-and-received-no-longer-nullable",
     [("get_thing.yaml", "name: {type: string, nullable: true,", "name: {type: string,")], "major",
     [("field-not-nullable", True, "models.Thing.name", ("new", "get_thing.yaml", "name: {type: string,"))]),
    ("optional-response-field-made-nullable",
     [("get_thing.yaml", "errors: {type: array, items: {type: string}}",
       "errors: {type: array, items: {type: string}, nullable: true}")], "minor",
     [("field-nullable", False, "models.Errors.errors", ("new", "get_thing.yaml", "errors: {type: array"))]),
    ("model-added",
     [("get_thing.yaml", "    ThingRelated:", "    Label: {type: string, enum: [red, blue]}\n    ThingRelated:")], "minor",
     [("model-added", False, "models.Label", ("new", "get_thing.yaml", "Label: {type: string"))]),
    ("field-and-its-model-removed",
     [("update_thing.yaml", "        owner: {$ref: '#/components/schemas/Owner'}\n", ""),
      ("update_thing.yaml", "    Owner:\n      type: object\n      nullable: true\n      properties:\n        id: {type: string}\n",
       "")], "major",
     [("field-removed", True, "models.ThingUpdate.owner", ("old", "update_thing.yaml", "owner: {$ref")),
      ("model-removed", True, "models.Owner", ("old", "update_thing.yaml", "    Owner:"))]),
    ("server-variable-value-removed",
     [("_shared.yaml", "enum: [example.com, example.eu]", "enum: [example.com]")], "major",
     [("server-variable-value-removed", True, "Client(site=)", ("new", "_shared.yaml", "site: {default"))]),
    ("security-scheme-removed",
     [("_shared.yaml", "    basicAuth: {type: http, scheme: basic}\n", ""),
      ("copy_thing.yaml", "      security:\n        - basicAuth: []\n", "")], "major",
     [("credential-removed", True, "Client(basic_auth=)", ("old", "_shared.yaml", "basicAuth:")),
      ("method-auth-changed", True, "client.things.copy_thing", ("new", "copy_thing.yaml", "    post:"))]),
    ("method-made-unstable",
     [("get_thing.yaml", "      summary: Get a thing.", "      summary: Get a thing.\n      x-unstable: preview")], "major",
     [("method-unstable", True, "client.things.get_thing", ("new", *GET))]),
    ("method-made-stable",
     [("update_thing.yaml", "      x-unstable: This endpoint is in preview.\n", "")], "minor",
     [("method-stable", False, "client.things.update_thing", ("new", "update_thing.yaml", "    patch:"))]),
    ("summary-changed-is-docs-only",
     [("get_thing.yaml", "summary: Get a thing.", "summary: Fetch one thing by its id.")], "patch",
     [("docs-changed", False, "client.things.get_thing", ("new", *GET))]),
    ("return-type-changed",
     [("get_thing.yaml", "        '200':\n          description: OK\n          content:\n            application/json:\n"
                         "              schema: {$ref: '#/components/schemas/ThingResponse'}",
       "        '200':\n          description: OK\n          content:\n            application/json:\n"
       "              schema: {$ref: '#/components/schemas/Thing'}")], "major",
     [("return-changed", True, "client.things.get_thing", ("new", *GET))]),
    ("body-made-optional",
     [("update_thing.yaml", "      requestBody:\n        required: true\n", "      requestBody:\n")], "minor",
     [("body-optional", False, "client.things.update_thing(body=)", ("new", "update_thing.yaml", "requestBody:"))]),
    ("credential-added",
     [("_shared.yaml", "    basicAuth: {type: http, scheme: basic}\n",
       "    basicAuth: {type: http, scheme: basic}\n    bearerAuth: {type: http, scheme: bearer}\n")], "minor",
     [("credential-added", False, "Client(bearer_token=)", ("new", "_shared.yaml", "bearerAuth:"))]),
    ("server-variable-added",
     [("_shared.yaml", "      subdomain: {default: api}\n", "      subdomain: {default: api}\n      region: {default: us}\n")],
     "minor",
     [("server-variable-added", False, "Client(region=)", ("new", "_shared.yaml", "region: {default: us}"))]),
    ("method-deprecated",
     [("get_thing.yaml", "      summary: Get a thing.", "      summary: Get a thing.\n      deprecated: true")], "minor",
     [("method-deprecated", False, "client.things.get_thing", ("new", *GET))]),
    ("nothing-changed", [], "none", []),
]


@pytest.mark.parametrize("edits, bump, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_one_change_gives_its_exact_report(tmp_path, monkeypatch, capsys, cache_dir, edits, bump, expected):
    data = report(tmp_path, monkeypatch, capsys, cache_dir, edits)
    want = [
        {"kind": kind, "breaking": breaking, "python": python,
         "spec": f"{side}/{file}:{line(tmp_path / side / file, needle)}"}
        for kind, breaking, python, (side, file, needle) in expected
    ]
    got = [{k: c[k] for k in ("kind", "breaking", "python", "spec")} for c in data["changes"]]
    assert sorted(got, key=str) == sorted(want, key=str)
    assert data["bump"] == bump
    assert data["breaking"] == sum(c["breaking"] for c in want)
    assert all(c["message"] for c in data["changes"])


RENAME = [("get_thing.yaml", "operationId: GetThing", "operationId: FetchThing"),
          ("get_thing.yaml", "enum: [users, attachments]", "enum: [users, attachments, owners]")]


def test_text_format_names_each_change_with_its_location(tmp_path, monkeypatch, capsys, cache_dir):
    code, out, _ = run_diff(tmp_path, monkeypatch, capsys, cache_dir, RENAME)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "mini: 1 breaking, 1 compatible change (major)"
    get_line = line(tmp_path / "new" / "get_thing.yaml", "    get:")
    assert lines[1].split() == ["BREAKING", "method-renamed:", "client.things.fetch_thing:", "client.things.get_thing",
                                "is", "now", "client.things.fetch_thing", "(operationId", "'GetThing'", "->",
                                "'FetchThing')", f"[new/get_thing.yaml:{get_line}]"]
    assert lines[2].split()[:3] == ["ok", "enum-value-added:", "models.ThingRelated.OWNERS:"]


def test_markdown_format_is_a_table_that_pipes_cannot_break(tmp_path, monkeypatch, capsys, cache_dir):
    # a return type with `|` in it lands in a table cell
    edits = [("get_thing.yaml", "schema: {$ref: '#/components/schemas/ThingResponse'}",
              "schema: {oneOf: [{$ref: '#/components/schemas/ThingResponse'}, {$ref: '#/components/schemas/Errors'}]}")]
    code, out, _ = run_diff(tmp_path, monkeypatch, capsys, cache_dir, edits, "--format", "markdown")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "### mini: suggested version bump **major**"
    rows = [row for row in lines if row.startswith("| :boom: |")]
    assert len(rows) == 1
    cells = [c.strip() for c in rows[0].replace("\\|", "PIPE").split("|")[1:-1]]
    assert cells[1:4] == ["return-changed", "`client.things.get_thing`",
                          f"new/get_thing.yaml:{line(tmp_path / 'new' / 'get_thing.yaml', '    get:')}"]
    assert "ThingResponse PIPE Errors" in cells[4]


def test_fail_on_breaking_exits_1_only_when_something_breaks(tmp_path, monkeypatch, capsys, cache_dir):
    code, out, _ = run_diff(tmp_path / "a", monkeypatch, capsys, cache_dir, RENAME, "--fail-on", "breaking")
    assert code == 1 and "BREAKING" in out
    compatible = [("get_thing.yaml", "enum: [users, attachments]", "enum: [users, attachments, owners]")]
    code, out, _ = run_diff(tmp_path / "b", monkeypatch, capsys, cache_dir, compatible, "--fail-on", "breaking")
    assert code == 0 and out.startswith("mini: 0 breaking, 1 compatible change (minor)")


def test_diff_reports_a_bad_spec_as_a_located_error(tmp_path, monkeypatch, capsys, cache_dir):
    edits = [("get_thing.yaml", "schema: {$ref: '#/components/schemas/Errors'}",
              "schema: {$ref: '#/components/schemas/Nowhere'}")]
    code, out, err = run_diff(tmp_path, monkeypatch, capsys, cache_dir, edits)
    assert code == 1 and out == ""
    assert err.startswith("new/get_thing.yaml:") and "Nowhere" in err


def test_fail_on_with_a_spec_that_does_not_load_exits_2_and_json_says_why(tmp_path, monkeypatch, capsys, cache_dir):
    edits = [("get_thing.yaml", "schema: {$ref: '#/components/schemas/Errors'}",
              "schema: {$ref: '#/components/schemas/Nowhere'}")]
    code, out, err = run_diff(tmp_path / "a", monkeypatch, capsys, cache_dir, edits, "--fail-on", "breaking")
    assert code == 2 and out == "" and "Nowhere" in err  # not 1: that would read as "breaking changes"
    code, out, err = run_diff(tmp_path / "b", monkeypatch, capsys, cache_dir, edits, "--fail-on", "breaking",
                              "--format", "json")
    data = json.loads(out)
    assert code == 2 and data["error"] == "the new spec does not load"
    assert data["problems"][0]["file"] == "new/get_thing.yaml" and "Nowhere" in data["problems"][0]["message"]


def test_generate_prints_what_changed_for_callers(tmp_path, monkeypatch, capsys):
    spec = tmp_path / "spec"
    shutil.copytree(FIXTURES / "mini", spec)
    args = ["generate", "--spec", str(spec), "--package", "mini", "--output", str(tmp_path / "out"), "--no-cache"]
    assert main(args) == 0
    first = capsys.readouterr().out
    assert "breaking" not in first  # nothing to compare with on the first run
    assert main(args) == 0
    assert "breaking" not in capsys.readouterr().out  # the same API: no line
    text = (spec / "get_thing.yaml").read_text()
    (spec / "get_thing.yaml").write_text(
        text.replace("operationId: GetThing", "operationId: FetchThing")
        .replace("enum: [users, attachments]", "enum: [users, attachments, owners]")
        .replace("summary: Get a thing.", "summary: Get one thing."))
    assert main(args) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "mini: 1 breaking, 2 compatible changes (major)"


# -- real specs: the bundled Datadog fragments against the same operations of Datadog's published spec ----

REAL_DATADOG = SHARED / "real" / "datadog" / "openapi-v2.yaml"


def reduced_spec(real: dict, paths: dict) -> dict:
    """The operations of `paths` as the real spec has them, with the components they reach."""
    doc = {key: real[key] for key in ("openapi", "info", "servers", "security")}
    doc["paths"] = {path: {m: real["paths"][path][m] for m in item if m in real["paths"][path]}
                    for path, item in paths.items()}
    components: dict[str, dict] = {}
    stack: list = [doc["paths"]]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/components/"):
                _, _, section, name = ref.split("/", 3)
                if name not in components.setdefault(section, {}):
                    components[section][name] = real["components"][section][name]
                    stack.append(components[section][name])
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    used = {name for op in (o for item in doc["paths"].values() for o in item.values())
            for requirement in op.get("security", doc["security"]) for name in requirement}
    components["securitySchemes"] = {name: real["components"]["securitySchemes"][name] for name in sorted(used)}
    doc["components"] = components
    return doc


@pytest.fixture(scope="module")
def datadog_pair(tmp_path_factory) -> Path:
    import yaml

    from clientsmith.spec.merge import load_spec

    folder = tmp_path_factory.mktemp("datadog")
    real = yaml.load(REAL_DATADOG.read_text(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    bundled = load_spec(ROOT / "specs" / "datadog-incidents").document
    (folder / "published.yaml").write_text(yaml.safe_dump(reduced_spec(real, bundled["paths"]), sort_keys=False))
    shutil.copytree(ROOT / "specs" / "datadog-incidents", folder / "bundled")
    return folder


def datadog_report(folder: Path, monkeypatch, capsys, cache_dir, old: str, new: str) -> dict:
    monkeypatch.chdir(folder)
    capsys.readouterr()
    assert main(["diff", old, new, "--package", "datadog_incidents", "--distribution", "datadog-incidents",
                 "--format", "json", "--cache-dir", str(cache_dir)]) == 0
    return json.loads(capsys.readouterr().out)


def by_python(data: dict) -> dict[tuple[str, str], dict]:
    return {(c["kind"], c["python"]): c for c in data["changes"]}


def test_datadog_fragments_against_the_published_spec(datadog_pair, monkeypatch, capsys, cache_dir):
    data = datadog_report(datadog_pair, monkeypatch, capsys, cache_dir, "bundled", "published.yaml")
    changes = by_python(data)
    # The same six operations under the same Python names: nothing about methods or resources differs.
    assert not [c for c in data["changes"] if c["kind"].startswith(("method-added", "method-removed",
                                                                     "method-renamed", "resource-"))]
    # The fragments add what recorded traffic carries and the published spec lacks: without it, callers
    # reading `incident.data.attributes.commander` break.
    commander = changes[("field-removed", "models.IncidentResponseAttributes.commander")]
    shared = datadog_pair / "bundled" / "_shared.yaml"
    assert commander["breaking"] is True
    assert commander["spec"] == f"bundled/_shared.yaml:{line(shared, '        commander:')}"
    # The fragments list a site the published spec does not: `Client(site="us2.ddog-gov.com")` stops working.
    site = changes[("server-variable-value-removed", "Client(site=)")]
    assert site["breaking"] is True and "us2.ddog-gov.com" in site["message"]
    # Prose differences are documentation, never breaking.
    docs = [c for c in data["changes"] if c["kind"] == "docs-changed"]
    assert docs and not any(c["breaking"] for c in docs)
    assert data["bump"] == "major"


def test_datadog_direction_matters(datadog_pair, monkeypatch, capsys, cache_dir):
    data = datadog_report(datadog_pair, monkeypatch, capsys, cache_dir, "published.yaml", "bundled")
    changes = by_python(data)
    # Responses gaining fields is compatible: `IncidentResponseAttributes` is only ever received ...
    added = changes[("field-added", "models.IncidentResponseAttributes.commander")]
    assert added["breaking"] is False and "(response)" in added["message"]
    # ... and a new site value is one more accepted constructor argument.
    assert changes[("server-variable-value-added", "Client(site=)")]["breaking"] is False
    # Error bodies are received: items that may now be objects break callers that expect strings, while the
    # reverse (fewer kinds of item) is compatible.
    assert changes[("field-retyped", "models.APIErrorResponse.errors")]["breaking"] is True
    reverse = by_python(datadog_report(datadog_pair, monkeypatch, capsys, cache_dir, "bundled", "published.yaml"))
    assert reverse[("field-retyped", "models.APIErrorResponse.errors")]["breaking"] is False
    assert not [c for c in data["changes"] if c["kind"].startswith("credential-")]


def test_new_operation_fields_are_compared_without_new_code(tmp_path, monkeypatch):
    """Shapes the IR gains later (pagination, streaming, uploads) reach the report as method features."""
    import dataclasses

    from clientsmith.diff.compare import compare
    from clientsmith.diff.surface import api_surface
    from clientsmith.ir.nodes import Operation
    from clientsmith.pipeline import build_api, load_and_validate

    spec, _ = load_and_validate(FIXTURES / "mini")
    api, models = build_api(spec, "mini", "mini")
    # A field the IR does not have yet (as pagination and event streams once were not).
    paged = dataclasses.make_dataclass("PagedOperation", [("uploads", object, None)], bases=(Operation,),
                                       frozen=True)

    def with_pagination(value: object):
        resources = []
        for resource in api.resources:
            operations = tuple(
                paged(**{f.name: getattr(op, f.name) for f in dataclasses.fields(op)},
                      uploads=value if op.method_name == "list_things" else None)
                for op in resource.operations)
            resources.append(dataclasses.replace(resource, operations=operations))
        return api_surface(dataclasses.replace(api, resources=tuple(resources)), models, spec.document)

    plain = api_surface(api, models, spec.document)
    pages = with_pagination({"kind": "page", "page_param": "page[size]"})
    cursors = with_pagination({"kind": "cursor", "cursor_param": "after"})
    gained = compare(plain, pages)
    assert [(c.kind, c.breaking, c.python) for c in gained.changes] == [
        ("method-feature-added", False, "client.search.list_things")]
    assert gained.bump == "minor"
    changed = compare(pages, cursors)
    assert [(c.kind, c.breaking) for c in changed.changes] == [("method-feature-changed", True)]
    assert [(c.kind, c.breaking) for c in compare(pages, plain).changes] == [("method-feature-removed", True)]


def paged_report(tmp_path, monkeypatch, capsys, cache_dir, before: str, after: str) -> dict:
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    text = (FIXTURES / "paged" / "paged.yaml").read_text()
    assert text.count(before) == 1, before
    old.write_text(text)
    new.write_text(text.replace(before, after))
    monkeypatch.chdir(tmp_path)
    capsys.readouterr()
    assert main(["diff", "old.yaml", "new.yaml", "--package", "paged", "--cache-dir", str(cache_dir),
                 "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_a_paged_parameters_example_is_no_change_to_callers(tmp_path, monkeypatch, capsys, cache_dir):
    data = paged_report(tmp_path, monkeypatch, capsys, cache_dir,
                        "- {name: q, in: query, schema: {type: string}}",
                        "- {name: q, in: query, schema: {type: string}, example: lamps}")
    assert (data["breaking"], data["changes"]) == (0, [])


def test_a_new_paging_style_breaks_callers(tmp_path, monkeypatch, capsys, cache_dir):
    data = paged_report(tmp_path, monkeypatch, capsys, cache_dir,
                        "x-pagination: {limitParam: per_page, pageParam: page, pageStart: 1",
                        "x-pagination: {limitParam: per_page, pageOffsetParam: page, pageStart: 1")
    assert [(c["kind"], c["breaking"], c["python"]) for c in data["changes"]] == [
        ("method-feature-changed", True, "client.items.list_numbered_items")]


def test_generate_does_not_compare_an_api_recorded_in_another_format(tmp_path, capsys):
    out = tmp_path / "out"
    args = ["generate", "--spec", str(FIXTURES / "mini"), "--package", "mini", "--output", str(out), "--no-cache"]
    assert main(args) == 0
    manifest = out / ".clientsmith-manifest.json"
    data = json.loads(manifest.read_text())
    data["api"]["version"] = 0
    data["api"]["resources"] = {}  # would read as every method added
    manifest.write_text(json.dumps(data))
    capsys.readouterr()
    assert main(args) == 0
    assert "compatible changes" not in capsys.readouterr().out


def test_types_kept_in_committed_manifests_read_back_as_the_same_annotations():
    """Manifests keep types as text; the report reads them back as nodes, so one written by an earlier
    version compares as its types say: every union member, name and container survives the reading."""
    from clientsmith.ir.annotations import parse_annotation

    texts = set()
    for manifest in ROOT.glob("generated/*/.clientsmith-manifest.json"):
        surface = json.loads(manifest.read_text())["api"]
        for resource in surface["resources"].values():
            for method in resource["methods"].values():
                texts |= {method["returns"], *(p["type"] for p in method["params"].values())}
                texts |= {method["body"]["type"]} if method["body"] else set()
        texts |= {f["type"] for model in surface["models"].values() for f in model.get("fields", {}).values()}
    assert len(texts) > 50
    for text in texts:
        node = parse_annotation(text)
        assert node.render() == text
        assert " | ".join(m.render() for m in node.members) == text
    listed = parse_annotation("list[IncidentResponseData] | None")
    assert (listed.nullable, sorted(listed.names())) == (True, ["IncidentResponseData", "None", "list"])
    assert listed.accepts(parse_annotation("list[IncidentResponseData]"))
    assert not parse_annotation("list[IncidentResponseData]").accepts(listed)
