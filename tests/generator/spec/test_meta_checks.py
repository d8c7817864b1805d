"""The OpenAPI 3.1 schema check over a registry crawled once reports exactly what the library's own does."""

from __future__ import annotations

from contextlib import nullcontext

import pytest

from conftest import FIXTURES, SHARED, require_shared

from clientsmith.spec import validate
from clientsmith.spec.merge import load_spec

BROKEN_31 = """openapi: 3.1.0
info: {title: t, version: "1"}
paths:
  /things/{id}:
    get:
      operationId: getThing
      parameters:
        - {name: id, in: path, required: true, schema: {type: strin}}
        - {name: q, in: quer, schema: {type: [string, "null"], minLength: -1}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Thing"}
        default: {}
components:
  schemas:
    Thing:
      type: object
      properties:
        id: {type: integer, format: int64, exclusiveMinimum: true}
        tags: {type: array, items: {$ref: "#/components/schemas/Tag"}, uniqueItems: maybe}
      additionalProperties: {type: nothing}
    Tag: {oneOf: [{type: string}, {const: 1, enum: 2}]}
"""


@pytest.mark.parametrize("spec", ["broken", "shapes.yaml", "webhooks/incidents-3.1.yaml", "peers"])
def test_same_findings_with_and_without_the_crawled_registry(spec, tmp_path, monkeypatch):
    if spec == "broken":
        path = tmp_path / "broken.yaml"
        path.write_text(BROKEN_31)
    elif spec == "peers":
        path = SHARED / "real" / "peers" / "opc" / "baseline_openapi_3.1.yaml"
        require_shared(path)
    else:
        path = FIXTURES / spec
    merged = load_spec(path, path.parent, keep_going=True)
    crawled = validate.validate_parts(merged)
    monkeypatch.setattr(validate, "crawled_meta_schemas", nullcontext)
    assert validate.validate_parts(merged) == crawled
    if spec == "broken":
        assert len(crawled[0]) >= 5
