"""Piecewise YAML parsing gives what a full parse gives, data and lines, and re-parses only changed chunks."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from conftest import SHARED

import pytest

from clientsmith.cache import Cache
from clientsmith.cli import main
from clientsmith.spec import loader
from clientsmith.spec.loader import _parse_chunk, load_file, load_text
from clientsmith.spec.yaml_chunks import Unsplittable, parse_chunked

REAL = SHARED / "real"

SPEC = """\
# a comment above everything
openapi: 3.0.3
info:
  title: chunks
  version: '1'
paths:
  /pets:
    get:
      operationId: listPets
      summary: List pets
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Pets'
    post:
      operationId: addPet
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Pet'}
      responses:
        201:
          description: made
  /pets/{id}:
    parameters:
    - name: id
      in: path
      required: true
      schema: {type: string}
    get:
      operationId: getPet
      description: |
        A literal block.

        # not a comment
      responses:
        '200': {description: ok}
components:
  schemas:
    Pet:
      type: object
      properties:
        name: {type: string}
        age: {type: number, example: 1e-08}
    Pets:
      type: array
      items:
        $ref: '#/components/schemas/Pet'
security:
- key: []
tags:
- name: pets
"""


def chunked(text: str, known: dict | None = None):
    return parse_chunked(text, partial(_parse_chunk, "s.yaml"), known or {})


def full(text: str):
    loaded = load_text(text, "s.yaml")
    return loaded.data, loaded.lines


def test_same_data_and_lines_as_a_full_parse():
    data, lines, kept = chunked(SPEC)
    assert (data, lines) == full(SPEC)
    assert list(data) == ["openapi", "info", "paths", "components", "security", "tags"]  # order kept
    assert lines["/paths/~1pets~1{id}/get/description"] == 35
    assert len(kept) > 10  # operations and schemas are chunks of their own


@pytest.mark.parametrize("name", ["datadog/openapi-v2.yaml", "corpus/linode.yaml", "corpus/mistral.yaml"])
def test_same_as_a_full_parse_on_real_specs(name):
    path = REAL / name
    if not path.exists():
        pytest.skip(f"{path} not present")
    text = path.read_text(encoding="utf-8")
    data, lines, _ = chunked(text)
    assert (data, lines) == full(text)


def test_only_changed_chunks_are_parsed_and_lines_follow_an_edit(monkeypatch):
    _, _, kept = chunked(SPEC)
    parsed: list[str] = []
    monkeypatch.setattr(loader, "_parse_chunk", lambda *a: parsed.append(a[1]) or _parse_chunk(*a))
    # One operation changed, and two lines added above later chunks.
    edited = SPEC.replace("summary: List pets\n", "summary: List all pets\n      # note\n\n")
    data, lines, kept2 = parse_chunked(edited, partial(loader._parse_chunk, "s.yaml"), kept)
    assert (data, lines) == full(edited)
    assert len(parsed) == 1 and "List all pets" in parsed[0]
    assert lines["/components/schemas/Pets"] == full(SPEC)[1]["/components/schemas/Pets"] + 2
    assert set(kept2) != set(kept)  # the old chunk is dropped, the new one kept


@pytest.mark.parametrize(
    "text",
    [
        "---\nopenapi: 3.0.3\n",  # a document marker
        "%YAML 1.2\n---\na: 1\n",  # a directive
        "a: 1\n---\nb: 2\n",  # two documents
        "{a: 1,\nb: 2}\n",  # flow-style root
        "a:\n  x: &anchor {k: 1}\nb:\n  y: *anchor\n",  # an alias to another chunk's anchor
        "base: &b\n  k: 1\nother:\n  <<: *b\n  j: 2\n",  # a merge key across chunks
        "- a\n- b\n",  # a sequence root
        "a: 1\r b: 2\n",  # a lone CR counts as a line break
        "a:\n  x: 1\na:\n  y: 2\n",  # a duplicate key across chunks
        "a: 'multi\nb: line'\n",  # a quoted scalar over a cut
    ],
)
def test_odd_yaml_falls_back_to_a_full_parse(text):
    with pytest.raises(Unsplittable):
        chunked(text)


def test_anchors_within_one_chunk_are_fine():
    text = "paths:\n  /a:\n    get: &op {operationId: a}\n    put: *op\nb: 1\n"
    with pytest.raises(Unsplittable):  # the operations are chunks of their own: the alias crosses one
        chunked(text)
    inside = "components:\n  schemas:\n    A:\n      properties:\n        x: &t {type: string}\n        y: *t\n"
    data, lines, _ = chunked(inside)
    assert (data, lines) == full(inside)


def test_flow_values_and_crlf_parse_in_chunks():
    text = "a: {x: [1, 2],\n  y: 3}\nb:\r\n  c: [\r\n    1]\r\n  d: 'q'\r\n"
    data, lines, _ = chunked(text)
    assert (data, lines) == full(text)


def generate(cache: Path | None) -> int:
    caching = ["--cache-dir", str(cache)] if cache else ["--no-cache"]
    return main(["generate", "--spec", "spec.yaml", "--package", "pets", "--output", "out", *caching])


def test_load_file_uses_the_store_and_is_identical(tmp_path):
    spec = tmp_path / "spec.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    cache = Cache(tmp_path / "cache")
    first = load_file(spec, "spec.yaml", cache)
    assert (first.data, first.lines) == full(SPEC)
    assert list((tmp_path / "cache" / "load-chunks").rglob("*"))  # the chunks were kept
    spec.write_text(SPEC.replace("List pets", "List every pet"), encoding="utf-8")
    second = load_file(spec, "spec.yaml", cache)
    assert second.data["paths"]["/pets"]["get"]["summary"] == "List every pet"
    assert (second.data, second.lines) == full(spec.read_text())


def test_problem_in_a_reused_chunk_after_an_edit_names_its_new_line(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    spec = tmp_path / "spec.yaml"
    cache = tmp_path / "cache"
    broken = SPEC.replace("        age: {type: number, example: 1e-08}\n", "        age: {type: numbr}\n")
    spec.write_text(broken, encoding="utf-8")
    line = broken.splitlines().index("        age: {type: numbr}") + 1
    assert generate(cache) == 1
    assert capsys.readouterr().err.strip().startswith(f"spec.yaml:{line}: /components/schemas/Pet/properties/age")
    # Three lines added in the first operation: the schema's chunk is taken from the store, three lines down.
    edited = broken.replace("summary: List pets\n", "summary: List pets\n      description: >\n        more\n        text\n")
    spec.write_text(edited, encoding="utf-8")
    assert generate(cache) == 1
    out = capsys.readouterr().err.strip()
    assert out.startswith(f"spec.yaml:{line + 3}: /components/schemas/Pet/properties/age"), out
    # The same problem with no cache: a full parse reports the same line.
    assert generate(None) == 1
    assert capsys.readouterr().err.strip() == out


def test_yaml_error_in_an_edited_chunk_is_located_by_the_full_parse(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    spec = tmp_path / "spec.yaml"
    cache = tmp_path / "cache"
    spec.write_text(SPEC, encoding="utf-8")
    assert generate(cache) == 0
    capsys.readouterr()
    broken = SPEC.replace("      type: array\n", "      type: array\n     bad: indent\n")
    spec.write_text(broken, encoding="utf-8")
    line = broken.splitlines().index("     bad: indent") + 1
    assert generate(cache) == 1
    out = capsys.readouterr().err.strip()
    assert out.startswith("spec.yaml:") and "YAML does not parse" in out
    assert int(out.split(":")[1]) in (line - 1, line), out  # where the parser notices it
    assert generate(None) == 1
    assert capsys.readouterr().err.strip() == out
