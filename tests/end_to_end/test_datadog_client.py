"""The bundled Datadog client, used as DESIGN.md shows it, against a loopback server (sync and async)."""

from __future__ import annotations

import importlib
import json

import pytest

from conftest import ROOT, SHARED, import_generated
from loopback import Reply

CASSETTE = SHARED / "real" / "datadog" / "cassettes" / "create_an_incident_returns_created_response.yaml"
INCIDENT_ID = "d466fcca-9324-5212-97d5-2f7e6d216322"


@pytest.fixture
def dd():
    return import_generated(ROOT / "generated" / "datadog-incidents", "datadog_incidents")


@pytest.fixture
def incident_body() -> dict:
    import yaml

    for interaction in yaml.safe_load(CASSETTE.read_text())["interactions"]:
        if interaction["request"]["uri"].endswith("/api/v2/incidents"):
            return json.loads(interaction["response"]["body"]["string"])
    raise AssertionError("no create-incident interaction")


def create_request(models):
    return models.IncidentCreateRequest(
        data=models.IncidentCreateData(
            type="incidents",
            attributes=models.IncidentCreateAttributes(title="Example-Incident", customer_impacted=False),
            relationships=models.IncidentCreateRelationships(
                commander_user=models.NullableRelationshipToUser(data={"type": "users", "id": "u1"})
            ),
        )
    )


def test_create_and_get_incident_sync(dd, server, incident_body):
    models = importlib.import_module("datadog_incidents.models")
    server.reply(Reply(201, incident_body), Reply(200, incident_body))
    with dd.Client(api_key="api-secret", app_key="app-secret", base_url=server.url,
                   unstable_operations={"create_incident", "get_incident"}) as client:
        created = client.incidents.create_incident(body=create_request(models))
        fetched = client.incidents.get_incident(created.data.id, include=["users", "attachments"])
    assert isinstance(created, models.IncidentResponse) and isinstance(fetched, models.IncidentResponse)
    assert fetched.data.id == INCIDENT_ID
    assert fetched.data.attributes.public_id == 338014
    create, get = server.requests
    assert create.method == "POST" and create.path == "/api/v2/incidents"
    assert create.json() == {"data": {"type": "incidents", "attributes": {"title": "Example-Incident",
                             "customer_impacted": False}, "relationships": {"commander_user": {"data": {
                             "type": "users", "id": "u1"}}}}}
    assert create.headers["dd-api-key"] == "api-secret" and create.headers["dd-application-key"] == "app-secret"
    assert get.path == f"/api/v2/incidents/{INCIDENT_ID}" and get.query == [("include", "users,attachments")]


async def test_create_and_get_incident_async(dd, server, incident_body):
    models = importlib.import_module("datadog_incidents.models")
    server.reply(Reply(201, incident_body), Reply(200, incident_body))
    async with dd.AsyncClient(access_token="oauth-token", base_url=server.url,
                              unstable_operations={"create_incident", "get_incident"}) as client:
        created = await client.incidents.create_incident(body=create_request(models).model_dump(by_alias=True,
                                                                                                exclude_unset=True))
        fetched = await client.incidents.get_incident(created.data.id)
    assert isinstance(fetched, models.IncidentResponse) and fetched.data.id == INCIDENT_ID
    assert server.requests[0].headers["authorization"] == "Bearer oauth-token"


def test_site_selects_the_server(dd):
    assert dd.Client(api_key="k", app_key="a", site="datadoghq.eu").base_url == "https://api.datadoghq.eu"
    assert dd.Client(api_key="k", app_key="a", site="us2.ddog-gov.com").base_url == "https://api.us2.ddog-gov.com"
    with pytest.raises(ValueError, match="site must be one of"):
        dd.Client(api_key="k", app_key="a", site="datadoghq.example")


def test_remove_commander_sends_null_and_unstable_needs_opt_in(dd, server, incident_body):
    server.reply(Reply(200, incident_body))
    body = {"data": {"id": INCIDENT_ID, "type": "incidents", "attributes": {},
                     "relationships": {"commander_user": {"data": None}}}}
    with dd.Client(api_key="k", app_key="a", base_url=server.url) as client:
        with pytest.raises(dd.errors.UnstableOperationError, match="update_incident"):
            client.incidents.update_incident(INCIDENT_ID, body=body)
    with dd.Client(api_key="k", app_key="a", base_url=server.url, unstable_operations={"update_incident"}) as client:
        raw = client.incidents.with_raw_response.update_incident(INCIDENT_ID, body=body)
    assert raw.status_code == 200 and raw.parse().data.id == INCIDENT_ID
    assert server.requests[0].json() == body
