"""Type aliases datamodel-code-generator writes at module level (a constrained `additionalProperties`
value becomes `X = TypeAliasType(...)`) survive the split into a models package."""

from __future__ import annotations


import pytest

from conftest import import_generated, mypy_strict

SPEC = """\
openapi: 3.1.0
info: {title: aliases, version: "1"}
servers: [{url: "https://a.example.com"}]
paths:
  /jobs:
    post:
      operationId: create_job
      requestBody:
        content:
          application/json:
            schema: {$ref: "#/components/schemas/JobIn"}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/JobIn"}
components:
  schemas:
    JobIn:
      type: object
      properties:
        metadata:
          type: object
          additionalProperties: {type: string, maxLength: 5, minLength: 1}
"""


@pytest.mark.parametrize("layout", ["module", "package"])
def test_a_module_level_type_alias_is_kept(tmp_path, layout):
    from clientsmith.config import ClientTarget
    from clientsmith.pipeline import generate

    (tmp_path / "spec.yaml").write_text(SPEC)
    out = tmp_path / "out"
    generate(ClientTarget(tmp_path / "spec.yaml", "aliases", "aliases", out, models=layout), base=tmp_path)
    source = "\n".join(p.read_text() for p in (out / "aliases").rglob("*.py"))
    assert "TypeAliasType(" in source  # the case this test is about
    import_generated(out, "aliases")
    from aliases.models import JobIn

    assert JobIn.model_validate({"metadata": {"k": "short"}}).metadata == {"k": "short"}
    with pytest.raises(ValueError):
        JobIn.model_validate({"metadata": {"k": "too long"}})
    result = mypy_strict(out, "aliases")
    assert result.returncode == 0, result.stdout
