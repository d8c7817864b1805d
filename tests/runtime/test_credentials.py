"""Credentials go only to the call's origin and never into a log record, message or repr (tests/fixtures/mini).

Two loopback servers on different ports are two origins: the API, and whoever a redirect names.
"""

from __future__ import annotations

import base64
import logging
import socket
from collections import deque
from urllib.parse import quote, quote_plus

import pytest

from conftest import import_generated
from flavors import Flavor, generated
from loopback import LoopbackServer, Recorded, Reply

THING = {"data": {"id": "t1", "type": "things"}}
ACCESS_TOKEN = "at-SECRET-8"
CLIENT_SECRET = "cs-SECRET-7"

# Every kind of credential the generator supports: constructor arguments (a provider is made per flavour),
# the call that uses it, and the secrets it holds.
KINDS = {
    "header api key": ({"api_key": "hdr-SECRET-1"}, ("things.get_thing", "t1"), ["hdr-SECRET-1"]),
    "query api key": ({"query_key": "qSECRET2/+= x"}, ("search.list_things",), ["qSECRET2/+= x"]),
    "cookie api key": ({"session_cookie": "ck-SECRET-3"}, ("search.list_things",), ["ck-SECRET-3"]),
    "http basic": ({"basic_auth": ("user", "pw-SECRET-4")}, ("things.copy_thing", "t1"),
                   ["pw-SECRET-4", base64.b64encode(b"user:pw-SECRET-4").decode()]),
    "bearer token": ({"access_token": "tok-SECRET-5"}, ("things.get_thing", "t1"), ["tok-SECRET-5"]),
    "token callable": ({"access_token": lambda: "cb-SECRET-6"}, ("things.get_thing", "t1"), ["cb-SECRET-6"]),
    "oauth2 client credentials": ({}, ("things.get_thing", "t1"), [CLIENT_SECRET, ACCESS_TOKEN]),
}


def variants(secret: str) -> set[str]:
    """The forms a secret can take in text: as is and percent-encoded."""
    return {secret, quote(secret, safe=""), quote(secret), quote_plus(secret)}


def leaks(text: str, secrets: list[str]) -> list[str]:
    return sorted({v for s in secrets for v in variants(s) if v in text})


def seen(recorded: Recorded) -> str:
    """Everything a server received, as text."""
    return f"{recorded.path} {recorded.query} {recorded.headers} {recorded.body!r}"


def success(recorded: Recorded) -> Reply:
    if recorded.method == "POST":
        return Reply(201, THING)
    return Reply(200, [] if recorded.path.endswith("/things") else THING)


@pytest.fixture
def mini():
    return import_generated(generated("mini", "mini"), "mini")  # one models layout is enough here


@pytest.fixture(params=["sync", "async"])
def flavor(request, mini):
    return Flavor(mini, request.param == "async")


@pytest.fixture
def other() -> LoopbackServer:
    """A second origin: same host, another port."""
    with LoopbackServer() as srv:
        yield srv


def client_kwargs(flavor: Flavor, kind: str, server: LoopbackServer) -> dict:
    kwargs, _, _ = KINDS[kind]
    if kind == "oauth2 client credentials":
        kwargs = {"access_token": flavor.provider(client_id="cid", client_secret=CLIENT_SECRET,
                                                  token_url=server.url + "/token")}
    return {**kwargs, "base_url": server.url}


def router(api_replies: deque, fallback=success):
    """The API's server: tokens at /token, scripted replies for the rest, then successes."""
    def handle(recorded: Recorded) -> Reply:
        if recorded.path == "/token":
            return Reply(200, {"access_token": ACCESS_TOKEN, "token_type": "bearer", "expires_in": 3600})
        return api_replies.popleft() if api_replies else fallback(recorded)

    return handle


def api_requests(server: LoopbackServer) -> list[Recorded]:
    return [r for r in server.requests if r.path != "/token"]


@pytest.mark.parametrize("kind", list(KINDS))
def test_same_origin_redirect_keeps_credentials(flavor, server, kind):
    _, call, secrets = KINDS[kind]
    moved = deque()
    server.handler = router(moved)
    path = {"things.get_thing": "/things/t1", "search.list_things": "/things",
            "things.copy_thing": "/things/t1/copies"}[call[0]]
    moved.append(Reply(307, {}, headers={"Location": "/moved" + path}))
    [result] = flavor.run(client_kwargs(flavor, kind, server), call)
    assert not isinstance(result, Exception), result
    first, second = api_requests(server)
    assert second.path == "/moved" + path and second.method == first.method
    assert leaks(seen(first), secrets) and leaks(seen(second), secrets)  # the credential went both times
    if call[0] == "things.copy_thing":
        assert second.headers["idempotency-key"] == first.headers["idempotency-key"]


@pytest.mark.parametrize("injected", [None, True], ids=["own-http-client", "http-client-following-redirects"])
@pytest.mark.parametrize("kind", list(KINDS))
def test_cross_origin_redirect_is_not_followed_by_default(flavor, server, other, kind, injected):
    _, call, secrets = KINDS[kind]
    server.handler = router(deque([Reply(302, {}, headers={"Location": other.url + "/elsewhere"})]))
    [result] = flavor.run(client_kwargs(flavor, kind, server), call, follow_redirects=injected)
    assert isinstance(result, flavor.package.errors.ApiError) and result.status_code == 302
    assert result.headers["location"] == other.url + "/elsewhere"
    assert other.requests == []


@pytest.mark.parametrize("injected", [None, True], ids=["own-http-client", "http-client-following-redirects"])
@pytest.mark.parametrize("kind", list(KINDS))
def test_cross_origin_redirect_followed_without_any_credential(flavor, server, other, kind, injected):
    kwargs, call, secrets = KINDS[kind]
    path = {"things.get_thing": "/things/t1", "search.list_things": "/things",
            "things.copy_thing": "/things/t1/copies"}[call[0]]
    server.handler = router(deque([Reply(307, {}, headers={"Location": other.url + "/mirror" + path})]))
    other.handler = success
    kwargs = {**client_kwargs(flavor, kind, server), "redirects": "all", "headers": {"X-Tenant": "mine"}}
    [result] = flavor.run(kwargs, call, follow_redirects=injected)
    assert not isinstance(result, Exception), result
    [elsewhere] = other.requests
    assert elsewhere.path == "/mirror" + path and elsewhere.method == api_requests(server)[0].method
    assert leaks(seen(api_requests(server)[0]), secrets)  # the API got the credential...
    assert leaks(seen(elsewhere), secrets) == []  # ...the other origin none,
    assert "authorization" not in elsewhere.headers and "cookie" not in elsewhere.headers
    assert "x-tenant" not in elsewhere.headers  # nor a header of the caller's


def test_redirects_none_and_bad_policy(flavor, server):
    server.reply(Reply(307, {}, headers={"Location": "/moved/things/t1"}))
    [result] = flavor.run({"api_key": "k", "base_url": server.url, "redirects": "none"}, ("things.get_thing", "t1"))
    assert isinstance(result, flavor.package.errors.ApiError) and result.status_code == 307
    assert len(server.requests) == 1
    with pytest.raises(ValueError, match="redirects must be one of"):
        flavor.package.Client(api_key="k", base_url=server.url, redirects="sometimes")


def _dead_url() -> str:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


@pytest.mark.parametrize("kind", list(KINDS))
def test_no_credential_in_any_log_record_message_or_repr(flavor, server, caplog, kind):
    """As with `logging.basicConfig(level=logging.DEBUG)`: every record of every logger, at every level."""
    caplog.set_level(logging.DEBUG)
    _, call, secrets = KINDS[kind]
    name, *args = call
    path = {"things.get_thing": "/things/t1", "search.list_things": "/things",
            "things.copy_thing": "/things/t1/copies"}[name]
    ok = Reply(200, []) if path == "/things" else Reply(201 if "copies" in path else 200, THING)
    server.handler = router(deque([
        Reply(503, {}), ok,
        Reply(307, {}, headers={"Location": "/moved" + path}), ok,
        Reply(404, {"errors": ["gone"]}),
        Reply(401, {"errors": ["no"]}), Reply(401, {"errors": ["still no"]}),
    ]))
    clients: list = []
    kwargs = client_kwargs(flavor, kind, server)
    raw_name = name.replace(".", ".with_raw_response.")
    results = flavor.run(kwargs, call, call, (raw_name, *args), call, keep=clients)
    retried, redirected, raw, refused = results
    assert not isinstance(retried, Exception) and not isinstance(redirected, Exception)
    assert raw.status_code == 404 and isinstance(refused, flavor.package.errors.AuthenticationError)
    # a dead server: the connection error after retries
    [dropped] = flavor.run({**kwargs, "base_url": _dead_url(), "max_retries": 1}, call, keep=clients)
    assert isinstance(dropped, flavor.package.errors.ApiConnectionError)
    assert any(leaks(seen(r), secrets) for r in server.requests)  # the credentials were really sent
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    logged = "\n".join(formatter.format(r) for r in caplog.records)
    assert "httpx INFO HTTP Request: " in logged and "httpcore" in logged  # the libraries' records were seen
    texts = [logged, repr(raw), *map(repr, clients)]
    for error in (refused, dropped):
        texts += [str(error), repr(error), error.url]
    provider = kwargs.get("access_token")
    if provider is not None and not isinstance(provider, str):
        texts.append(repr(provider))
    assert leaks("\n".join(texts), secrets) == []


@pytest.mark.parametrize("kind", ["header api key", "query api key", "http basic"])
def test_an_error_body_echoing_the_credential_does_not_reach_the_message(flavor, server, kind):
    kwargs, call, secrets = KINDS[kind]
    server.reply(Reply(403, f"invalid credential {secrets[0]}"))
    [error] = flavor.run({**kwargs, "base_url": server.url}, call)
    assert isinstance(error, flavor.package.errors.PermissionDeniedError)
    assert "invalid credential [REDACTED]" in str(error)
    assert leaks(str(error) + repr(error), secrets) == []
    assert error.body == f"invalid credential {secrets[0]}"  # the body itself stays what the server said


@pytest.mark.parametrize("client_auth", ["client_secret_basic", "client_secret_post"])
def test_token_endpoint_redirect_is_not_followed_with_the_client_secret(flavor, server, other, client_auth):
    import httpx

    server.handler = lambda r: Reply(307, {}, headers={"Location": other.url + "/token"})
    http = (httpx.AsyncClient if flavor.is_async else httpx.Client)(follow_redirects=True)
    provider = flavor.provider(client_id="cid", client_secret=CLIENT_SECRET, token_url=server.url + "/token",
                               client_auth=client_auth, http_client=http)
    [error] = flavor.run({"access_token": provider, "base_url": server.url}, ("things.get_thing", "t1"))
    assert isinstance(error, flavor.package.errors.AuthenticationError) and error.status_code == 307
    sent = [CLIENT_SECRET, base64.b64encode(f"cid:{CLIENT_SECRET}".encode()).decode()]
    assert other.requests == [] and leaks(seen(server.requests[0]), sent)


def test_a_token_provider_asked_on_every_call_sends_each_new_token_and_keeps_it_out_of_logs(flavor, server, caplog):
    """Credentials are made once per client, but a provider's token is whatever it returns now."""
    caplog.set_level(logging.DEBUG)
    tokens = iter(["rot-SECRET-1", "rot-SECRET-2", "rot-SECRET-2"])
    server.handler = router(deque())
    call = ("things.get_thing", "t1")
    results = flavor.run({"access_token": lambda: next(tokens), "base_url": server.url}, call, call, call)
    assert not any(isinstance(result, Exception) for result in results)
    assert [r.headers["authorization"] for r in api_requests(server)] == [
        "Bearer rot-SECRET-1", "Bearer rot-SECRET-2", "Bearer rot-SECRET-2"]
    logged = "\n".join(logging.Formatter("%(name)s %(message)s").format(r) for r in caplog.records)
    assert "HTTP Request" in logged and leaks(logged, ["rot-SECRET-1", "rot-SECRET-2"]) == []


def test_each_client_and_its_with_options_copy_send_their_own_credentials(mini, server):
    """Two clients in one process each send their own key; a `with_options` copy sends its client's."""
    server.handler = router(deque())
    with mini.Client(api_key="first-SECRET", base_url=server.url) as first, \
            mini.Client(api_key="second-SECRET", base_url=server.url) as second:
        copy = first.with_options(max_retries=0, default_headers={"X-Team": "blue"})
        for client in (first, second, copy, second, first):
            client.things.get_thing("t1")
    assert [r.headers["x-api-key"] for r in api_requests(server)] == [
        "first-SECRET", "second-SECRET", "first-SECRET", "second-SECRET", "first-SECRET"]


def test_a_credential_changed_in_place_after_construction_is_what_the_next_call_sends(mini, server):
    """A user and password given as a list and changed later: every call, the copy's too, sends it as it is now."""
    server.handler = router(deque())
    pair = ["user", "pw-SECRET-A"]
    with mini.Client(basic_auth=pair, base_url=server.url) as client:
        copy = client.with_options(max_retries=0)
        client.things.copy_thing("t1")
        pair[1] = "pw-SECRET-B"
        copy.things.copy_thing("t1")
        client.things.copy_thing("t1")
    encoded = {password: "Basic " + base64.b64encode(f"user:{password}".encode()).decode()
               for password in ("pw-SECRET-A", "pw-SECRET-B")}
    assert [r.headers["authorization"] for r in api_requests(server)] == [
        encoded["pw-SECRET-A"], encoded["pw-SECRET-B"], encoded["pw-SECRET-B"]]
