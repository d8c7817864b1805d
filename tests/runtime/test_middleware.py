"""Middleware and `with_options` of the generated clients, sync and async, against loopback servers
(tests/fixtures/mini)."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from conftest import import_generated, mypy_strict
from flavors import generated
from loopback import LoopbackServer, Reply

THING = {"data": {"id": "t1", "type": "things"}}


@pytest.fixture(scope="module")
def mini():
    return import_generated(generated("mini", "mini"), "mini")


@pytest.fixture(params=["sync", "async"])
def is_async(request) -> bool:
    return request.param == "async"


def recorder(mini, is_async, seen, respond=None):
    """A middleware of the flavour that records (call info, request, response) and adds a header;
    `respond(request)` answers instead of sending when it returns a response (or raises)."""
    def before(request):
        request.headers["X-Trace"] = f"t-{mini.call_info(request).attempt}"
        return respond(request) if respond else None

    def after(request, response):
        seen.append((mini.call_info(request), request, response))
        return response

    if is_async:
        async def middleware(request, call_next):
            answer = before(request)
            return after(request, answer if answer is not None else await call_next(request))
    else:
        def middleware(request, call_next):
            answer = before(request)
            return after(request, answer if answer is not None else call_next(request))
    return middleware


def call(mini, is_async, kwargs, method="get_thing", *args, options=None):
    """One call through a new client (or its `with_options` copy); a raised error is the result."""
    args = args or ("t1",)
    if not is_async:
        with mini.Client(**kwargs) as client:
            client = client.with_options(**options) if options else client
            try:
                return getattr(client.things, method)(*args)
            except Exception as exc:  # noqa: BLE001 - the error is what the test looks at
                return exc

    async def main():
        async with mini.AsyncClient(**kwargs) as client:
            client = client.with_options(**options) if options else client
            try:
                return await getattr(client.things, method)(*args)
            except Exception as exc:  # noqa: BLE001
                return exc

    return asyncio.run(main())


def test_middleware_sees_each_attempt_with_the_final_requests_credentials(mini, is_async, server):
    server.reply(Reply(503, {"error": "busy"}, headers={"Retry-After": "0"}), Reply(200, THING))
    seen = []
    result = call(mini, is_async, {"api_key": "k-1", "base_url": server.url,
                                   "middleware": [recorder(mini, is_async, seen)]})
    assert result.data.id == "t1"
    assert [(info.operation, info.operation_id, info.attempt, info.hop) for info, _, _ in seen] == [
        ("get_thing", "GetThing", 1, 0), ("get_thing", "GetThing", 2, 0)]
    assert [request.headers["x-api-key"] for _, request, _ in seen] == ["k-1", "k-1"]  # credentials on it
    assert [response.status_code for _, _, response in seen] == [503, 200]  # before error mapping
    assert [r.headers["x-trace"] for r in server.requests] == ["t-1", "t-2"]  # what it added was sent


def test_middleware_runs_in_order_the_first_outermost(mini, is_async, server):
    server.reply(Reply(200, THING))
    order = []

    def layer(name):
        if is_async:
            async def middleware(request, call_next):
                order.append(f"{name} in")
                response = await call_next(request)
                order.append(f"{name} out")
                return response
        else:
            def middleware(request, call_next):
                order.append(f"{name} in")
                response = call_next(request)
                order.append(f"{name} out")
                return response
        return middleware

    call(mini, is_async, {"api_key": "k", "base_url": server.url, "middleware": [layer("a"), layer("b")]})
    assert order == ["a in", "b in", "b out", "a out"]


def test_middleware_can_answer_without_sending(mini, is_async, server):
    seen = []
    canned = recorder(mini, is_async, seen, respond=lambda request: httpx.Response(200, json=THING, request=request))
    result = call(mini, is_async, {"api_key": "k", "base_url": server.url, "middleware": [canned]})
    assert result.data.id == "t1" and server.requests == []
    missing = recorder(mini, is_async, [], respond=lambda request: httpx.Response(404, json={"errors": ["no"]}))
    result = call(mini, is_async, {"api_key": "k", "base_url": server.url, "middleware": [missing]})
    assert isinstance(result, mini.errors.NotFoundError)  # its response is mapped like the server's
    assert result.response.request.url.path == "/things/t1"  # and answers the request it was given


def test_an_exception_a_middleware_raises_is_not_retried_unless_the_client_retries_it(mini, is_async, server):
    attempts = []

    def refuse(request):
        attempts.append(mini.call_info(request).attempt)
        raise PermissionError("not during the freeze")

    result = call(mini, is_async, {"api_key": "k", "base_url": server.url,
                                   "middleware": [recorder(mini, is_async, [], respond=refuse)]})
    assert isinstance(result, PermissionError) and attempts == [1] and server.requests == []

    server.reply(Reply(200, THING))
    attempts.clear()

    def flaky(request):
        attempts.append(mini.call_info(request).attempt)
        if len(attempts) == 1:
            raise httpx.ConnectError("refused", request=request)  # as the transport would: retried
        return None

    result = call(mini, is_async, {"api_key": "k", "base_url": server.url,
                                   "middleware": [recorder(mini, is_async, [], respond=flaky)]})
    assert result.data.id == "t1" and attempts == [1, 2] and len(server.requests) == 1


def test_a_cross_origin_hop_reaches_middleware_without_credentials(mini, is_async, server):
    with LoopbackServer() as other:
        server.reply(Reply(307, {}, headers={"Location": other.url + "/mirror/things/t1"}))
        other.reply(Reply(200, THING))
        seen = []
        result = call(mini, is_async, {"api_key": "k-SECRET", "base_url": server.url, "redirects": "all",
                                       "middleware": [recorder(mini, is_async, seen)]})
    assert result.data.id == "t1"
    assert [info.hop for info, _, _ in seen] == [0, 1]
    assert seen[0][1].headers["x-api-key"] == "k-SECRET"
    assert "x-api-key" not in seen[1][1].headers and "k-SECRET" not in str(seen[1][1].url)


def test_with_options_shares_the_pool_and_credentials_and_changes_only_what_it_names(mini, is_async, server):
    server.reply(Reply(200, THING), Reply(503, {}, headers={"Retry-After": "0"}), Reply(200, THING))
    seen = []
    options = {"max_retries": 0, "default_headers": {"X-Team": "blue"}, "middleware": [recorder(mini, is_async, seen)]}

    async def both_async():
        async with mini.AsyncClient(api_key="k-1", base_url=server.url) as client:
            copy = client.with_options(**options)
            first = await client.things.get_thing("t1")
            try:
                await copy.things.get_thing("t1")
            except mini.errors.ApiError as exc:
                second = exc
            return first, second, copy, client

    if is_async:
        first, second, copy, client = asyncio.run(both_async())
    else:
        with mini.Client(api_key="k-1", base_url=server.url) as client:
            copy = client.with_options(**options)
            first = client.things.get_thing("t1")
            with pytest.raises(mini.errors.ApiError) as caught:
                copy.things.get_thing("t1")
            second = caught.value
    assert first.data.id == "t1"
    assert second.status_code == 503  # the copy does not retry...
    assert client.max_retries == 2 and copy.max_retries == 0  # ...the original still does
    original, copied = server.requests[:2]
    assert original.client_port == copied.client_port  # one kept-alive connection: one pool
    assert original.headers["x-api-key"] == copied.headers["x-api-key"] == "k-1"  # the same credentials
    assert copied.headers["x-team"] == "blue" and "x-team" not in original.headers
    assert len(seen) == 1  # the middleware is the copy's only
    assert copy.things is not client.things and copy.things._client is copy


def test_the_readme_middleware_example_runs_as_shown(server, capsys):
    """README.md's worked example, run with the bundled Datadog client against a server that answers 503 once."""
    from conftest import ROOT

    readme = (ROOT / "README.md").read_text()
    example = readme.split("<!-- example: middleware -->\n```python\n", 1)[1].split("```", 1)[0]
    shown = readme.split(example, 1)[1].split("prints\n\n```\n", 1)[1].split("```", 1)[0]
    import_generated(ROOT / "generated" / "datadog-incidents", "datadog_incidents")
    incident = {"data": {"id": "abc", "type": "incidents", "attributes": {"title": "Disk full"}}}
    server.reply(Reply(503, {"errors": ["busy"]}, headers={"Retry-After": "0"}), Reply(200, incident),
                 Reply(200, incident))
    exec(compile(example, "README.md", "exec"), {"BASE_URL": server.url})
    printed = capsys.readouterr().out

    def timeless(text):
        return [line.split(" (")[0] for line in text.strip().splitlines()]

    assert timeless(printed) == timeless(shown)
    assert [r.headers["x-attempt"] for r in server.requests] == ["1", "2", "1"]
    assert [r.headers.get("x-job") for r in server.requests] == [None, None, "nightly"]
    assert all(r.headers["dd-api-key"] == "..." for r in server.requests)  # the copy kept the credentials


USER_CODE = '''
from collections.abc import Awaitable, Callable

import httpx

import mini


def stamp(request: httpx.Request, call_next: Callable[[httpx.Request], httpx.Response]) -> httpx.Response:
    info: mini.CallInfo = mini.call_info(request)
    request.headers["X-Attempt"] = str(info.attempt + info.hop)
    return call_next(request)


async def astamp(
    request: httpx.Request, call_next: Callable[[httpx.Request], Awaitable[httpx.Response]]
) -> httpx.Response:
    return await call_next(request)


client = mini.Client(api_key="k", middleware=[stamp])
copy: mini.Client = client.with_options(timeout=5.0, max_retries=0, default_headers={"X": "y"}, middleware=[stamp])
aclient = mini.AsyncClient(api_key="k", middleware=[astamp])
acopy: mini.AsyncClient = aclient.with_options(middleware=[astamp])
wrong = mini.Client(api_key="k", middleware=[astamp])  # an async middleware on the sync client
'''


def test_middleware_and_with_options_are_typed_for_mypy_strict(tmp_path):
    """What a user writes type-checks under mypy --strict, and mixing up sync and async middleware does not."""

    (tmp_path / "user_code.py").write_text(USER_CODE)
    result = mypy_strict(generated("mini", "mini"), tmp_path / "user_code.py", mypypath=generated("mini", "mini"))
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    wrong_line = USER_CODE.splitlines().index(
        'wrong = mini.Client(api_key="k", middleware=[astamp])  # an async middleware on the sync client') + 1
    assert errors and all(f"user_code.py:{wrong_line}:" in line for line in errors), result.stdout


def test_each_attempt_gives_middleware_a_request_of_its_own(mini, is_async, server):
    """What a middleware changes on one attempt's request (headers, extensions, credentials) is not on the
    next attempt's: every attempt starts again from the call's request, credentials put back on."""
    server.reply(Reply(503, {"error": "busy"}, headers={"Retry-After": "0"}), Reply(200, THING))
    entered = []

    def before(request):
        entered.append((mini.call_info(request).attempt, sorted(request.headers.keys()), sorted(request.extensions)))
        if mini.call_info(request).attempt == 1:
            request.headers["X-Only-First"] = "yes"
            request.extensions["mine"] = True
            del request.headers["x-api-key"]

    if is_async:
        async def middleware(request, call_next):
            before(request)
            return await call_next(request)
    else:
        def middleware(request, call_next):
            before(request)
            return call_next(request)

    result = call(mini, is_async, {"api_key": "k-1", "base_url": server.url, "middleware": [middleware]})
    assert result.data.id == "t1"
    (_, first_headers, first_extensions), (_, second_headers, second_extensions) = entered
    assert first_headers == second_headers and "x-only-first" not in second_headers
    assert "mine" not in second_extensions and first_extensions == second_extensions
    assert [r.headers.get("x-only-first") for r in server.requests] == ["yes", None]
    assert [r.headers.get("x-api-key") for r in server.requests] == [None, "k-1"]
