"""How the generated client puts a call on the wire: bodies, parameters, auth (fixture spec tests/fixtures/mini)."""

from __future__ import annotations

import base64
import logging

import pytest

from conftest import import_generated
from loopback import Reply

THING = {"data": {"id": "t1", "type": "things"}}


@pytest.fixture
def mini(mini_package):
    return import_generated(mini_package, "mini")


def test_patch_sends_only_set_fields_and_explicit_null(mini, server):
    server.reply(Reply(200, THING), Reply(200, THING), Reply(204, None))
    from mini.models import ThingUpdate

    with mini.Client(api_key="k", base_url=server.url, unstable_operations={"update_thing"}) as client:
        client.things.update_thing("t1", body=ThingUpdate(name=None))
        client.things.update_thing("t1", body={"labels": ["a"], "owner": None})
        assert client.things.update_thing("t1", body={}) is None  # 204
    assert server.requests[0].json() == {"name": None}
    assert server.requests[1].json() == {"labels": ["a"], "owner": None}
    assert server.requests[2].json() == {}
    assert server.requests[0].headers["content-type"] == "application/json"


def test_strict_clients_refuse_a_dict_body_the_schema_rejects(mini, server):
    with mini.Client(api_key="k", base_url=server.url, strict=True) as client:
        with pytest.raises(mini.errors.RequestValidationError) as caught:
            client.things.create_thing(body={"data": {"id": 5}})
    assert "create_thing" in str(caught.value) and "data.id" in str(caught.value)
    assert server.requests == []


def test_vendor_json_media_type_and_aliases(mini, server):
    server.reply(Reply(201, THING))
    from mini.models import Thing, ThingCreateRequest

    with mini.Client(api_key="k", base_url=server.url) as client:
        created = client.things.create_thing(
            body=ThingCreateRequest(data=Thing(id="n", type="things", created_at="2024-05-06T07:08:09Z"))
        )
    assert created.data.id == "t1"
    request = server.requests[0]
    assert request.headers["content-type"] == "application/vnd.api+json"
    assert request.json() == {"data": {"id": "n", "type": "things", "createdAt": "2024-05-06T07:08:09Z"}}


def test_unstable_operation_needs_opt_in(mini, server):
    with mini.Client(api_key="k", base_url=server.url) as client:
        with pytest.raises(mini.errors.UnstableOperationError, match=r"update_thing.*unstable_operations=\{'update_thing'\}"):
            client.things.update_thing("t1", body={})
    assert server.requests == []


def test_query_and_header_styles(mini, server):
    server.reply(Reply(200, [THING["data"]]))
    with mini.Client(query_key="k", base_url=server.url) as client:
        things = client.search.list_things(
            page_size=10, label=["a", "b"], filter_={"state": "open", "kind": "x"}, sort="-name",
            x_request_tags=["t1", "t2"],
        )
    assert things[0].id == "t1"
    request = server.requests[0]
    assert ("page[size]", "10") in request.query
    assert [v for k, v in request.query if k == "label"] == ["a", "b"]  # form, explode
    assert ("filter[state]", "open") in request.query and ("filter[kind]", "x") in request.query
    assert ("sort", "-name") in request.query
    assert request.headers["x-request-tags"] == "t1,t2"


def test_each_scheme_puts_the_credential_where_the_spec_says(mini, server, caplog):
    server.reply(Reply(200, []), Reply(200, []), Reply(201, THING))
    caplog.set_level(logging.DEBUG, logger="mini")
    with mini.Client(query_key="q-secret", base_url=server.url) as client:
        client.search.list_things()
    with mini.Client(session_cookie="c-secret", base_url=server.url) as client:
        client.search.list_things()
    with mini.Client(basic_auth=("user", "p-secret"), base_url=server.url) as client:
        client.things.copy_thing("t1", idempotency_key="idem-1")
    first, second, third = server.requests
    assert ("api_key", "q-secret") in first.query and "cookie" not in first.headers
    assert second.headers["cookie"] == "session=c-secret" and second.query == []
    assert third.headers["authorization"] == "Basic " + base64.b64encode(b"user:p-secret").decode()
    assert third.headers["idempotency-key"] == "idem-1"
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "GET" in logged and "/things" in logged and "200" in logged and "attempt 1" in logged
    for secret in ("q-secret", "c-secret", "p-secret"):
        assert secret not in logged


def test_api_key_alternatives_choose_what_was_given(mini, server):
    server.reply(Reply(200, THING))
    with mini.Client(access_token="tok", base_url=server.url) as client:
        client.things.get_thing("t1")
    assert server.requests[0].headers["authorization"] == "Bearer tok"
    assert "x-api-key" not in server.requests[0].headers


def test_user_http_client_is_used_with_its_hooks(mini, server):
    import httpx

    seen = []
    server.reply(Reply(200, THING))
    http = httpx.Client(event_hooks={"request": [lambda request: seen.append(request.url.path)]})
    with mini.Client(api_key="k", base_url=server.url, http_client=http) as client:
        client.things.get_thing("t1")
    assert seen == ["/things/t1"]
    assert not http.is_closed  # the caller's client stays theirs to close
    http.close()


@pytest.mark.parametrize("client_auth", ["client_secret_basic", "client_secret_post"])
def test_oauth_client_credentials_fetches_and_reuses_a_token(mini, server, client_auth):
    server.reply(Reply(200, {"access_token": "T1", "token_type": "bearer", "expires_in": 3600}),
                 Reply(200, THING), Reply(200, THING))
    provider = mini.ClientCredentials(client_id="cid", client_secret="s3cret", token_url=server.url + "/token",
                                      client_auth=client_auth)
    with mini.Client(access_token=provider, base_url=server.url) as client:
        client.things.get_thing("a")
        client.things.get_thing("b")
    token_request, first, second = server.requests
    assert token_request.method == "POST" and token_request.path == "/token"
    form = dict(__import__("urllib.parse").parse.parse_qsl(token_request.body.decode()))
    # get_thing's requirement names the scope "read": that is what the token is asked for
    if client_auth == "client_secret_basic":  # RFC 6749 2.3.1: HTTP Basic, the secret not in the body
        assert form == {"grant_type": "client_credentials", "scope": "read"}
        assert token_request.headers["authorization"] == "Basic " + base64.b64encode(b"cid:s3cret").decode()
    else:
        assert form == {"grant_type": "client_credentials", "client_id": "cid", "client_secret": "s3cret",
                        "scope": "read"}
        assert "authorization" not in token_request.headers
    assert first.headers["authorization"] == second.headers["authorization"] == "Bearer T1"
    assert "s3cret" not in repr(provider)


def test_client_id_and_secret_build_a_provider_for_the_spec_token_url(mini):
    client = mini.Client(client_id="cid", client_secret="s3cret", site="example.eu", client_auth="client_secret_post")
    provider = client._credentials["AuthZ"]
    assert isinstance(provider, mini.ClientCredentials)
    assert provider.token_url == "https://example.com/token" and provider.client_auth == "client_secret_post"
    assert "s3cret" not in repr(provider) and "s3cret" not in repr(client)
    with pytest.raises(ValueError, match="client_auth must be one of"):
        mini.Client(client_id="cid", client_secret="s3cret", client_auth="plain")


async def test_async_client_credentials(mini, server):
    server.reply(Reply(200, {"access_token": "A1", "expires_in": 60}), Reply(200, THING))
    provider = mini.AsyncClientCredentials(client_id="c", client_secret="s", token_url=server.url + "/token")
    async with mini.AsyncClient(access_token=provider, base_url=server.url) as client:
        await client.things.get_thing("a")
    assert server.requests[1].headers["authorization"] == "Bearer A1"


def test_token_endpoint_refusal_is_an_authentication_error(mini, server):
    server.reply(Reply(401, {"error": "invalid_client"}))
    provider = mini.ClientCredentials(client_id="c", client_secret="bad-secret", token_url=server.url + "/token")
    with mini.Client(access_token=provider, base_url=server.url) as client:
        with pytest.raises(mini.errors.AuthenticationError) as caught:
            client.things.get_thing("a")
    assert "bad-secret" not in str(caught.value)
