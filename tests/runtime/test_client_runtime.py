"""The generated client against a real HTTP server on loopback (fixture spec tests/fixtures/mini)."""

from __future__ import annotations

import pytest

from conftest import import_generated
from loopback import Reply

THING = {"data": {"id": "t1", "type": "things", "name": None, "createdAt": "2024-01-02T03:04:05Z", "extra": 1}}


@pytest.fixture
def mini(mini_package):
    return import_generated(mini_package, "mini")


def test_get_returns_typed_model_and_sends_key(mini, server):
    server.reply(Reply(200, THING))
    with mini.Client(api_key="k-123", base_url=server.url) as client:
        thing = client.things.get_thing("t1", include=["users", "attachments"])
    from mini.models import ThingResponse

    assert isinstance(thing, ThingResponse)
    assert thing.data.id == "t1"
    assert thing.data.created_at.year == 2024
    assert thing.data.model_extra == {"extra": 1}  # unknown fields are kept
    request = server.requests[0]
    assert request.method == "GET"
    assert request.path == "/things/t1"
    assert request.query == [("include", "users,attachments")]  # explode: false
    assert request.headers["x-api-key"] == "k-123"
    assert request.headers["user-agent"].startswith("mini/")


def test_path_parameter_cannot_leave_its_segment(mini, server):
    server.reply(Reply(200, THING), Reply(200, THING))
    with mini.Client(api_key="k", base_url=server.url) as client:
        client.things.get_thing("a/../b?x=1#f")
        client.things.get_thing("..")
    assert server.requests[0].path == "/things/a%2F..%2Fb%3Fx%3D1%23f"
    assert server.requests[0].query == []
    assert server.requests[1].path == "/things/%2E%2E"


def test_delete_204_returns_none(mini, server):
    server.reply(Reply(204, None))
    with mini.Client(api_key="k", base_url=server.url) as client:
        assert client.things.delete_thing("t1") is None
    assert server.requests[0].method == "DELETE"


def test_error_status_raises_typed_error_with_parsed_body(mini, server):
    server.reply(Reply(404, {"errors": ["not found"]}))
    with mini.Client(api_key="secret-key", base_url=server.url, max_retries=0) as client:
        with pytest.raises(mini.errors.NotFoundError) as caught:
            client.things.get_thing("nope")
    error = caught.value
    assert error.status_code == 404
    assert error.body.errors == ["not found"]
    assert error.method == "GET" and error.url.endswith("/things/nope")
    assert "secret-key" not in str(error) and "secret-key" not in repr(error)


def test_error_body_that_does_not_match_its_model_is_kept_raw(mini, server):
    server.reply(Reply(404, {"errors": [{"title": "Generic Error", "detail": "incident not found"}]}))
    with mini.Client(api_key="k", base_url=server.url) as client:
        with pytest.raises(mini.errors.NotFoundError) as caught:
            client.things.get_thing("nope")
    assert caught.value.body == {"errors": [{"title": "Generic Error", "detail": "incident not found"}]}


def test_raw_response(mini, server):
    server.reply(Reply(200, THING, headers={"X-Trace": "abc"}))
    with mini.Client(api_key="k", base_url=server.url) as client:
        raw = client.things.with_raw_response.get_thing("t1")
    assert raw.status_code == 200
    assert raw.headers["x-trace"] == "abc"
    assert raw.parse().data.id == "t1"


async def test_raw_response_async_and_only_for_that_call(mini, server):
    server.reply(Reply(404, {"errors": ["gone"]}, headers={"X-Trace": "t404"}), Reply(200, THING), Reply(200, THING))
    async with mini.AsyncClient(api_key="k", base_url=server.url) as client:
        with pytest.raises(mini.errors.NotFoundError) as caught:  # raised, as the plain call does
            await client.things.with_raw_response.get_thing("t1")
        assert caught.value.response.status_code == 404 and caught.value.headers["x-trace"] == "t404"
        assert client.things.with_raw_response.get_thing.__name__ == "get_thing"
        parsed = await client.things.get_thing("t1")  # the next plain call parses again
        raw_ok = await client.things.with_raw_response.get_thing("t1")
    assert parsed.data.id == "t1" and raw_ok.parse().data.id == "t1"


def test_token_provider_calls_inside_a_raw_call_are_not_raw(mini, server):
    """A credential provider that itself calls the API (another client) gets parsed results."""
    server.reply(Reply(200, THING), Reply(200, THING))
    seen = []
    with mini.Client(api_key="k", base_url=server.url) as inner:
        def token() -> str:
            seen.append(inner.things.get_thing("t0"))
            return "tok"

        with mini.Client(access_token=token, base_url=server.url) as outer:
            raw = outer.things.with_raw_response.get_thing("t1")
    assert type(seen[0]).__name__ == "ThingResponse" and raw.status_code == 200


def test_server_variables_checked_and_base_url_overrides(mini):
    assert mini.server_url() == "https://api.example.com"
    assert mini.server_url(site="example.eu", subdomain="x") == "https://x.example.eu"
    with pytest.raises(ValueError, match="site must be one of"):
        mini.Client(api_key="k", site="evil.example")
    client = mini.Client(api_key="k", base_url="http://127.0.0.1:1/")
    assert client.base_url == "http://127.0.0.1:1"
    assert "k" not in repr(client).replace("base_url", "")


def test_missing_credentials_is_a_clear_error(mini, server):
    with mini.Client(base_url=server.url) as client:
        with pytest.raises(mini.errors.MissingCredentialsError, match="get_thing needs credentials: api_key= or access_token="):
            client.things.get_thing("t1")
    assert server.requests == []


def test_oauth_token_provider_is_called_per_request(mini, server):
    server.reply(Reply(200, THING), Reply(200, THING))
    tokens = iter(["tok-1", "tok-2"])
    with mini.Client(access_token=lambda: next(tokens), base_url=server.url) as client:
        client.things.get_thing("a")
        client.things.get_thing("b")
    assert [r.headers["authorization"] for r in server.requests] == ["Bearer tok-1", "Bearer tok-2"]


async def test_async_client(mini, server):
    server.reply(Reply(200, THING), Reply(204, None))

    async def token() -> str:
        return "async-tok"

    async with mini.AsyncClient(access_token=token, base_url=server.url) as client:
        thing = await client.things.get_thing("t1")
        assert thing.data.id == "t1"
        assert await client.things.delete_thing("t1") is None
    assert server.requests[0].headers["authorization"] == "Bearer async-tok"


def test_httpx_loads_on_the_first_request_not_at_import(mini_package, server):
    """Importing the package and making a client (sync or async) leave httpx unloaded (it is most of what
    importing would cost); the first request loads it, and the default timeout is httpx's 60 s, 10 to connect."""
    from conftest import run_python

    server.reply(Reply(200, {"data": {"id": "t1", "type": "things"}}))
    probe = f"""
        import sys
        import mini
        client = mini.Client(api_key="k", base_url={server.url!r})
        mini.AsyncClient(api_key="k", base_url={server.url!r}).things
        client.things
        print("httpx" in sys.modules)
        print(client.things.get_thing("t1").data.id, "httpx" in sys.modules)
        import httpx
        print(client.timeout == httpx.Timeout(60.0, connect=10.0), client.with_options(timeout=5.0).timeout)
    """
    run = run_python(mini_package, probe, check=True)
    assert run.stdout.splitlines() == ["False", "t1 True", "True 5.0"]
