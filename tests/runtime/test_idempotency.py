"""Retries never duplicate a write: the fault server counts the writes it applied (tests/fixtures/mini and vault)."""

from __future__ import annotations

import uuid

import pytest

from conftest import import_generated
from flavors import Flavor, generated
from loopback import Recorded, Reply

THING = {"data": {"id": "n", "type": "things"}}
CREATE = {"body": {"data": {"id": "n", "type": "things"}}}
BASIC = {"basic_auth": ("u", "p")}

class Writes:
    """A server that applies a POST once per idempotency key (every POST without one), after scripted faults.

    A dropped connection is dropped after the write was applied: the client cannot know whether it was."""

    def __init__(self, server, faults=()):
        self.faults = list(faults)
        self.applied: list[str | None] = []
        server.handler = self.handle

    def handle(self, recorded: Recorded) -> Reply:
        key = recorded.headers.get("idempotency-key")
        fault = self.faults.pop(0) if self.faults else None
        if fault == 503:
            return Reply(503, {})
        if key is None or key not in self.applied:
            self.applied.append(key)
        return Reply(201, THING, drop=fault == "drop")


@pytest.fixture
def mini():
    return import_generated(generated("mini", "mini"), "mini")  # one models layout is enough here


@pytest.fixture(params=["sync", "async"])
def flavor(request, mini):
    return Flavor(mini, request.param == "async")


def keys(server) -> list[str]:
    return [r.headers.get("idempotency-key") for r in server.requests]


@pytest.mark.parametrize("fault", [503, "drop"])
def test_key_filled_and_reused_so_a_retried_post_writes_once(flavor, server, fault):
    writes = Writes(server, faults=[fault])
    [result] = flavor.run({**BASIC, "base_url": server.url}, ("things.copy_thing", "t1"))
    assert result.data.id == "n"
    assert len(server.requests) == 2  # retried...
    first, second = keys(server)
    assert first == second and uuid.UUID(first).version == 4  # ...with one fresh key
    assert len(writes.applied) == 1  # so the server wrote once


def test_each_call_gets_its_own_key_and_a_callers_key_is_kept(flavor, server):
    Writes(server, faults=[None, None, 503, None, 503])
    flavor.run({**BASIC, "base_url": server.url}, ("things.copy_thing", "t1"), ("things.copy_thing", "t1"),
               ("things.copy_thing", "t1", {"idempotency_key": "mine"}),
               ("things.copy_thing", "t1", {"extra_headers": {"idempotency-key": "also-mine"}}))
    first, second, *rest = keys(server)
    assert first != second
    assert rest == ["mine", "mine", "also-mine", "also-mine"]


@pytest.mark.parametrize("fault, error", [(503, "ServerError"), ("drop", "ApiConnectionError")])
def test_post_without_a_key_is_not_retried_when_the_server_may_have_acted(flavor, server, fault, error):
    writes = Writes(server, faults=[fault])
    [result] = flavor.run({"api_key": "k", "base_url": server.url}, ("things.create_thing", CREATE))
    assert isinstance(result, getattr(flavor.package.errors, error))
    assert len(server.requests) == 1 and len(writes.applied) == (1 if fault == "drop" else 0)


def test_post_without_a_key_is_retried_when_the_server_did_not_act(flavor, server):
    writes = Writes(server)
    server.handler = lambda r: Reply(429, {}, headers={"Retry-After": "0"}) if len(server.requests) == 1 \
        else writes.handle(r)
    [result] = flavor.run({"api_key": "k", "base_url": server.url}, ("things.create_thing", CREATE))
    assert result.data.id == "n" and len(server.requests) == 2 and len(writes.applied) == 1


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
def test_header_name_is_matched_case_insensitively(server, is_async):
    vault = import_generated(generated("vault.yaml", "vault"), "vault")
    server.handler = lambda r: Reply(200, {"access_token": "t"}) if r.path == "/oauth/token" else (
        Reply(503, {}) if len(server.requests) == 2 else Reply(201, {"id": "s1"}))
    kwargs = {"client_id": "c", "client_secret": "s", "base_url": server.url}
    [result] = Flavor(vault, is_async).run(kwargs, ("secrets.create_secret", {"body": {"id": "s1"}}))
    assert result.id == "s1"
    first, second = [r.headers["idempotency-key"] for r in server.requests if r.path != "/oauth/token"]
    assert first == second and uuid.UUID(first)
