"""Every server of the spec is reachable by index or name; a spec without servers needs base_url=."""

from __future__ import annotations

import pytest

from conftest import import_generated
from flavors import Flavor, generated
from loopback import Reply


@pytest.fixture
def vault():
    return import_generated(generated("vault.yaml", "vault"), "vault")


@pytest.fixture
def serverless():
    return import_generated(generated("serverless.yaml", "serverless"), "serverless")


@pytest.mark.parametrize("client_class", ["Client", "AsyncClient"])
def test_each_server_by_index_or_name(vault, client_class):
    make = getattr(vault, client_class)
    assert make().base_url == "https://eu.vault.example/v1"  # the first server, its variables' defaults
    assert make(region="us").base_url == "https://us.vault.example/v1"
    assert make(server="production", region="us").base_url == "https://us.vault.example/v1"
    assert make(server=1).base_url == make(server="sandbox").base_url == "https://sandbox.vault.example/v1"
    assert make(server="sandbox", base_url="http://127.0.0.1:9/x").base_url == "http://127.0.0.1:9/x"


@pytest.mark.parametrize("client_class", ["Client", "AsyncClient"])
def test_bad_server_choices_fail_at_construction(vault, client_class):
    make = getattr(vault, client_class)
    with pytest.raises(ValueError, match=r"region must be one of \('eu', 'us'\), not 'asia'"):
        make(region="asia")
    with pytest.raises(ValueError, match="server must be one of 0 or 'production', 1 or 'sandbox', not 'staging'"):
        make(server="staging")
    with pytest.raises(ValueError, match="server must be one of"):
        make(server=2)
    with pytest.raises(ValueError, match="server 'sandbox' has no variable region"):
        make(server="sandbox", region="us")


def test_server_url_and_readme_list_the_servers(vault):
    assert vault.server_url("sandbox") == "https://sandbox.vault.example/v1"
    assert vault.server_url(region="us") == "https://us.vault.example/v1"
    readme = (generated("vault.yaml", "vault") / "README.md").read_text()
    assert "`0` or `production`: `https://{region}.vault.example/v1` (Production); `region=` (default `eu`; one of `eu, us`)" in readme
    assert "`1` or `sandbox`: `https://sandbox.vault.example/v1` (Sandbox)" in readme


@pytest.mark.parametrize("client_class", ["Client", "AsyncClient"])
def test_spec_without_servers_needs_base_url(serverless, client_class):
    with pytest.raises(ValueError, match="names no server: pass base_url="):
        getattr(serverless, client_class)()


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
def test_spec_without_servers_works_with_base_url(serverless, server, is_async):
    server.reply(Reply(204, None))
    [result] = Flavor(serverless, is_async).run({"base_url": server.url}, ("ping.ping",))
    assert result is None and server.requests[0].path == "/ping"
