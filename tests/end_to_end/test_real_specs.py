"""Real vendors' specs at full size (../shared/real): complete clients, quirks handled, problems located."""

from __future__ import annotations

import importlib
import json
import re
from pathlib import Path

import pytest

from conftest import SHARED, import_generated, mypy_strict

from clientsmith.cli import main

ONETRUST = SHARED / "real" / "onetrust" / "incident-management-openapi.json"
DATADOG = SHARED / "real" / "datadog" / "openapi-v2.yaml"


def test_onetrust_spec_problems_are_located_and_refused_without_lenient(tmp_path, capsys):
    assert main(["generate", "--no-cache", "--spec", str(ONETRUST), "--package", "ot", "--output", str(tmp_path / "o")]) == 1
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 8  # the eight string-typed boolean defaults
    assert all("'false' is not of type 'boolean'" in line and "/default: " in line for line in lines)
    # the spec is named as the user can open it from where they are (relative to the current folder)
    where = ":1049: /components/schemas/AttributeValueInformation/properties/disabled/default: " \
            "'false' is not of type 'boolean'"
    named = [line[: -len(where)] for line in lines if line.endswith(where)]
    assert len(named) == 1 and Path(named[0]).resolve() == ONETRUST.resolve()
    assert not (tmp_path / "o").exists()


def test_onetrust_full_spec_generates_with_lenient(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["generate", "--no-cache", "--lenient", "--spec", str(ONETRUST), "--package", "onetrust_full",
                 "--output", str(out)]) == 0
    captured = capsys.readouterr()
    assert captured.err.count(": warning: 'false' is not of type 'boolean'") == 8
    package = import_generated(out, "onetrust_full")
    models = importlib.import_module("onetrust_full.models")
    operations = [name for name in dir(package.Client(access_token="listing-token").incidents) if not name.startswith("_")]
    assert len([n for n in operations if n not in ("with_raw_response", "with_streaming_response")]) == 7  # every operation
    # property names with spaces keep their wire names as aliases
    wire = {"Incident Attachment Identifier": "6a1c9d4e-0000-4000-8000-000000000001", "Incident Attachment Name": "n", "Incident Attachment Type": "t",
            "Incident Attachment Link": "l"}
    attachment = models.IncidentAttachmentResponse.model_validate(wire)
    assert attachment.model_dump(mode="json", by_alias=True, exclude_unset=True) == wire
    # a string "false" default became a real boolean
    assert models.AttributeValueInformation.model_fields["disabled"].default is False
    # a one-value enum whose value holds a comma is one value
    enum = next(getattr(models, k) for k in dir(models) if k.startswith("AdvanceStageActionInformation") and k.endswith("Type"))
    assert [m.value for m in enum] == ["ATTRIBUTES, ATTACHMENT"]
    result = mypy_strict(out, "onetrust_full")
    assert result.returncode == 0, result.stdout[-3000:]


QUIRKY_30 = """\
openapi: 3.0.3
info: {title: q, version: "1"}
paths:
  /a:
    get:
      operationId: getA
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  kind: {type: string, const: fixed}
"""
QUIRKY_31 = """\
openapi: 3.1.0
info: {title: q, version: "1"}
paths:
  /a:
    get:
      operationId: getA
      title: Not an operation field
      responses:
        '200': {description: ok}
"""


@pytest.mark.parametrize("text", [QUIRKY_30, QUIRKY_31], ids=["const in 3.0", "title on a 3.1 operation"])
def test_slightly_invalid_specs_generate_with_lenient(text, tmp_path, capsys):
    spec = tmp_path / "spec.yaml"
    spec.write_text(text)
    args = ["generate", "--no-cache", "--spec", str(spec), "--package", "q", "--output", str(tmp_path / "out")]
    assert main(args) == 1
    strict = capsys.readouterr().err.strip().splitlines()
    assert len(strict) == 1 and strict[0].startswith(f"{spec.as_posix()}:") and ": /paths/~1a/get" in strict[0]
    assert main([*args, "--lenient"]) == 0
    assert ": warning: " in capsys.readouterr().err
    assert import_generated(tmp_path / "out", "q").Client


def test_datadog_v2_generates_completely(tmp_path):
    """All 837 operations and all 4,472 component schemas of Datadog's published spec."""
    out = tmp_path / "out"
    assert main(["generate", "--no-cache", "--spec", str(DATADOG), "--package", "datadog_v2", "--output", str(out)]) == 0
    endpoints = sum(p.read_text().count("_runtime.Endpoint(") for p in (out / "datadog_v2" / "api").glob("*.py"))
    assert endpoints == 837
    from clientsmith.spec.merge import load_spec

    spec = load_spec(DATADOG)
    # the models this run made: the class of each schema, as the run recorded it for reuse
    manifest = json.loads((out / ".clientsmith-manifest.json").read_text(encoding="utf-8"))
    class_by_pointer = manifest["reuse"]["models"]["class_by_pointer"]
    schemas = spec.document["components"]["schemas"]
    assert len(schemas) == 4472
    # Object and enum schemas are classes; root schemas (unions, aliases of lists and scalars) are
    # written into the fields that use them, so no schema is left out.
    missing = [n for n in schemas if f"/components/schemas/{n}" not in class_by_pointer]
    assert all(class_by_pointer[f"/components/schemas/{n}"] in manifest["api"]["models"]
               for n in schemas if n not in missing)
    assert all("properties" not in schemas[n] and "enum" not in schemas[n] for n in missing)
    assert len(missing) < len(schemas) // 10
    import_generated(out, "datadog_v2")
    importlib.import_module("datadog_v2.models")

    # Every x-pagination operation has its iterating twin, sync and async, typed with its item model.
    from clientsmith.naming import identifier

    paged = [op["operationId"] for item in spec.document["paths"].values() for op in item.values()
             if isinstance(op, dict) and "x-pagination" in op]
    assert len(paged) == 44
    sources = "".join(p.read_text() for p in sorted((out / "datadog_v2" / "api").glob("*.py")))
    for operation_id in paged:
        assert sources.count(f"    def {identifier(operation_id)}_with_pagination(\n") == 2, operation_id
    # every paged twin (declared, or inferred from the operation's parameters and response) returns a pager
    # typed with its item and page models: the item type is never Any or a plain dict
    pagers = re.findall(r"\) -> _pagers\.(?:Async)?Pager\[\s*([^\]]+?)\s*\]:", sources)
    assert len(pagers) == sources.count("_with_pagination(\n") >= 88
    assert not [t for t in pagers if t.startswith(("Any", "dict"))]
    result = mypy_strict(out, "datadog_v2")
    assert result.returncode == 0, result.stdout[-3000:]
