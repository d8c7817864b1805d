"""The loader reads JSON as JSON and numbers as OpenAPI (YAML 1.2, JSON) means them, lines kept for errors."""

from __future__ import annotations

import pytest

from clientsmith.cli import main
from clientsmith.problems import SpecError
from clientsmith.spec.loader import load_text

JSON_SPEC = """{
\t"openapi": "3.0.3",
\t"info": {"title": "json \\ud83d\\udc4d", "version": "1"},
\t"paths": {"/a": {"get": {"operationId": "getA",
\t\t"responses": {"200": {"description": "ok \\u00e9\\ud83d\\ude00"}}}},
\t\t"/b": {"get": {"responses": {"200": {"descriptio": "typo"}}}}}
}
"""


def test_json_is_parsed_as_json_with_lines():
    loaded = load_text(JSON_SPEC, "spec.json")
    assert loaded.data["info"]["title"] == "json \U0001f44d"
    assert loaded.data["paths"]["/a"]["get"]["responses"]["200"]["description"] == "ok \u00e9\U0001f600"
    assert loaded.line_of("/info/title") == 3
    assert loaded.line_of("/paths/~1a/get/responses/200") == 5
    assert loaded.line_of("/paths/~1b/get/responses/200") == 6


def test_json_spec_validates_with_located_problems(tmp_path, capsys, monkeypatch):
    (tmp_path / "spec.json").write_text(JSON_SPEC, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "spec.json"]) == 1
    assert capsys.readouterr().out.strip().splitlines() == [
        "spec.json:6: /paths/~1b/get/responses/200: 'description' is a required property",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"a": 1,\n "a": 2}', "spec.json:2: /a: duplicate key 'a'"),
        ('{"a": [1,\n 2,,]}', "spec.json:2: /a/2: JSON does not parse: expected a value"),
        ('{"a": "\\ud83d"}', "spec.json:1: /a: JSON does not parse: a string holds a lone surrogate escape "
                             "(\\ud800-\\udfff)"),
        ('{"a": 1} x', "spec.json:1: /: JSON does not parse: extra data after the top-level value"),
        ('{"a": 01}', "spec.json:1: /: JSON does not parse: expected ',' or '}'"),
    ],
)
def test_bad_json_is_a_located_problem(text, message):
    with pytest.raises(SpecError) as caught:
        load_text(text, "spec.json")
    assert [str(p) for p in caught.value.problems] == [message]


def test_numbers_read_as_yaml_1_2():
    data = load_text("a: 1e-08\nb: 1E5\nc: -2.5e+3\nd: .5\ne: 10\nf: '1e-08'\ng: 1.0.0\nh: 2024-01-01\n", "s.yaml").data
    assert data == {"a": 1e-08, "b": 100000.0, "c": -2500.0, "d": 0.5, "e": 10, "f": "1e-08", "g": "1.0.0",
                    "h": "2024-01-01"}
    assert isinstance(data["a"], float) and isinstance(data["e"], int)


def test_exponent_without_dot_generates_a_number_constraint(tmp_path):
    """`minimum: 1e-08` read as a string made an internal error, even with --lenient."""
    spec = tmp_path / "spec.yaml"
    spec.write_text("""\
openapi: 3.1.0
info: {title: t, version: "1"}
paths:
  /a:
    get:
      operationId: getA
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Ratio'}
components:
  schemas:
    Ratio:
      type: object
      properties:
        temperature: {type: number, minimum: 1e-08, maximum: 1E+1}
""")
    out = tmp_path / "out"
    assert main(["generate", "--spec", str(spec), "--package", "ratio", "--output", str(out), "--no-cache"]) == 0
    models = (out / "ratio" / "models.py").read_text()
    assert "ge=1e-08" in models and "le=10.0" in models


def test_alias_bomb_is_refused_where_building_would_stop(monkeypatch):
    """The count before building (each shared node sized once) names the node at which building the
    expanded document would have passed the limit: the same line and pointer, whatever the limit."""
    import yaml

    from clientsmith.spec import loader

    text = ("base: &b {k: [1, 2], <<: {m: 3}}\n"
            "lists: &l [*b, *b, {x: *b}]\n"
            "top:\n  - *l\n  - {? [a, b]\n    : *l, plain: 1}\n  - *l\n")
    root = yaml.compose(text, Loader=loader._Loader)
    total = loader._expanded_sizes(root)[id(root)]
    assert total > 50
    build_only = loader._Builder.refuse_alias_bomb
    for limit in range(1, total):
        monkeypatch.setattr(loader, "MAX_NODES", limit)
        with pytest.raises(SpecError) as counted:
            load_text(text, "bomb.yaml")
        monkeypatch.setattr(loader._Builder, "refuse_alias_bomb", lambda self, root, ptr: None)
        with pytest.raises(SpecError) as built:
            load_text(text, "bomb.yaml")
        monkeypatch.setattr(loader._Builder, "refuse_alias_bomb", build_only)
        assert str(counted.value.problems[0]) == str(built.value.problems[0]), limit
        assert "expands to more than" in str(counted.value.problems[0])
