"""`servers` on an operation or a path item override the document's (fixture tests/fixtures/hosts.yaml),
with the client's server variables; `base_url=` still overrides everything."""

from __future__ import annotations

import pytest

from conftest import FIXTURES, generate_fixture, import_generated
from loopback import Reply


@pytest.fixture(scope="session")
def hosts_output(tmp_path_factory: pytest.TempPathFactory):
    return generate_fixture(tmp_path_factory, "hosts.yaml", "hosts")


@pytest.fixture
def hosts(hosts_output):
    return import_generated(hosts_output, "hosts")


def port_of(server) -> str:
    return server.url.rsplit(":", 1)[1]


def test_operation_and_path_servers_take_the_client_variables(hosts, server):
    server.reply(Reply(200, []), Reply(202), Reply(200, []))
    with hosts.Client(port=port_of(server), region="us") as client:
        client.items.list_items()
        client.events.send_events(body=["e"])
        client.logs.tail_logs()
    assert [r.path for r in server.requests] == ["/api/items", "/intake/us/events", "/logs-host/logs"]


async def test_async_operation_servers(hosts, server):
    server.reply(Reply(202))
    async with hosts.AsyncClient(port=port_of(server)) as client:
        await client.events.send_events(body=["e"])
    assert server.requests[0].path == "/intake/eu/events"  # the variable's default


def test_base_url_overrides_operation_servers_too(hosts, server):
    server.reply(Reply(202), Reply(200, []))
    with hosts.Client(base_url=server.url + "/proxy") as client:
        client.events.send_events(body=["e"])
        client.logs.tail_logs()
    assert [r.path for r in server.requests] == ["/proxy/events", "/proxy/logs"]


def test_the_ir_carries_operation_servers(hosts_output):
    from clientsmith.pipeline import build_api, load_and_validate

    spec, _ = load_and_validate(FIXTURES / "hosts.yaml")
    api, _ = build_api(spec, "hosts", "hosts")
    servers = {op.method_name: [s.url for s in op.servers] for op in api.operations}
    assert servers == {"list_items": [], "send_events": ["http://127.0.0.1:{port}/intake/{region}"],
                       "tail_logs": ["http://127.0.0.1:{port}/logs-host"]}
    variables = {v.name: v.python_name for op in api.operations for s in op.servers for v in s.variables}
    assert variables == {"port": "port", "region": "region"}  # the same arguments as the document's


def test_operations_without_tags_are_grouped_by_path():
    from clientsmith.ir.build import path_group

    assert [path_group(p) for p in ("/api/v2/incidents/{id}", "/v1.2/items", "/{tenant}/logs", "/", "/API/3/x")] == [
        "incidents", "items", "logs", "default", "x"]
