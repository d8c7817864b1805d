"""`clientsmith verify`: recorded traffic against specs, findings located in the fragment that is wrong."""

from __future__ import annotations

import base64
import gzip
import json
import re
import shutil
from pathlib import Path

import jsonschema
import yaml

from conftest import ROOT, SHARED

from clientsmith.cli import main

CASSETTES = SHARED / "real" / "datadog" / "cassettes"
DATADOG = ROOT / "specs" / "datadog-incidents"
# Calls the recorded scenarios make to set up and clean up (README of shared/real/datadog): not operations
# of the fragments.
SET_UP = {
    "undocumented operation POST /api/v2/users",
    "undocumented operation DELETE /api/v2/users/{id}",
    "undocumented operation POST /api/v2/incidents/{id}/attachments",
    "undocumented operation DELETE /api/v2/incidents/{id}/attachments/{id}",
}


def run(monkeypatch, capsys, cwd: Path, *args: str) -> tuple[int, str, str]:
    monkeypatch.chdir(cwd)
    capsys.readouterr()
    code = main(["verify", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def verify_json(monkeypatch, capsys, cwd: Path, *args: str) -> dict:
    code, out, err = run(monkeypatch, capsys, cwd, *args, "--format", "json")
    assert code == 0, err
    return json.loads(out)


def line(path: Path, needle: str, after: str = "") -> int:
    """The line of `path` holding `needle` (the first one after the line holding `after`)."""
    lines = path.read_text().splitlines()
    start = next(n for n, text in enumerate(lines) if after in text) if after else 0
    return next(n for n, text in enumerate(lines[start:], start + 1) if needle in text)


def edited_copy(tmp_path: Path, edits: list[tuple[str, str, str]]) -> Path:
    spec = tmp_path / "spec"
    shutil.copytree(DATADOG, spec)
    for file, before, after in edits:
        text = (spec / file).read_text()
        assert text.count(before) == 1, before
        (spec / file).write_text(text.replace(before, after))
    return spec


def test_bundled_specs_agree_with_their_recorded_traffic(monkeypatch, capsys):
    data = verify_json(monkeypatch, capsys, ROOT, "--config", "pyproject.toml", "--traffic", str(CASSETTES))
    reports = {r["spec"]: r for r in data["reports"]}
    assert set(reports) == {"specs/datadog-incidents", "specs/onetrust-incidents", "specs/plane-work-items"}
    datadog = reports.pop("specs/datadog-incidents")
    assert [f for f in datadog["findings"] if f["kind"] == "mismatch"] == []
    operations = [f for f in datadog["findings"] if f["category"] == "operation"]
    assert {f["message"] for f in operations} == SET_UP
    # every interaction is either one of the fragments' operations or a set-up call
    assert datadog["matched"] + sum(f["count"] for f in operations) == datadog["interactions"] == 39
    assert datadog["skipped"] == {}
    for other in reports.values():  # Datadog's traffic is no other API's
        assert other["findings"] == [] and other["matched"] == 0
        assert other["skipped"] == {"other host": 39}


WRONG_TYPE = ("_shared.yaml", "          example: A test incident title\n          type: string",
              "          example: A test incident title\n          type: integer")
WRONG_STATUS = ("delete_incident.yaml", "        '204':\n          description: OK", "        '200':\n          description: OK")
WRONG_ENUM = ("_shared.yaml", "      enum:\n      - dropdown\n      - textbox", "      enum:\n      - textbox")
NOT_NULLABLE = ("_shared.yaml", "          format: date-time\n          nullable: true\n          type: string\n"
                "        severity:", "          format: date-time\n          type: string\n        severity:")


def test_deliberate_errors_are_reported_at_their_file_and_line(tmp_path, monkeypatch, capsys):
    spec = edited_copy(tmp_path, [WRONG_TYPE, WRONG_STATUS, WRONG_ENUM])
    data = verify_json(monkeypatch, capsys, tmp_path, "spec", "--traffic", str(CASSETTES), "--ignore", "additional")
    findings = [f for f in data["reports"][0]["findings"] if f["category"] != "operation"]
    got = {(f["kind"], f["category"], f["file"], f["line"], f["pointer"]): f for f in findings}
    shared = spec / "_shared.yaml"
    assert set(got) == {
        ("mismatch", "type", "spec/_shared.yaml", line(shared, "type: integer", "example: A test incident title"),
         "/components/schemas/IncidentResponseAttributes/properties/title/type"),
        ("mismatch", "enum", "spec/_shared.yaml", line(shared, "enum:", "IncidentFieldAttributesSingleValueType:"),
         "/components/schemas/IncidentFieldAttributesSingleValueType/enum"),
        ("undocumented", "status", "spec/delete_incident.yaml", line(spec / "delete_incident.yaml", "responses:"),
         "/paths/~1api~1v2~1incidents~1{incident_id}/delete/responses"),
    }
    title = got[next(k for k in got if k[1] == "type")]
    assert title["message"] == "expected integer" and title["observed"][0].startswith("Test-")
    assert "response 200 body /data/attributes/title" in title["at"]
    enum = got[next(k for k in got if k[1] == "enum")]
    assert enum["observed"] == ["dropdown"]
    assert all("/data/attributes/fields/" in a for a in enum["at"])
    status = got[next(k for k in got if k[1] == "status")]
    assert status["message"] == "undocumented status 204"
    assert re.fullmatch(r".*/cassettes/[a-z_]+\.yaml#\d+ DELETE https://api\.datadoghq\.com"
                        r"/api/v2/incidents/[0-9a-f-]+", status["interactions"][0])

    code, out, _ = run(monkeypatch, capsys, tmp_path, "spec", "--traffic", str(CASSETTES), "--fail-on", "mismatch")
    assert code == 1
    assert f"spec/_shared.yaml:{line(shared, 'type: integer', 'example: A test incident title')}: " \
           "/components/schemas/IncidentResponseAttributes/properties/title/type: expected integer [mismatch: type, " in out


def test_fail_on_selects_the_kind_of_finding(tmp_path, monkeypatch, capsys):
    spec = edited_copy(tmp_path, [WRONG_STATUS])
    args = ("spec", "--traffic", str(CASSETTES))
    assert run(monkeypatch, capsys, tmp_path, *args)[0] == 0
    assert run(monkeypatch, capsys, tmp_path, *args, "--fail-on", "mismatch")[0] == 0
    assert run(monkeypatch, capsys, tmp_path, *args, "--fail-on", "undocumented")[0] == 1
    assert run(monkeypatch, capsys, tmp_path, *args, "--fail-on", "any")[0] == 1
    assert spec.is_dir()


INCIDENT_ID = "0716c140-d36a-51c2-a94a-c6ac657f1062"


def recorded_incident() -> dict:
    """The body Datadog answered to a GET of an incident."""
    data = yaml.safe_load((CASSETTES / "get_the_details_of_an_incident_returns_ok_response.yaml").read_text())
    get = next(i for i in data["interactions"] if i["request"]["method"] == "GET")
    return json.loads(get["response"]["body"]["string"])


def har_entry(method: str, url: str, status: int, body: bytes = b"", *, base64_body: bool = False,
              response_headers: list[tuple[str, str]] = (), request_headers: list[tuple[str, str]] = ()) -> dict:
    content: dict = {"size": len(body), "mimeType": dict(response_headers).get("content-type", "")}
    if body:
        content.update({"text": base64.b64encode(body).decode(), "encoding": "base64"} if base64_body
                       else {"text": body.decode()})
    return {
        "startedDateTime": "2026-02-23T14:06:31.000Z", "time": 12,
        "request": {"method": method, "url": url, "httpVersion": "HTTP/2",
                    "headers": [{"name": k, "value": v} for k, v in request_headers], "queryString": [],
                    "cookies": [], "headersSize": -1, "bodySize": 0},
        "response": {"status": status, "statusText": "", "httpVersion": "HTTP/2",
                     "headers": [{"name": k, "value": v} for k, v in response_headers], "cookies": [],
                     "content": content, "redirectURL": dict(response_headers).get("location", ""),
                     "headersSize": -1, "bodySize": -1},
        "cache": {}, "timings": {"send": 0, "wait": 10, "receive": 2},
    }


def test_har_export_with_gzip_and_base64_bodies_redirects_and_third_parties(tmp_path, monkeypatch, capsys):
    incident = recorded_incident()
    wrong_title = json.loads(json.dumps(incident))
    wrong_title["data"]["attributes"]["title"] = 42
    wrong_state = json.loads(json.dumps(incident))
    wrong_state["data"]["attributes"]["severity"] = "SEV-9"
    json_type = ("content-type", "application/json")
    secret = "s3cr3t-0f-the-user"
    entries = [
        # gzip as recorded on the wire, base64 in the export
        har_entry("GET", f"https://api.datadoghq.com/api/v2/incidents/{INCIDENT_ID}", 200,
                  gzip.compress(json.dumps(wrong_title).encode()), base64_body=True,
                  response_headers=[json_type, ("content-encoding", "gzip")],
                  request_headers=[("DD-API-KEY", secret), ("Accept", "application/json")]),
        # base64 without compression, on another documented site, with an undocumented query parameter
        har_entry("GET", f"https://api.datadoghq.eu/api/v2/incidents/{INCIDENT_ID}?token={secret}&debug=1", 200,
                  json.dumps(wrong_state).encode(), base64_body=True, response_headers=[json_type]),
        # a redirect the client follows, then the call it lands on
        har_entry("GET", f"https://api.datadoghq.com/api/v2/incidents/{INCIDENT_ID}/", 301,
                  response_headers=[("location", f"https://api.datadoghq.com/api/v2/incidents/{INCIDENT_ID}")]),
        har_entry("GET", f"https://api.datadoghq.com/api/v2/incidents/{INCIDENT_ID}", 200,
                  json.dumps(incident).encode(), response_headers=[json_type]),
        # third parties and static files
        har_entry("GET", "https://www.googletagmanager.com/gtag/js?id=G-1", 200, b"var a;",
                  response_headers=[("content-type", "application/javascript")]),
        har_entry("POST", "https://browser-intake-datadoghq.com/api/v2/rum", 202),
        har_entry("GET", "https://api.datadoghq.com/static/app.3f2a.js", 200, b"var b;",
                  response_headers=[("content-type", "application/javascript")]),
        # an endpoint the spec does not have, on the API's host
        har_entry("GET", "https://api.datadoghq.com/api/v2/teams", 200, b'{"data": []}', response_headers=[json_type]),
        # a request the browser blocked, an address no client could call
        har_entry("GET", f"https://api.datadoghq.com/api/v2/incidents/{INCIDENT_ID}", 0),
        har_entry("GET", "https://[::1/api/v2/incidents", 200),
    ]
    # a body the exporter left out: nothing to say about it
    left_out = har_entry("GET", f"https://api.datadoghq.com/api/v2/incidents/{INCIDENT_ID}", 200,
                         response_headers=[json_type])
    left_out["response"]["content"]["size"] = 5120
    entries.append(left_out)
    har = {"log": {"version": "1.2", "creator": {"name": "WebInspector", "version": "537.36"}, "pages": [],
                   "entries": entries}}
    (tmp_path / "session.har").write_text(json.dumps(har, indent=1))
    data = verify_json(monkeypatch, capsys, tmp_path, str(DATADOG), "--traffic", "session.har")
    report = data["reports"][0]
    assert (report["interactions"], report["matched"]) == (11, 4)
    assert report["skipped"] == {"other host": 3, "static file": 1, "redirect": 1, "no response": 1}
    by_category = {f["category"]: f for f in report["findings"]}
    assert set(by_category) == {"type", "enum", "parameter", "operation", "additional"}
    assert by_category["type"]["observed"] == [42]
    assert by_category["type"]["interactions"] == [
        f"session.har#entry 0 GET https://api.datadoghq.com/api/v2/incidents/{INCIDENT_ID}"]
    assert by_category["enum"]["observed"] == ["SEV-9"]
    assert by_category["enum"]["pointer"] == "/components/schemas/IncidentSeverity/enum"
    assert by_category["operation"]["message"] == "undocumented operation GET /api/v2/teams"
    undocumented_params = sorted(f["message"] for f in report["findings"] if f["category"] == "parameter")
    assert undocumented_params == ["undocumented query parameter 'debug'", "undocumented query parameter 'token'"]
    # credentials never shown: the API key header, a token in the query (value and URL)
    code, out, _ = run(monkeypatch, capsys, tmp_path, str(DATADOG), "--traffic", "session.har")
    assert secret not in out and secret not in json.dumps(data)
    assert "token=<redacted>" in out


# The Overlay 1.0 document structure (https://spec.openapis.org/overlay/v1.0.0.html, "Schema").
OVERLAY_SCHEMA = {
    "type": "object",
    "required": ["overlay", "info", "actions"],
    "properties": {
        "overlay": {"type": "string", "pattern": r"^1\.0\.\d+$"},
        "info": {"type": "object", "required": ["title", "version"],
                 "properties": {"title": {"type": "string"}, "version": {"type": "string"}}},
        "extends": {"type": "string"},
        "actions": {"type": "array", "minItems": 1, "items": {
            "type": "object", "required": ["target"],
            "properties": {"target": {"type": "string", "pattern": r"^\$"}, "description": {"type": "string"},
                           "update": {}, "remove": {"type": "boolean", "default": False}},
            "patternProperties": {"^x-": {}}, "additionalProperties": False}},
    },
    "patternProperties": {"^x-": {}},
    "additionalProperties": False,
}


def test_written_overlay_is_overlay_1_0_and_settles_what_it_covers(tmp_path, monkeypatch, capsys):
    edited_copy(tmp_path, [WRONG_TYPE, WRONG_STATUS, WRONG_ENUM, NOT_NULLABLE])
    code, _, err = run(monkeypatch, capsys, tmp_path, "spec", "--traffic", str(CASSETTES),
                       "--write-overlay", "fixes/overlay.yaml")
    assert code == 0, err
    text = (tmp_path / "fixes" / "overlay.yaml").read_text()
    overlay = yaml.safe_load(text)
    jsonschema.validate(overlay, OVERLAY_SCHEMA)
    targets = {a["target"]: a["update"] for a in overlay["actions"]}
    assert targets == {
        "$.paths['/api/v2/incidents/{incident_id}'].delete.responses": {
            "204": {"description": "Observed in recorded traffic."}},
        "$.components.schemas.IncidentFieldAttributesSingleValueType.enum": "dropdown",
        "$.components.schemas.IncidentResponseAttributes.properties.resolved": {"nullable": True},
        "$.components.schemas.IncidentResponseAttributes.properties": {"field_analytics": {}},
    }
    assert all(a["description"] for a in overlay["actions"])
    # each action is preceded by its evidence: the finding's location and an interaction it was seen in
    assert re.search(r"# spec/_shared\.yaml:\d+: /components/schemas/IncidentResponseAttributes/properties/resolved: "
                     r"null where .*\n# seen in \d+ interactions, e.g. .*\.yaml#\d+ (GET|POST|PATCH) https://", text)

    # applied by the overlay stage, as a user would: every target selects its node (an error otherwise)
    after = verify_json(monkeypatch, capsys, tmp_path, "spec", "--traffic", str(CASSETTES),
                        "--overlay", "fixes/overlay.yaml")
    left = {(f["category"], f["document_pointer"]) for f in after["reports"][0]["findings"]
            if f["category"] != "operation"}
    # what the overlay covers is settled; the wrong type (not a simple case) is still reported
    assert left == {("type", "/components/schemas/IncidentResponseAttributes/properties/title/type")}


def test_bad_traffic_is_a_located_error_and_nothing_is_written(tmp_path, monkeypatch, capsys):
    (tmp_path / "bad.har").write_text('{"log": {"entries": [{"request": {"method": "GET"}, "response": {}}]}}')
    code, out, err = run(monkeypatch, capsys, tmp_path, str(DATADOG), "--traffic", "bad.har",
                         "--write-overlay", "overlay.yaml")
    assert code == 1
    assert err.strip().splitlines() == ["bad.har:1: /log/entries/0: an entry needs a `request` and a `response` object"] \
        or err.strip().splitlines() == ["bad.har:1: /log/entries/0/request: a request needs `method` and `url` strings"]
    assert not (tmp_path / "overlay.yaml").exists() and out == ""
    (tmp_path / "notes.yaml").write_text("hello: world\n")
    code, _, err = run(monkeypatch, capsys, tmp_path, str(DATADOG), "--traffic", "notes.yaml")
    assert code == 1 and err.startswith("notes.yaml:1: /: neither a HAR export")
    # in a folder of traffic, such a file is left out with a warning
    folder = tmp_path / "recorded"
    folder.mkdir()
    shutil.copy(tmp_path / "notes.yaml", folder)
    shutil.copy(CASSETTES / "delete_an_existing_incident_returns_ok_response.yaml", folder)
    code, out, err = run(monkeypatch, capsys, tmp_path, str(DATADOG), "--traffic", "recorded")
    assert code == 0 and err.startswith("recorded/notes.yaml:1: /: warning: neither a HAR export")
    assert "datadog-incidents: 3 interactions, 3 matched, skipped: none; 0 mismatches" in out


def test_readme_example_is_what_verify_prints(tmp_path, monkeypatch, capsys):
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Checking fragments against recorded traffic\n", 1)[1]
    command, shown = re.search(r"```\n\$ (clientsmith verify [^\n]+)\n(.*?)```", section, re.S).groups()
    overlay_snippet = re.search(r"```yaml\n(.*?)```", section, re.S).group(1)
    (tmp_path / "specs").mkdir()
    edited_copy(tmp_path / "specs", [WRONG_TYPE]).rename(tmp_path / "specs" / "datadog-incidents")
    (tmp_path / "recorded").mkdir()
    shutil.copy(CASSETTES / "get_the_details_of_an_incident_returns_ok_response.yaml", tmp_path / "recorded")
    code, out, err = run(monkeypatch, capsys, tmp_path, *command.split()[2:])
    assert (code, err) == (0, "")
    assert out == shown
    code, _, _ = run(monkeypatch, capsys, tmp_path, *command.split()[2:], "--write-overlay", "overlay.yaml")
    assert overlay_snippet in (tmp_path / "overlay.yaml").read_text()


SMALL_31 = {
    "openapi": "3.1.0",
    "info": {"title": "Things", "version": "1"},
    "servers": [{"url": "https://{region}.things.example/v1",
                 "variables": {"region": {"default": "eu", "enum": ["eu", "us"]}}}],
    "paths": {
        "/things/{id}": {"get": {"operationId": "GetThing", "parameters": [
            {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
            "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {
                "type": "object", "properties": {"name": {"type": "string"}, "kind": {"enum": ["a", "b"]}}}}}}}}},
        "/things/search": {"get": {"operationId": "SearchThings", "parameters": [
            {"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 10}},
            {"name": "tags", "in": "query", "explode": False, "schema": {"type": "array", "items": {"type": "string"}}}],
            "responses": {"204": {"description": "none"}}}},
        "/uploads": {"post": {"operationId": "Upload", "servers": [{"url": "https://uploads.things.example"}],
                              "responses": {"201": {"description": "made"}}}},
        "/forms": {"post": {"operationId": "SendForm", "requestBody": {"content": {
            "application/x-www-form-urlencoded": {"schema": {"type": "object", "properties": {
                "count": {"type": "integer"}, "tags": {"type": "array", "items": {"type": "string"}},
                "mode": {"type": "string", "enum": ["fast", "slow"]}}}}}},
            "responses": {"204": {"description": "sent"}}}},
    },
}


def cassette(*calls: tuple[str, str, int, str]) -> dict:
    return {"version": 1, "interactions": [
        {"request": {"method": method, "uri": uri, "body": None, "headers": {}},
         "response": {"status": {"code": status, "message": ""}, "headers": {"Content-Type": ["application/json"]},
                      "body": {"string": body}}} for method, uri, status, body in calls]}


def test_servers_variables_templates_and_parameters_of_a_3_1_spec(tmp_path, monkeypatch, capsys):
    (tmp_path / "things.json").write_text(json.dumps(SMALL_31))
    (tmp_path / "calls.json").write_text(json.dumps(cassette(
        ("GET", "https://us.things.example/v1/things/7", 200, '{"name": null, "kind": "c"}'),
        ("GET", "https://us.things.example/v1/things/search?limit=50&tags=a,b", 204, ""),  # literal beats {id}
        ("GET", "https://eu.things.example/v1/things/seven", 200, '{"name": "x"}'),
        ("POST", "https://uploads.things.example/uploads", 201, ""),  # the operation's own server
        ("POST", "https://eu.things.example/v1/uploads", 201, ""),  # not where that operation is served
        ("GET", "https://asia.things.example/v1/things/7", 200, "{}"),  # a region the spec does not list
    )))
    form = cassette(("POST", "https://eu.things.example/v1/forms", 204, ""))
    form["interactions"][0]["request"].update(
        body="count=x&tags=a&tags=b&mode=z", headers={"Content-Type": ["application/x-www-form-urlencoded"]})
    (tmp_path / "form.yaml").write_text(yaml.safe_dump(form))
    data = verify_json(monkeypatch, capsys, tmp_path, "things.json", "--traffic", "calls.json", "form.yaml",
                       "--write-overlay", "overlay.yaml")
    report = data["reports"][0]
    assert (report["matched"], report["skipped"]) == (5, {"other host": 1})
    found = {(f["category"], f["document_pointer"], tuple(f["observed"])) for f in report["findings"]}
    assert found == {
        ("nullable", "/paths/~1things~1{id}/get/responses/200/content/application~1json/schema/properties/name", ()),
        ("enum", "/paths/~1things~1{id}/get/responses/200/content/application~1json/schema/properties/kind/enum",
         ("c",)),
        ("constraint", "/paths/~1things~1search/get/parameters/0/schema/maximum", (50,)),
        ("type", "/paths/~1things~1{id}/get/parameters/0/schema/type", ("seven",)),
        ("operation", "/paths/~1uploads/post/servers", ()),
        ("type", "/paths/~1forms/post/requestBody/content/application~1x-www-form-urlencoded/schema/properties/count/type",
         ("x",)),
        ("enum", "/paths/~1forms/post/requestBody/content/application~1x-www-form-urlencoded/schema/properties/mode/enum",
         ("z",)),
    }
    elsewhere = next(f for f in report["findings"] if f["category"] == "operation")
    assert elsewhere["message"] == "undocumented operation POST /uploads (documented on other servers)"
    overlay = yaml.safe_load((tmp_path / "overlay.yaml").read_text())
    assert {a["target"]: a["update"] for a in overlay["actions"]} == {
        "$.paths['/things/{id}'].get.responses['200'].content['application/json'].schema.properties.name":
            {"type": ["string", "null"]},
        "$.paths['/things/{id}'].get.responses['200'].content['application/json'].schema.properties.kind.enum": "c",
        "$.paths['/forms'].post.requestBody.content['application/x-www-form-urlencoded'].schema.properties.mode.enum":
            "z",
    }
