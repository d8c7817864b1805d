"""Parameter names users see: operators in wire names read as words, not as numbered duplicates."""

from __future__ import annotations

SPEC = """\
openapi: 3.0.3
info: {title: ops, version: "1"}
servers: [{url: "https://o.example.com"}]
paths:
  /events:
    get:
      operationId: list_events
      parameters:
        - {name: StartTime, in: query, schema: {type: string}}
        - {name: StartTime<, in: query, schema: {type: string}}
        - {name: StartTime>, in: query, schema: {type: string}}
        - {name: "Count>=", in: query, schema: {type: integer}}
      responses:
        "200": {description: ok}
"""


def test_operator_parameters_get_meaningful_names_and_keep_their_wire_names(tmp_path, server):
    from conftest import import_generated
    from clientsmith.config import ClientTarget
    from clientsmith.pipeline import generate
    from loopback import Reply

    (tmp_path / "spec.yaml").write_text(SPEC)
    generate(ClientTarget(tmp_path / "spec.yaml", "ops", "ops", tmp_path / "out"), base=tmp_path)
    package = import_generated(tmp_path / "out", "ops")
    server.reply(Reply(204))
    with package.Client(base_url=server.url) as client:
        client.events.list_events(start_time="a", start_time_lt="b", start_time_gt="c", count_gte=3)
    assert server.requests[0].query == [("StartTime", "a"), ("StartTime<", "b"), ("StartTime>", "c"), ("Count>=", "3")]
