"""Remote refs are refused by default and followed with --allow-remote-refs (served here on loopback)."""

from __future__ import annotations

import importlib

import yaml

from conftest import import_generated
from loopback import Reply

from clientsmith.cli import main

REMOTE = """\
Thing:
  type: object
  required: [id]
  properties:
    id: {type: string}
    owner: {$ref: '#/Owner'}
    tags: {$ref: 'common.yaml#/Tags'}
Owner:
  type: object
  properties:
    name: {type: string}
    best_thing: {$ref: '#/Thing'}
"""
COMMON = "Tags:\n  type: array\n  items: {type: string}\n"


def spec_text(url: str) -> str:
    return f"""\
openapi: 3.0.3
info: {{title: remote, version: "1"}}
paths:
  /things/{{id}}:
    get:
      operationId: getThing
      parameters:
        - {{name: id, in: path, required: true, schema: {{type: string}}}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {{$ref: '{url}/schemas.yaml#/Thing'}}
"""


def serve(server):
    def handler(request):
        return {"/schemas.yaml": Reply(200, REMOTE), "/common.yaml": Reply(200, COMMON)}.get(
            request.path, Reply(404, "missing"))

    server.handler = handler


def test_remote_refs_refused_without_the_flag(tmp_path, server, capsys):
    serve(server)
    spec = tmp_path / "spec.yaml"
    spec.write_text(spec_text(server.url))
    assert main(["validate", str(spec)]) == 1
    assert f"remote $ref '{server.url}/schemas.yaml#/Thing' is not followed" in capsys.readouterr().out
    assert server.requests == []  # nothing was fetched


def test_remote_refs_followed_with_the_flag(tmp_path, server):
    serve(server)
    spec = tmp_path / "spec.yaml"
    spec.write_text(spec_text(server.url))
    out = tmp_path / "out"
    assert main(["generate", "--allow-remote-refs", "--no-cache", "--spec", str(spec), "--package", "remote",
                 "--output", str(out)]) == 0
    import_generated(out, "remote")
    models = importlib.import_module("remote.models")
    thing = models.Thing.model_validate({"id": "1", "owner": {"name": "n", "best_thing": {"id": "2"}}, "tags": ["a"]})
    assert thing.owner.best_thing.id == "2" and thing.tags == ["a"]
    assert sorted(r.path for r in server.requests) == ["/common.yaml", "/schemas.yaml"]  # each fetched once


def test_unreachable_remote_ref_is_a_located_error(tmp_path, server, capsys):
    serve(server)
    spec = tmp_path / "spec.yaml"
    spec.write_text(spec_text(server.url).replace("schemas.yaml", "gone.yaml"))
    assert main(["validate", "--allow-remote-refs", str(spec)]) == 1
    [line] = capsys.readouterr().out.strip().splitlines()  # the ref is not reported a second time
    assert line.startswith(f"{spec.as_posix()}:14: /paths/~1things~1{{id}}/get/responses/200/content/")
    assert "cannot fetch remote $ref" in line and "404" in line


PARTS = """\
limit:
  name: limit
  in: query
  schema: {type: integer, maximum: 50}
thing:
  description: one thing
  content:
    application/json:
      schema: {$ref: 'schemas.yaml#/Thing'}
"""


def test_remote_parameter_and_response_land_in_their_sections(tmp_path, server):
    """Remote refs go through bundling like local files: not only schemas."""
    def handler(request):
        return {"/schemas.yaml": Reply(200, REMOTE), "/common.yaml": Reply(200, COMMON),
                "/parts.yaml": Reply(200, PARTS)}.get(request.path, Reply(404, "missing"))

    server.handler = handler
    spec = tmp_path / "spec.yaml"
    spec.write_text(f"""\
openapi: 3.0.3
info: {{title: remote, version: "1"}}
paths:
  /things:
    get:
      operationId: listThings
      parameters:
        - $ref: '{server.url}/parts.yaml#/limit'
      responses:
        '200':
          $ref: '{server.url}/parts.yaml#/thing'
""")
    out = tmp_path / "bundled.yaml"
    assert main(["bundle", "--allow-remote-refs", str(spec), "-o", str(out)]) == 0
    document = yaml.safe_load(out.read_text())
    assert document["paths"]["/things"]["get"]["parameters"] == [{"$ref": "#/components/parameters/limit"}]
    assert document["components"]["parameters"]["limit"]["schema"] == {"type": "integer", "maximum": 50}
    assert document["components"]["responses"]["thing"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Thing"}
    assert sorted(document["components"]["schemas"]) == ["Owner", "Tags", "Thing"]
    assert sorted(r.path for r in server.requests) == ["/common.yaml", "/parts.yaml", "/schemas.yaml"]
