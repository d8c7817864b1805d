"""OAuth2 client credentials (tests/fixtures/vault.yaml): per-operation scopes, the client authentication
method, a relative tokenUrl, and one token refresh on a 401."""

from __future__ import annotations

import base64
from urllib.parse import parse_qsl

import pytest

from conftest import import_generated
from flavors import Flavor, generated
from loopback import Recorded, Reply

SECRET = {"id": "s1"}


@pytest.fixture
def vault():
    return import_generated(generated("vault.yaml", "vault"), "vault")


@pytest.fixture(params=["sync", "async"])
def flavor(request, vault):
    return Flavor(vault, request.param == "async")


class Api:
    """The vault on loopback: tokens at /oauth/token (numbered per scope set), scripted API statuses."""

    def __init__(self, server, statuses=()):
        self.issued = 0
        self.statuses = list(statuses)
        server.handler = self.handle

    def handle(self, recorded: Recorded) -> Reply:
        if recorded.path == "/oauth/token":
            self.issued += 1
            scope = dict(parse_qsl(recorded.body.decode())).get("scope", "")
            return Reply(200, {"access_token": f"T{self.issued}:{scope}", "expires_in": 3600})
        if self.statuses:
            return Reply(self.statuses.pop(0), {"error": "invalid_token"})
        return Reply(201 if recorded.method == "POST" else 200, SECRET)


def tokens(server) -> list[Recorded]:
    return [r for r in server.requests if r.path == "/oauth/token"]


def bearers(server) -> list[str]:
    return [r.headers["authorization"] for r in server.requests if r.path != "/oauth/token"]


def test_scopes_are_the_operations_and_tokens_cached_per_scope_set(flavor, server):
    Api(server)
    kwargs = {"client_id": "cid", "client_secret": "cs", "base_url": server.url + "/v1"}
    results = flavor.run(kwargs, ("secrets.get_secret", "a"), ("secrets.create_secret", {"body": SECRET}),
                         ("secrets.get_secret", "b"))
    assert all(not isinstance(r, Exception) for r in results), results
    scopes = [dict(parse_qsl(r.body.decode()))["scope"] for r in tokens(server)]
    assert scopes == ["secrets.read", "secrets.read secrets.write"]
    assert bearers(server) == ["Bearer T1:secrets.read", "Bearer T2:secrets.read secrets.write",
                               "Bearer T1:secrets.read"]


def test_relative_token_url_resolves_against_the_server_and_basic_is_the_default(flavor, server, vault):
    Api(server)
    flavor.run({"client_id": "cid", "client_secret": "cs", "base_url": server.url + "/v1"}, ("secrets.get_secret", "a"))
    [token] = tokens(server)  # tokenUrl "/oauth/token", on the API's own host
    assert token.headers["authorization"] == "Basic " + base64.b64encode(b"cid:cs").decode()
    assert dict(parse_qsl(token.body.decode())) == {"grant_type": "client_credentials", "scope": "secrets.read"}
    provider = vault.Client(client_id="cid", client_secret="cs", server="sandbox")._credentials["oauth"]
    assert provider.token_url == "https://sandbox.vault.example/oauth/token"


def test_client_secret_post(flavor, server):
    Api(server)
    kwargs = {"client_id": "cid", "client_secret": "cs", "client_auth": "client_secret_post", "base_url": server.url}
    flavor.run(kwargs, ("secrets.get_secret", "a"))
    [token] = tokens(server)
    assert "authorization" not in token.headers
    assert dict(parse_qsl(token.body.decode())) == {
        "grant_type": "client_credentials", "scope": "secrets.read", "client_id": "cid", "client_secret": "cs"}


def test_401_with_a_cached_token_fetches_a_new_one_and_retries_once(flavor, server):
    Api(server, statuses=[200, 401])
    kwargs = {"client_id": "cid", "client_secret": "cs", "base_url": server.url, "max_retries": 0}
    first, second = flavor.run(kwargs, ("secrets.get_secret", "a"), ("secrets.get_secret", "b"))
    assert second.id == "s1"
    assert len(tokens(server)) == 2
    assert bearers(server) == ["Bearer T1:secrets.read", "Bearer T1:secrets.read", "Bearer T2:secrets.read"]


def test_401_is_refreshed_once_only_and_never_for_a_fresh_token(flavor, server):
    api = Api(server, statuses=[401])
    kwargs = {"client_id": "cid", "client_secret": "cs", "base_url": server.url}
    [fresh] = flavor.run(kwargs, ("secrets.get_secret", "a"))
    assert isinstance(fresh, flavor.package.errors.AuthenticationError)
    assert len(tokens(server)) == 1 and len(bearers(server)) == 1  # the token was new: a new one won't help
    server.requests.clear()
    api.issued, api.statuses = 0, [200, 401, 401, 200]
    first, second = flavor.run(kwargs, ("secrets.get_secret", "a"), ("secrets.get_secret", "b"))
    assert isinstance(second, flavor.package.errors.AuthenticationError)
    assert len(tokens(server)) == 2 and len(bearers(server)) == 3  # one refresh, one retry


def test_server_variables_fill_a_token_url_that_names_them():
    """OneTrust's tokenUrl is https://{hostname}/api/access/v1/oauth/token."""
    from conftest import ROOT

    onetrust = import_generated(ROOT / "generated" / "onetrust-incidents", "onetrust_incidents")
    client = onetrust.Client(client_id="c", client_secret="s", hostname="eu.onetrust.com")
    provider = next(v for v in client._credentials.values() if isinstance(v, onetrust.ClientCredentials))
    assert provider.token_url == "https://eu.onetrust.com/api/access/v1/oauth/token"
