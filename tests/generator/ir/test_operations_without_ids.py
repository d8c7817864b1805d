"""An operation without an operationId still generates: the IR names it `<method>_<path>`, and so do the
models made from its inline schemas (datamodel-code-generator would refuse it otherwise)."""

from __future__ import annotations

from conftest import import_generated

SPEC = """\
openapi: 3.0.3
info: {title: no ids, version: "1"}
servers: [{url: "https://n.example.com"}]
paths:
  /neighbors/{id}:
    get:
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: object, properties: {peer: {type: string}}}
"""


def test_an_operation_without_an_operation_id_generates(tmp_path, server):
    from clientsmith.config import ClientTarget
    from clientsmith.pipeline import generate
    from loopback import Reply

    (tmp_path / "spec.yaml").write_text(SPEC)
    generate(ClientTarget(tmp_path / "spec.yaml", "noids", "noids", tmp_path / "out"), base=tmp_path)
    package = import_generated(tmp_path / "out", "noids")
    server.reply(Reply(200, {"peer": "a"}))
    with package.Client(base_url=server.url) as client:
        assert client.neighbors.get_neighbors_id("n1").peer == "a"
