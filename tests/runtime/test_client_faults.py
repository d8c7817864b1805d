"""The generated client against a fault server on loopback: timeouts, rate limits, 5xx, dropped connections."""

from __future__ import annotations

import email.utils
import time

import pytest

from conftest import import_generated
from loopback import Reply

THING = {"data": {"id": "t1", "type": "things"}}
CREATE = {"data": {"id": "n", "type": "things"}}


@pytest.fixture
def mini(mini_package):
    return import_generated(mini_package, "mini")


@pytest.fixture(params=["sync", "async"])
def call(request, mini, server):
    """Run `fn(client)` with a sync or an async client, so each fault is checked both ways."""

    def run(fn_name, *args, client_kwargs=None, **kwargs):
        kwargs_client = {"api_key": "k", "base_url": server.url, **(client_kwargs or {})}
        resource, method = fn_name.split(".")
        if request.param == "sync":
            with mini.Client(**kwargs_client) as client:
                return getattr(getattr(client, resource), method)(*args, **kwargs)

        import asyncio

        async def main():
            async with mini.AsyncClient(**kwargs_client) as client:
                return await getattr(getattr(client, resource), method)(*args, **kwargs)

        return asyncio.run(main())

    return run


def test_timeout_raises_api_timeout_error(call, mini, server):
    server.reply(*[Reply(200, THING, delay=1.0)] * 3)
    started = time.monotonic()
    with pytest.raises(mini.errors.ApiTimeoutError):
        call("things.get_thing", "t1", timeout=0.2, max_retries=0)
    assert time.monotonic() - started < 0.9


def test_client_timeout_applies_when_call_gives_none(call, mini, server):
    server.reply(Reply(200, THING, delay=1.0))
    with pytest.raises(mini.errors.ApiTimeoutError):
        call("things.get_thing", "t1", client_kwargs={"timeout": 0.2, "max_retries": 0})


def test_429_with_retry_after_then_success(call, server):
    server.reply(Reply(429, {"errors": ["slow down"]}, headers={"Retry-After": "1"}), Reply(200, THING))
    started = time.monotonic()
    thing = call("things.get_thing", "t1")
    assert thing.data.id == "t1"
    assert len(server.requests) == 2
    assert time.monotonic() - started >= 0.95


def test_retry_after_as_http_date(call, server):
    when = email.utils.formatdate(time.time() + 1, usegmt=True)
    server.reply(Reply(429, {}, headers={"Retry-After": when}), Reply(200, THING))
    assert call("things.get_thing", "t1").data.id == "t1"
    assert len(server.requests) == 2


def test_rate_limit_reset_header(call, server):
    server.reply(Reply(429, {}, headers={"X-RateLimit-Reset": "0"}), Reply(200, THING))
    assert call("things.get_thing", "t1").data.id == "t1"
    assert len(server.requests) == 2


def test_retry_after_beyond_the_cap_is_not_waited_for(call, mini, server):
    server.reply(Reply(429, {}, headers={"Retry-After": "3600"}))
    with pytest.raises(mini.errors.RateLimitError):
        call("things.get_thing", "t1")
    assert len(server.requests) == 1


def test_503_twice_then_success_on_get(call, server):
    server.reply(Reply(503, {}), Reply(503, {}), Reply(200, THING))
    assert call("things.get_thing", "t1").data.id == "t1"
    assert len(server.requests) == 3


def test_503_on_post_is_not_retried(call, mini, server):
    server.reply(Reply(503, {}), Reply(201, CREATE))
    with pytest.raises(mini.errors.ServerError) as caught:
        call("things.create_thing", body={"data": {"id": "n", "type": "things"}})
    assert caught.value.status_code == 503
    assert len(server.requests) == 1  # a create is never sent twice


def test_429_on_post_is_retried(call, server):
    server.reply(Reply(429, {}, headers={"Retry-After": "0"}), Reply(201, CREATE))
    assert call("things.create_thing", body={"data": {"id": "n", "type": "things"}}).data.id == "n"
    assert len(server.requests) == 2


def test_post_with_idempotency_key_is_retried_on_503(call, server):
    server.reply(Reply(503, {}), Reply(201, CREATE))
    result = call("things.copy_thing", "t1", idempotency_key="k1", client_kwargs={"basic_auth": ("u", "p")})
    assert result.data.id == "n"
    assert [r.headers["idempotency-key"] for r in server.requests] == ["k1", "k1"]


def test_max_retries_per_client_and_per_call(call, mini, server):
    server.reply(*[Reply(503, {})] * 6)
    with pytest.raises(mini.errors.ServerError):
        call("things.get_thing", "t1", client_kwargs={"max_retries": 0})
    assert len(server.requests) == 1
    with pytest.raises(mini.errors.ServerError):
        call("things.get_thing", "t1", client_kwargs={"max_retries": 0}, max_retries=1)
    assert len(server.requests) == 3


def test_connection_dropped_mid_response_is_retried_for_get(call, server):
    server.reply(Reply(200, THING, drop=True), Reply(200, THING))
    assert call("things.get_thing", "t1").data.id == "t1"
    assert len(server.requests) == 2


def test_connection_dropped_mid_response_is_not_retried_for_post(call, mini, server):
    server.reply(Reply(201, CREATE, drop=True), Reply(201, CREATE))
    with pytest.raises(mini.errors.ApiConnectionError):
        call("things.create_thing", body={"data": {"id": "n", "type": "things"}})
    assert len(server.requests) == 1


def test_connection_refused_is_retried_then_raised(mini):
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with mini.Client(api_key="k", base_url=f"http://127.0.0.1:{port}", max_retries=1) as client:
        with pytest.raises(mini.errors.ApiConnectionError) as caught:
            client.things.create_thing(body={"data": {"id": "n", "type": "things"}})
    assert "k" not in str(caught.value).replace("127.0.0.1", "")


def test_success_body_that_is_not_json(call, mini, server):
    server.reply(Reply(200, "<html>oops</html>"))
    with pytest.raises(mini.errors.ResponseValidationError) as caught:
        call("things.get_thing", "t1")
    assert caught.value.body == "<html>oops</html>"
    assert caught.value.status_code == 200


def test_unknown_enum_value_and_unknown_fields_parse(call, server):
    server.reply(Reply(200, {"data": {"id": "t1", "type": "gadgets", "new_field": {"a": 1}}, "meta": 1}))
    thing = call("things.get_thing", "t1")
    assert thing.data.type.value == "gadgets"
    assert thing.data.model_extra == {"new_field": {"a": 1}}
    assert thing.model_extra == {"meta": 1}
    assert thing.model_dump(mode="json", by_alias=True)["data"]["new_field"] == {"a": 1}


def test_undeclared_error_status_keeps_raw_body(call, mini, server):
    server.reply(Reply(418, "I'm a teapot"))
    with pytest.raises(mini.errors.ApiError) as caught:
        call("things.get_thing", "t1")
    assert type(caught.value) is mini.errors.ApiError
    assert caught.value.body == "I'm a teapot"
    assert "418" in str(caught.value) and "GET" in str(caught.value) and "/things/t1" in str(caught.value)


@pytest.mark.parametrize(
    "status, name",
    [(400, "BadRequestError"), (401, "AuthenticationError"), (403, "PermissionDeniedError"),
     (404, "NotFoundError"), (409, "ConflictError"), (422, "UnprocessableEntityError"),
     (429, "RateLimitError"), (500, "ServerError"), (502, "ServerError")],
)
def test_error_class_per_status(mini, server, status, name):
    server.reply(Reply(status, {"errors": ["x"]}, headers={"Retry-After": "0"}))
    with mini.Client(api_key="k", base_url=server.url, max_retries=0) as client:
        with pytest.raises(getattr(mini.errors, name)) as caught:
            client.things.get_thing("t1")
    assert caught.value.status_code == status
    assert isinstance(caught.value, mini.errors.ApiError)


def test_error_message_read_after_the_client_closed_still_hides_an_echoed_credential(mini, server):
    # The message is made when first read; the credential the server echoes must not appear even then.
    server.reply(Reply(401, {"error": "invalid key sekrit-key-1"}))
    with mini.Client(api_key="sekrit-key-1", base_url=server.url, max_retries=0) as client:
        with pytest.raises(mini.errors.AuthenticationError) as caught:
            client.things.get_thing("t1")
    error = caught.value
    for text in (str(error), repr(error), error.args[0]):
        assert "sekrit-key-1" not in text and "401" in text and "/things/t1" in text and "invalid key" in text
    assert repr(error).startswith("AuthenticationError(")
