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


def test_generate_keeps_the_last_report_for_diff_last(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[[tool.clientsmith.clients]]\nspec = "api.yaml"\npackage = "pets"\n'
                                             'output = "client"\n')
    spec = write(tmp_path / "api.yaml", SPEC)
    assert main(["generate"]) == 0
    capsys.readouterr()
    # Nothing kept yet: said in one line on stderr, and exit 2 so that CI does not read it as "no changes".
    assert main(["diff", "--last"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [
        "client: no change report (.clientsmith-changes.json): no regeneration here has changed the API"]
    # The vendor renames the operation and drops PetList; the old spec is gone once regenerated.
    spec.write_text(SPEC.replace("operationId: listPets", "operationId: allPets").split("    PetList:")[0])
    assert main(["generate"]) == 0
    assert "pets: 1 breaking, 2 compatible changes (major)" in capsys.readouterr().out
    kept = tmp_path / "client" / ".clientsmith-changes.json"
    assert kept.parent.joinpath(".clientsmith-manifest.json").is_file()
    assert main(["diff", "--last", "--fail-on", "breaking"]) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "pets: 1 breaking, 2 compatible changes (major)"
    assert "BREAKING method-renamed: client.pets.all_pets: client.pets.list_pets is now client.pets.all_pets" in out
    assert main(["diff", "--last", "--output", "client", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["breaking"], data["compatible"], data["bump"]) == (1, 2, "major")
    # A regeneration that changes nothing for callers keeps the report; the output stays up to date for check.
    spec.write_text(spec.read_text().replace("description: the pets", "description: all the pets"))
    before = kept.read_bytes()
    assert main(["generate"]) == 0
    assert kept.read_bytes() != before  # the description is a (compatible) change too
    assert "docs-changed" in kept.read_text()
    capsys.readouterr()
    assert main(["generate"]) == 0
    assert "docs-changed" in kept.read_text()
    assert main(["check"]) == 0
    assert capsys.readouterr().out.strip().endswith("pets: up to date")
