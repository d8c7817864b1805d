"""The change report judges what callers meet, and outlives the spec it compared."""

from __future__ import annotations

import json
from pathlib import Path

from clientsmith.cli import main

SPEC = """openapi: 3.0.3
info: {title: Pets, version: '1'}
paths:
  /pets:
    get:
      operationId: listPets
      tags: [pets]
      responses:
        '200':
          description: the pets, unwrapped from the PetList the service once sent
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/components/schemas/Pet'}}
components:
  schemas:
    Pet:
      type: object
      required: [id]
      properties: {id: {type: integer}, name: {type: string}}
    PetList:
      type: object
      required: [data, total]
      properties:
        data: {type: array, items: {$ref: '#/components/schemas/Pet'}}
        total: {type: integer}
"""


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_a_model_no_method_takes_or_returns_changes_compatibly(tmp_path, capsys):
    old = write(tmp_path / "old.yaml", SPEC)
    new = write(tmp_path / "new.yaml", SPEC.replace("required: [data, total]", "required: [data]")
                .replace("        total: {type: integer}\n", ""))
    assert main(["diff", str(old), str(new), "--package", "pets", "--fail-on", "breaking", "--no-cache"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "pets: 0 breaking, 1 compatible change (minor)"
    assert "field-removed: models.PetList.total" in out
    # ... its removal too; a model a method returns still breaks callers when it goes
    gone = write(tmp_path / "gone.yaml", SPEC.split("    PetList:")[0])
    assert main(["diff", str(old), str(gone), "--package", "pets", "--no-cache"]) == 0
    assert "model PetList removed (no method takes or returns it)" in capsys.readouterr().out
    returned = write(tmp_path / "returned.yaml", SPEC.replace(
        "schema: {type: array, items: {$ref: '#/components/schemas/Pet'}}", "schema: {$ref: '#/components/schemas/PetList'}"))
    trimmed = write(tmp_path / "trimmed.yaml", returned.read_text().replace("        total: {type: integer}\n", "")
                    .replace("required: [data, total]", "required: [data]"))
    assert main(["diff", str(returned), str(trimmed), "--package", "pets", "--fail-on", "breaking", "--no-cache"]) == 1
    assert capsys.readouterr().out.splitlines()[0] == "pets: 1 breaking, 0 compatible changes (major)"
