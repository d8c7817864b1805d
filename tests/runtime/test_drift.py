"""Exact on the wire, tolerant of spec drift (fixture spec tests/fixtures/mini): a dict body goes out as
the caller wrote it, a body or response the spec disagrees with still works unless `strict=True`."""

from __future__ import annotations

import json
import logging
import uuid
from datetime import datetime, timezone
from decimal import Decimal

import pytest

from conftest import import_generated
from loopback import Reply

THING = {"data": {"id": "t1", "type": "things"}}


@pytest.fixture
def mini(mini_package):
    return import_generated(mini_package, "mini")


def drift_records(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno == logging.WARNING and r.name == "mini"]


def test_dict_body_strings_reach_the_wire_byte_for_byte(mini, server):
    server.reply(Reply(201, THING), Reply(201, THING))
    with mini.Client(api_key="k", base_url=server.url) as client:
        client.things.create_thing(body={"data": {"id": "n", "type": "things", "createdAt": "2025-09-12T14:50:00.000Z"}})
        client.things.create_thing(body={"data": {"id": "n", "type": "things", "createdAt": "2025-09-12T14:50:00.434Z"}})
    assert b'"createdAt":"2025-09-12T14:50:00.000Z"' in server.requests[0].body
    assert b'"createdAt":"2025-09-12T14:50:00.434Z"' in server.requests[1].body


def test_python_names_map_to_wire_names_and_typed_values_follow_the_spec(mini, server):
    server.reply(Reply(201, THING))
    moment = datetime(2025, 9, 12, 14, 50, 0, 434000, tzinfo=timezone.utc)
    ident = uuid.UUID("6a1c9d4e-0000-4000-8000-000000000001")
    from mini.models import ThingType

    with mini.Client(api_key="k", base_url=server.url) as client:
        client.things.create_thing(body={"data": {
            "id": "n", "type": ThingType.THINGS, "created_at": moment, "extra": {"ref": ident, "amount": Decimal("1.50")},
        }})
    sent = server.requests[0].json()
    assert sent == {"data": {"id": "n", "type": "things", "createdAt": "2025-09-12T14:50:00.434000Z",
                             "extra": {"ref": str(ident), "amount": "1.50"}}}


def test_a_model_body_is_sent_as_the_model_dumps(mini, server):
    server.reply(Reply(201, THING))
    from mini.models import Thing, ThingCreateRequest

    with mini.Client(api_key="k", base_url=server.url) as client:
        client.things.create_thing(body=ThingCreateRequest(data=Thing(id="n", type="things", created_at="2025-09-12T14:50:00.000Z")))
    # The model parsed the timestamp: it goes out as pydantic writes it, the caller's model decides.
    assert server.requests[0].json() == {"data": {"id": "n", "type": "things", "createdAt": "2025-09-12T14:50:00Z"}}


def test_a_drifting_dict_body_is_sent_with_a_warning(mini, server, caplog):
    server.reply(Reply(201, THING))
    caplog.set_level(logging.WARNING)
    with mini.Client(api_key="k", base_url=server.url) as client:
        client.things.create_thing(body={"data": {"id": 5, "type": "things"}})
    assert server.requests[0].json() == {"data": {"id": 5, "type": "things"}}
    [record] = drift_records(caplog)
    assert "create_thing" in record.getMessage() and "data.id" in record.getMessage()
    assert record.problems == ["data.id: Input should be a valid string"]


def test_strict_per_call_refuses_and_per_call_lenient_overrides_a_strict_client(mini, server):
    server.reply(Reply(201, THING))
    with mini.Client(api_key="k", base_url=server.url) as client:
        with pytest.raises(mini.errors.RequestValidationError) as caught:
            client.things.create_thing(body={"data": {"id": 5}}, strict=True)
    assert caught.value.problems and server.requests == []
    with mini.Client(api_key="k", base_url=server.url, strict=True) as client:
        client.things.create_thing(body={"data": {"id": 5, "type": "things"}}, strict=False)
    assert len(server.requests) == 1


DRIFTED = {"data": {"id": "t1", "type": "things", "createdAt": "last tuesday", "name": None, "seen": {"n": 1}},
           "meta": {"page": 1}}


def check_drifted(thing) -> None:
    assert thing.data.id == "t1"
    assert thing.data.type.value == "things"
    assert thing.data.created_at == "last tuesday"  # the part that does not fit stays plain JSON
    assert thing.data.model_extra == {"seen": {"n": 1}}
    assert thing.model_extra == {"meta": {"page": 1}}


def test_a_drifting_response_returns_its_data_with_a_warning(mini, server, caplog):
    server.reply(Reply(200, DRIFTED), Reply(200, DRIFTED))
    caplog.set_level(logging.WARNING)
    with mini.Client(api_key="k", base_url=server.url) as client:
        check_drifted(client.things.get_thing("t1"))
        raw = client.things.with_raw_response.get_thing("t1")
        check_drifted(raw.parse())
    assert raw.problems == ["data.createdAt: Input should be a valid datetime or date, invalid character in year"]
    assert len(drift_records(caplog)) == 2 and "get_thing" in drift_records(caplog)[0].getMessage()


async def test_async_drift_default_and_strict(mini, server, caplog):
    server.reply(Reply(200, DRIFTED), Reply(200, DRIFTED), Reply(201, THING))
    caplog.set_level(logging.WARNING)
    async with mini.AsyncClient(api_key="k", base_url=server.url) as client:
        check_drifted(await client.things.get_thing("t1"))
        with pytest.raises(mini.errors.ResponseValidationError) as caught:
            await client.things.get_thing("t1", strict=True)
        assert caught.value.body == DRIFTED
        await client.things.create_thing(body={"data": {"id": 5, "type": "things"}})
    assert json.loads(server.requests[2].body) == {"data": {"id": 5, "type": "things"}}
    assert len(drift_records(caplog)) == 2


def test_a_strict_client_raises_on_a_drifting_response(mini, server):
    server.reply(Reply(200, DRIFTED))
    with mini.Client(api_key="k", base_url=server.url, strict=True) as client:
        with pytest.raises(mini.errors.ResponseValidationError):
            client.things.get_thing("t1")


def test_a_parameter_named_strict_does_not_take_the_call_option(tmp_path):
    from clientsmith.config import ClientTarget
    from clientsmith.pipeline import generate

    spec = tmp_path / "strict.yaml"
    spec.write_text("""\
openapi: 3.0.3
info: {title: s, version: "1"}
servers: [{url: "https://s.example.com"}]
paths:
  /things:
    get:
      operationId: list_things
      parameters:
        - {name: strict, in: query, schema: {type: boolean}}
      responses:
        "200": {description: ok}
""")
    out = tmp_path / "out"
    generate(ClientTarget(spec, "strict_pkg", "strict-pkg", out), base=tmp_path)
    package = import_generated(out, "strict_pkg")
    import inspect

    parameters = inspect.signature(package.Client(base_url="http://x").things.list_things).parameters
    assert "strict_" in parameters and parameters["strict"].default is None
