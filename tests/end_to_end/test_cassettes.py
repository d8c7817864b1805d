"""Real Datadog traffic (../shared/real/datadog/cassettes) replayed through the generated client.

For every recorded interaction with one of our operations: the request the client sends (method, path,
query, JSON body) equals the recorded one, and the recorded response parses: success bodies into the
response model with undocumented fields kept, error bodies into an error carrying what was sent back.
"""

from __future__ import annotations

import enum
import importlib
import json
import re
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import pytest
import yaml

from conftest import ROOT, SHARED, import_generated
from loopback import Reply
from spec_examples import normalise

from clientsmith.config import load_targets
from clientsmith.spec.merge import load_spec
from clientsmith.pipeline import build_api

CASSETTES = SHARED / "real" / "datadog" / "cassettes"
TARGET = next(t for t in load_targets(ROOT / "pyproject.toml") if t.package == "datadog_incidents")


def operations():
    spec = load_spec(TARGET.spec, ROOT)
    api, _ = build_api(spec, TARGET.package, TARGET.distribution)
    found = []
    for resource in api.resources:
        for op in resource.operations:
            pattern = re.sub(r"\\{[^}]+\\}", "([^/]+)", re.escape(op.path))
            found.append((op.http_method, re.compile(f"^{pattern}$"), resource, op))
    return found


OPERATIONS = operations()


def interactions():
    for cassette in sorted(CASSETTES.glob("*.yaml")):
        for index, interaction in enumerate(yaml.safe_load(cassette.read_text())["interactions"]):
            request = interaction["request"]
            path = urlsplit(request["uri"]).path
            for method, pattern, resource, op in OPERATIONS:
                match = pattern.match(path)
                if method == request["method"] and match:
                    yield pytest.param(interaction, resource, op, [unquote(v) for v in match.groups()],
                                       id=f"{cassette.stem}#{index} {op.method_name}")


INTERACTIONS = list(interactions())


def test_every_documented_operation_has_recorded_traffic():
    replayed = {p.values[2].method_name for p in INTERACTIONS}
    assert {"create_incident", "get_incident", "update_incident", "delete_incident",
            "update_incident_attachment", "list_incidents", "list_incident_attachments"} <= replayed


@pytest.mark.parametrize("interaction, resource, op, path_values", INTERACTIONS)
def test_recorded_interaction_replays(interaction, resource, op, path_values, server):
    package = import_generated(TARGET.output, TARGET.package)
    recorded_request, recorded_response = interaction["request"], interaction["response"]
    status = recorded_response["status"]["code"]
    body_text = recorded_response["body"]["string"]
    content_type = (recorded_response.get("headers", {}).get("content-type") or ["application/json"])[0]
    server.reply(Reply(status, body_text.encode(), headers={"Content-Type": content_type}))

    query = parse_qsl(urlsplit(recorded_request["uri"]).query, keep_blank_values=True)
    kwargs: dict[str, Any] = {}
    for param in op.query_params:
        values = [v for k, v in query if k == param.name]
        if values:
            kwargs[param.python_name] = values[0].split(",") if param.type.startswith("list[") else values[0]
    recorded_body = json.loads(recorded_request["body"]) if recorded_request.get("body") else None
    if op.body is not None:
        kwargs["body"] = recorded_body
    with package.Client(api_key="k", app_key="a", base_url=server.url, max_retries=0,
                        unstable_operations={op.method_name}) as client:
        method = getattr(getattr(client, resource.attribute), op.method_name)
        if 200 <= status < 300:
            result = method(*path_values, **kwargs)
        else:
            with pytest.raises(package.errors.ApiError) as caught:
                method(*path_values, **kwargs)
            result = caught.value

    sent = server.requests[0]
    recorded_uri = urlsplit(recorded_request["uri"])
    assert sent.method == recorded_request["method"]
    assert sent.path == recorded_uri.path
    assert sent.query == query
    assert (sent.json() if sent.body else None) == recorded_body

    recorded_json = json.loads(body_text) if body_text.strip() else None
    if 200 <= status < 300:
        if recorded_json is None:
            assert result is None
        else:
            dumped = result.model_dump(mode="json", by_alias=True, exclude_unset=True)
            # nothing dropped (undocumented fields are kept), nothing invented
            assert normalise(dumped) == normalise(recorded_json)
            # each value the spec lists is read as a listed member: a union's member is the one whose
            # enum lists the value, not another that takes it as a value it does not know
            assert unlisted_enum_values(result) == []
    else:
        assert result.status_code == status
        body = result.body
        if hasattr(body, "model_dump"):
            body = body.model_dump(mode="json", by_alias=True, exclude_unset=True)
        assert body == recorded_json


def unlisted_enum_values(value: Any) -> list[str]:
    """`Enum: value` for every enum value in a parsed result that its enum does not list."""
    if isinstance(value, enum.Enum):
        return [] if value.value in type(value)._value2member_map_ else [f"{type(value).__name__}: {value.value}"]
    if hasattr(value, "__pydantic_fields__"):
        value = [getattr(value, name) for name in value.__pydantic_fields__] + list((value.__pydantic_extra__ or {}).values())
    elif isinstance(value, dict):
        value = list(value.values())
    return [found for item in value for found in unlisted_enum_values(item)] if isinstance(value, list) else []


# -- the recorded paged walk through list_incidents_with_pagination -------------------------------

PAGED_WALK = CASSETTES / "get_a_list_of_incidents_returns_ok_response_with_pagination.yaml"


def recorded_walk():
    """(request URI, response body) of each recorded page, in order."""
    interactions = yaml.safe_load(PAGED_WALK.read_text())["interactions"]
    return [(urlsplit(i["request"]["uri"]), json.loads(i["response"]["body"]["string"])) for i in interactions]


@pytest.mark.parametrize("flavor", ["sync", "async"])
async def test_recorded_paged_walk_replays_through_with_pagination(flavor, server):
    walk = recorded_walk()
    by_query = {tuple(parse_qsl(uri.query)): body for uri, body in walk}
    server.handler = lambda request: Reply(200, by_query.get(tuple(request.query), {"errors": ["not recorded"]}))
    package = import_generated(TARGET.output, TARGET.package)
    models = importlib.import_module(f"{TARGET.package}.models")
    kwargs = dict(api_key="k", app_key="a", base_url=server.url, max_retries=0, unstable_operations={"list_incidents"})
    if flavor == "async":
        async with package.AsyncClient(**kwargs) as client:
            incidents = [i async for i in client.incidents.list_incidents_with_pagination(page_size=2)]
    else:
        with package.Client(**kwargs) as client:
            incidents = list(client.incidents.list_incidents_with_pagination(page_size=2))

    # the requests the vendor's client made, in order: page[size]=2, then with page[offset]=2
    assert [(r.method, r.path, r.query) for r in server.requests] == [
        ("GET", uri.path, parse_qsl(uri.query)) for uri, _ in walk]
    # every item of every page (2, then 1: shorter than the page size, the walk ends), whole and typed
    recorded = [item for _, body in walk for item in body["data"]]
    assert len(recorded) == 3
    assert all(isinstance(incident, models.IncidentResponseData) for incident in incidents)
    assert [normalise(i.model_dump(mode="json", by_alias=True, exclude_unset=True)) for i in incidents] == [
        normalise(item) for item in recorded]


def test_recorded_pages_are_fetched_only_as_items_are_used(server):
    server.reply(*(Reply(200, body) for _, body in recorded_walk()))
    package = import_generated(TARGET.output, TARGET.package)
    with package.Client(api_key="k", app_key="a", base_url=server.url, unstable_operations={"list_incidents"}) as client:
        incidents = client.incidents.list_incidents_with_pagination(page_size=2)
        assert server.requests == []  # nothing is sent before the first item is asked for
        next(incidents), next(incidents)
        assert len(server.requests) == 1
        next(incidents)
        assert len(server.requests) == 2
        assert next(incidents, None) is None and len(server.requests) == 2
