"""Webhooks: the spec's `webhooks` (3.1) and `x-webhooks` (3.0) give a package that verifies deliveries'
signatures (Standard Webhooks, or the HMAC scheme the config or the spec describes) and parses each
event into its model. Checked against the published Standard Webhooks test vector, the
`standardwebhooks` package in both directions, and mypy --strict."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import re
import sys
import textwrap
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
from standardwebhooks import Webhook as StandardWebhook
from standardwebhooks import WebhookVerificationError as StandardError

from conftest import FIXTURES, ROOT, import_generated, mypy_strict

from clientsmith.cli import main
from clientsmith.config import ClientTarget
from clientsmith.pipeline import generate

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"  # the Standard Webhooks test vector's
OTHER_SECRET = "whsec_" + base64.b64encode(b"another secret, rotated in").decode()
NOW = 1_700_000_000
CREATED = json.dumps({"type": "incident.created", "data": {"id": "inc_1", "title": "Checkout down", "severity": 2}})
RESOLVED = json.dumps({"type": "incident.resolved", "data": {"id": "inc_1", "resolved_at": "2026-01-01T10:00:00Z"}})


def _generate(tmp_path_factory: pytest.TempPathFactory, spec: str, package: str) -> Path:
    out = tmp_path_factory.mktemp(package)
    generate(ClientTarget(FIXTURES / "webhooks" / spec, package, package, out), base=ROOT)
    return out


@pytest.fixture(scope="module")
def incidents_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _generate(tmp_path_factory, "incidents-3.1.yaml", "incident_events")


@pytest.fixture(scope="module")
def alerts_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _generate(tmp_path_factory, "alerts-3.0.yaml", "alert_events")


@pytest.fixture(scope="module")
def configured_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 3.1 spec with another scheme in [tool.clientsmith]: base64 after `v1=`, timestamp and body signed."""
    folder = tmp_path_factory.mktemp("configured")
    spec = FIXTURES / "webhooks" / "incidents-3.1.yaml"
    (folder / "pyproject.toml").write_text(textwrap.dedent(f"""\
        [[tool.clientsmith.clients]]
        spec = "{spec.as_posix()}"
        package = "configured_events"
        output = "out"
        webhook_signature = {{header = "X-Signature", prefix = "v1=", encoding = "base64", payload = "timestamp.body", timestamp_header = "X-Signature-Timestamp", tolerance = 60}}
        """))
    assert main(["generate", "--config", str(folder / "pyproject.toml")]) == 0
    return folder / "out"


@pytest.fixture(scope="module")
def untagged_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _generate(tmp_path_factory, "untagged-3.1.yaml", "signup_events")


@pytest.fixture
def incidents(incidents_out):
    package = import_generated(incidents_out, "incident_events")
    import incident_events.webhooks  # noqa: F401  (loaded as a user would, before the tests read it)

    return package


@pytest.fixture
def alerts(alerts_out):
    package = import_generated(alerts_out, "alert_events")
    import alert_events.webhooks  # noqa: F401  (loaded as a user would, before the tests read it)

    return package


def _standard_headers(body: str, secret: str = SECRET, timestamp: int = NOW, msg_id: str = "msg_1") -> dict[str, str]:
    """Signed by the `standardwebhooks` package: an independent implementation of the scheme."""
    signature = StandardWebhook(secret).sign(msg_id, datetime.fromtimestamp(timestamp, tz=timezone.utc), body)
    return {"webhook-id": msg_id, "webhook-timestamp": str(timestamp), "webhook-signature": signature}


def _failure(webhooks, body, headers, **kwargs) -> str:
    with pytest.raises(webhooks.WebhookVerificationError) as caught:
        webhooks.Webhooks(kwargs.pop("secret", SECRET)).verify(body, headers, **kwargs)
    return str(caught.value)


# -- Standard Webhooks --------------------------------------------------------------------------------


def test_published_standard_webhooks_test_vector_verifies(incidents):
    webhooks = incidents.webhooks
    headers = {
        "webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek",
        "webhook-timestamp": "1614265330",
        "webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    }
    body = '{"test": 2432232314}'
    webhooks.Webhooks(SECRET).verify(body, headers, now=1614265330)
    assert webhooks.sign(body, secret=SECRET, message_id="msg_p5jXN8AQM9LWM0D4loKWxJek",
                         timestamp=1614265330)["webhook-signature"] == headers["webhook-signature"]
    assert "matches" in _failure(webhooks, body.replace("2", "3"), headers, now=1614265330)


def test_valid_delivery_unwraps_into_each_events_model(incidents):
    webhooks = incidents.webhooks
    created = webhooks.Webhooks(SECRET).unwrap(CREATED.encode(), _standard_headers(CREATED), now=NOW)
    assert isinstance(created, incidents.models.IncidentCreated)
    assert (created.data.id, created.data.title, created.data.severity) == ("inc_1", "Checkout down", 2)
    resolved = webhooks.unwrap(RESOLVED, _standard_headers(RESOLVED), secret=SECRET, tolerance=10**10)
    assert isinstance(resolved, webhooks.EVENTS["incident.resolved"])
    assert not isinstance(resolved, incidents.models.IncidentCreated)
    assert resolved.data.resolved_at == datetime(2026, 1, 1, 10, tzinfo=timezone.utc)


def test_tampered_body_wrong_secret_and_missing_headers_fail_saying_which_check(incidents):
    webhooks = incidents.webhooks
    headers = _standard_headers(CREATED)
    assert "no signature in the webhook-signature header matches" in _failure(
        webhooks, CREATED.replace("Checkout", "Checkin"), headers, now=NOW)
    message = _failure(webhooks, CREATED, headers, secret=OTHER_SECRET, now=NOW)
    assert "matches" in message and OTHER_SECRET not in message and OTHER_SECRET[6:] not in message
    for missing in ("webhook-id", "webhook-timestamp", "webhook-signature"):
        partial = {k: v for k, v in headers.items() if k != missing}
        assert f"missing the {missing} header" in _failure(webhooks, CREATED, partial, now=NOW)
    assert "no secret" in _failure(webhooks, CREATED, headers, secret=[], now=NOW)
    assert "not a valid whsec_ secret" in _failure(webhooks, CREATED, headers, secret="whsec_not*base64", now=NOW)


def test_headers_are_read_whatever_their_case(incidents):
    headers = {k.upper(): v for k, v in _standard_headers(CREATED).items()}
    incidents.webhooks.Webhooks(SECRET).verify(CREATED, headers, now=NOW)


def test_timestamps_outside_the_tolerance_are_refused_both_ways(incidents):
    webhooks = incidents.webhooks
    headers = _standard_headers(CREATED, timestamp=NOW)
    webhooks.Webhooks(SECRET).verify(CREATED, headers, now=NOW + 299)
    webhooks.Webhooks(SECRET).verify(CREATED, headers, now=NOW - 299)
    assert "too old" in _failure(webhooks, CREATED, headers, now=NOW + 301)
    assert "in the future" in _failure(webhooks, CREATED, headers, now=NOW - 301)
    bad = {**headers, "webhook-timestamp": "yesterday"}
    assert "not a Unix time" in _failure(webhooks, CREATED, bad, now=NOW)
    with pytest.raises(webhooks.WebhookVerificationError, match="too old"):
        webhooks.Webhooks(SECRET, tolerance=10).verify(CREATED, headers, now=NOW + 11)


def test_several_signatures_and_several_secrets(incidents):
    webhooks = incidents.webhooks
    good = _standard_headers(CREATED)["webhook-signature"]
    other = _standard_headers(CREATED, secret=OTHER_SECRET)["webhook-signature"]
    forged = "v1," + base64.b64encode(b"x" * 32).decode()
    for value in (f"{forged} {good}", f"{good} {forged}", f"v2,abc {other} {good}"):
        webhooks.Webhooks(SECRET).verify(CREATED, {**_standard_headers(CREATED), "webhook-signature": value}, now=NOW)
    assert "2 signature(s) checked against 1 secret(s)" in _failure(
        webhooks, CREATED, {**_standard_headers(CREATED), "webhook-signature": f"{forged} v2,abc {forged}"}, now=NOW)
    import httpx  # a header sent twice, as a framework's headers object gives it: the values joined by ", "

    twice = httpx.Headers([(k, v) for k, v in _standard_headers(CREATED).items() if k != "webhook-signature"]
                          + [("webhook-signature", good), ("webhook-signature", forged)])
    assert twice["webhook-signature"] == f"{good}, {forged}"
    webhooks.Webhooks(SECRET).verify(CREATED, twice, now=NOW)
    rotated = webhooks.Webhooks([OTHER_SECRET, SECRET])
    rotated.verify(CREATED, _standard_headers(CREATED, secret=SECRET), now=NOW)
    rotated.verify(CREATED, _standard_headers(CREATED, secret=OTHER_SECRET), now=NOW)
    third = "whsec_" + base64.b64encode(b"third").decode()
    with pytest.raises(webhooks.WebhookVerificationError):
        rotated.verify(CREATED, _standard_headers(CREATED, secret=third), now=NOW)


def test_standardwebhooks_package_and_ours_accept_each_others_deliveries(incidents):
    webhooks = incidents.webhooks
    theirs = StandardWebhook(SECRET)
    ours = webhooks.Webhooks(SECRET)
    headers = ours.sign(CREATED)  # now, as the other package checks against the clock
    assert theirs.verify(CREATED, headers) == json.loads(CREATED)
    with pytest.raises(StandardError):
        theirs.verify(CREATED.replace("inc_1", "inc_2"), headers)
    with pytest.raises(StandardError):
        StandardWebhook(OTHER_SECRET).verify(CREATED, headers)
    msg_id, sent = "msg_2gXP1lH3Fp8nM3Lh1x", int(time.time())
    signature = theirs.sign(msg_id, datetime.fromtimestamp(sent, tz=timezone.utc), RESOLVED)
    event = ours.unwrap(RESOLVED, {"webhook-id": msg_id, "webhook-timestamp": str(sent), "webhook-signature": signature})
    assert event.data.id == "inc_1"


def test_client_webhooks_and_strictness(incidents, caplog):
    webhooks = incidents.webhooks
    unknown = json.dumps({"type": "incident.merged", "data": {"id": "inc_1"}})
    with incidents.Client(base_url="http://127.0.0.1:9") as client:
        assert isinstance(client.webhooks.unwrap(CREATED, _standard_headers(CREATED), secret=SECRET, now=NOW),
                          incidents.models.IncidentCreated)
        with caplog.at_level(logging.WARNING, logger="incident_events"):
            event = client.webhooks.unwrap(unknown, _standard_headers(unknown), secret=SECRET, now=NOW)
        assert event == json.loads(unknown)
        assert "'incident.merged', which the spec does not list" in caplog.text
    with incidents.Client(base_url="http://127.0.0.1:9", strict=True) as strict:
        with pytest.raises(webhooks.WebhookEventError, match="incident.merged"):
            strict.webhooks.unwrap(unknown, _standard_headers(unknown), secret=SECRET, now=NOW)
        with pytest.raises(webhooks.WebhookVerificationError):
            strict.webhooks.unwrap(unknown, _standard_headers(unknown), secret=OTHER_SECRET, now=NOW)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="incident_events"):
        drifted = webhooks.parse(json.dumps({"type": "incident.created", "data": {"id": 5}}))
    assert isinstance(drifted, dict) and "matches no event" in caplog.text
    with pytest.raises(webhooks.WebhookEventError):
        webhooks.parse(json.dumps({"type": "incident.created", "data": {"id": 5}}), strict=True)


def test_an_empty_delivery_is_no_event_rather_than_an_error(incidents, caplog):
    """Some senders ping a new endpoint with an empty, signed body: verified, then `{}` with a warning."""
    headers = _standard_headers("")
    with caplog.at_level(logging.WARNING, logger="incident_events"):
        assert incidents.webhooks.unwrap("", headers, secret=SECRET, tolerance=10**10) == {}
        assert incidents.webhooks.parse(b" \n") == {}
    assert "the webhook body is empty" in caplog.text
    with pytest.raises(incidents.webhooks.WebhookEventError, match="empty"):
        incidents.webhooks.parse("", strict=True)


def test_the_package_exports_its_webhooks_names(incidents):
    """`from package import Webhooks`, as for Client: loaded on first use, the same objects as the module's."""
    assert {"Webhooks", "WebhookEventError", "WebhookVerificationError"} <= set(incidents.__all__)
    assert incidents.Webhooks is incidents.webhooks.Webhooks
    assert incidents.WebhookVerificationError is incidents.webhooks.WebhookVerificationError


async def test_async_client_has_webhooks_too(incidents):
    async with incidents.AsyncClient(base_url="http://127.0.0.1:9") as client:
        event = client.webhooks.unwrap(CREATED, _standard_headers(CREATED), secret=SECRET, now=NOW)
    assert isinstance(event, incidents.models.IncidentCreated)


def test_generated_readme_example_handles_a_signed_delivery(incidents_out, incidents):
    readme = (incidents_out / "README.md").read_text()
    section = readme.split("## Webhooks", 1)[1].split("\n## ", 1)[0]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1).replace('"whsec_..."', repr(SECRET))
    namespace: dict = {}
    sys.path.insert(0, str(incidents_out))
    try:
        exec(compile(code, "README.md", "exec"), namespace)
    finally:
        sys.path.remove(str(incidents_out))
    signed = incidents.webhooks.sign(CREATED, secret=SECRET)
    assert namespace["handle"](CREATED.encode(), signed) == 204
    assert namespace["handle"](CREATED.encode(), {**signed, "webhook-timestamp": "1"}) == 400


def test_payloads_without_a_telling_property_are_tried_in_turn(untagged_out, caplog):
    package = import_generated(untagged_out, "signup_events")
    import signup_events.webhooks as webhooks

    assert webhooks.DISCRIMINATOR == ""
    signup = webhooks.parse(json.dumps({"email": "ada@example.com", "plan": "team"}))
    assert isinstance(signup, webhooks.EVENTS["signup"]) and signup.plan == "team"
    imported = webhooks.parse(json.dumps([{"id": 1, "name": "Ada"}, {"id": 2, "name": "Grace"}]))
    assert [type(u) for u in imported] == [package.models.User] * 2 and imported[1].name == "Grace"
    deleted = webhooks.parse(json.dumps({"deleted_ids": [1, 2]}))  # its path item is a $ref
    assert isinstance(deleted, webhooks.EVENTS["users.deleted"]) and deleted.deleted_ids == [1, 2]
    with caplog.at_level(logging.WARNING, logger="signup_events"):
        assert webhooks.parse(json.dumps({"plan": "free"})) == {"plan": "free"}
    assert "matches no event of the spec: " in caplog.text and "email: Field required" in caplog.text
    with pytest.raises(webhooks.WebhookEventError):
        webhooks.parse(json.dumps({"plan": "free"}), strict=True)
    with pytest.raises(webhooks.WebhookEventError, match="not JSON"):
        webhooks.parse(b"{not json")
    assert "ping" in webhooks.EVENTS  # listed, though its delivery has no body to type
    assert webhooks.parse(b"") == {}  # which is what a ping delivers


# -- other HMAC schemes -----------------------------------------------------------------------------


def _hmac(secret: str, content: bytes, encoding: str) -> str:
    digest = hmac.new(secret.encode(), content, hashlib.sha256).digest()
    return digest.hex() if encoding == "hex" else base64.b64encode(digest).decode()


def test_x_webhooks_in_a_3_0_spec_with_the_extensions_hex_scheme(alerts):
    webhooks = alerts.webhooks
    secret = "plain-secret"
    body = json.dumps({"event_type": "alert.fired", "alert": {"id": "a1", "level": "critical"}})
    signature = "sha256=" + _hmac(secret, body.encode(), "hex")
    event = webhooks.Webhooks(secret).unwrap(body, {"X-Alerts-Signature": signature})
    assert isinstance(event, alerts.models.AlertFired) and event.alert.level == "critical"
    webhooks.verify(body, {"x-alerts-signature": signature.upper().replace("SHA256=", "sha256=")}, secret=secret)
    webhooks.verify(body, {"X-Alerts-Signature": f"sha256={'0' * 64}, {signature}"}, secret=secret)
    with pytest.raises(webhooks.WebhookVerificationError, match="no signature"):
        webhooks.verify(body, {"X-Alerts-Signature": _hmac(secret, body.encode(), "hex")}, secret=secret)
    with pytest.raises(webhooks.WebhookVerificationError, match="matches"):
        webhooks.verify(body + " ", {"X-Alerts-Signature": signature}, secret=secret)
    cleared = json.dumps({"event_type": "alert.cleared", "alert_id": "a1"})
    assert isinstance(webhooks.parse(cleared), alerts.models.AlertCleared)
    with alerts.Client() as client:
        assert client.webhooks.unwrap(cleared, webhooks.sign(cleared, secret=secret), secret=secret).alert_id == "a1"
        assert client.alerts.list_alerts  # the paths still make their resource


def test_configured_scheme_signs_timestamp_and_body_in_base64(configured_out):
    package = import_generated(configured_out, "configured_events")
    import configured_events.webhooks as webhooks

    secret = "s3cret"
    headers = {"X-Signature-Timestamp": str(NOW),
               "X-Signature": "v1=" + _hmac(secret, f"{NOW}.".encode() + CREATED.encode(), "base64")}
    event = webhooks.Webhooks(secret).unwrap(CREATED, headers, now=NOW + 30)
    assert isinstance(event, package.models.IncidentCreated)
    with pytest.raises(webhooks.WebhookVerificationError, match="too old"):
        webhooks.Webhooks(secret).verify(CREATED, headers, now=NOW + 61)  # tolerance = 60 in the config
    body_only = {**headers, "X-Signature": "v1=" + _hmac(secret, CREATED.encode(), "base64")}
    with pytest.raises(webhooks.WebhookVerificationError, match="matches"):
        webhooks.Webhooks(secret).verify(CREATED, body_only, now=NOW)
    with pytest.raises(webhooks.WebhookVerificationError, match="missing the webhook-id|missing the X-Signature-Timestamp"):
        webhooks.Webhooks(secret).verify(CREATED, {"X-Signature": headers["X-Signature"]}, now=NOW)
    assert "webhook-signature" not in (configured_out / "configured_events" / "webhooks.py").read_text()


@pytest.mark.parametrize("encoding", ["hex", "base64"])
@pytest.mark.parametrize("prefix", ["", "sha256=", "v1,"])
@pytest.mark.parametrize("payload", ["body", "timestamp.body"])
def test_every_hmac_variant(alerts, encoding, prefix, payload):
    signatures = sys.modules["alert_events._webhook_signatures"]
    scheme = signatures.SignatureScheme(header="X-Sig", prefix=prefix, encoding=encoding, payload=payload,
                                        timestamp_header="X-Time" if payload == "timestamp.body" else "")
    secret = "k"
    content = (f"{NOW}.".encode() if payload == "timestamp.body" else b"") + CREATED.encode()
    headers = {"X-Sig": prefix + _hmac(secret, content, encoding), "X-Time": str(NOW)}
    signatures.verify(scheme, CREATED.encode(), headers, [secret], 300, NOW)
    assert signatures.sign(scheme, CREATED.encode(), secret, "", NOW)["X-Sig"] == headers["X-Sig"]
    with pytest.raises(signatures.WebhookVerificationError):
        signatures.verify(scheme, CREATED.encode() + b" ", headers, [secret], 300, NOW)
    with pytest.raises(signatures.WebhookVerificationError):
        signatures.verify(scheme, CREATED.encode(), headers, ["other"], 300, NOW)


# -- generated code and commands --------------------------------------------------------------------


def test_packages_with_webhooks_pass_mypy_strict(incidents_out, alerts_out, untagged_out, tmp_path):
    usage = incidents_out / "use_webhooks.py"
    usage.write_text(textwrap.dedent("""\
        from incident_events import Client, Webhooks, WebhookVerificationError
        from incident_events.models import IncidentCreated
        from incident_events.webhooks import WebhookEvent


        def title(body: bytes, headers: dict[str, str]) -> str:
            try:
                event = Webhooks("whsec_AAAA").unwrap(body, headers)
            except WebhookVerificationError:
                return ""
            if isinstance(event, IncidentCreated):
                return event.data.title
            other: WebhookEvent | dict[str, object] = Client(base_url="http://x").webhooks.parse(body)
            return str(other)
        """))
    for out, names in ((incidents_out, ["incident_events", "use_webhooks.py"]), (alerts_out, ["alert_events"]),
                       (untagged_out, ["signup_events"])):
        check = mypy_strict(out, *names)
        assert check.returncode == 0, check.stdout + check.stderr


def test_packages_with_webhooks_import_only_httpx_pydantic_and_the_standard_library(incidents_out, alerts_out):
    from standalone_imports import ALLOWED_TOP_LEVEL, imported_modules

    for out, package in ((incidents_out, "incident_events"), (alerts_out, "alert_events")):
        assert imported_modules(out / package) - ALLOWED_TOP_LEVEL == set()
    source = (incidents_out / "incident_events" / "_webhook_signatures.py").read_text()
    assert "hmac.compare_digest" in source and "import httpx" not in source and "pydantic" not in source


def test_packages_without_webhooks_have_no_webhook_modules():
    for folder in [ROOT / "tests" / "golden" / "mini-override", *(ROOT / "generated").iterdir()]:
        names = {p.name for p in folder.rglob("*.py")}
        assert names and not names & {"webhooks.py", "_webhook_signatures.py"}, folder
        assert "## Webhooks" not in (folder / "README.md").read_text()


def test_bad_signature_config_is_a_located_error_and_writes_nothing(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    spec = FIXTURES / "webhooks" / "incidents-3.1.yaml"
    (tmp_path / "pyproject.toml").write_text(textwrap.dedent(f"""\
        [tool.clientsmith]
        paging = "inferred"

        [[tool.clientsmith.clients]]
        spec = "{spec.as_posix()}"
        package = "bad_events"
        output = "out"
        webhook_signature = {{header = "X-Sig", encoding = "hexx", payload = "timestamp.body"}}
        """))
    assert main(["generate"]) == 1
    err = capsys.readouterr().err
    assert "pyproject.toml:8: /tool/clientsmith/clients/0/webhook_signature/encoding: must be one of hex, base64, not 'hexx'" in err
    assert "/tool/clientsmith/clients/0/webhook_signature/payload: signing the timestamp needs timestamp_header" in err
    assert "Traceback" not in err and not (tmp_path / "out").exists()
    assert main(["validate"]) == 1  # `validate` of the configured clients finds it too
    assert "pyproject.toml:8: /tool/clientsmith/clients/0/webhook_signature/encoding" in capsys.readouterr().out


def test_signature_table_for_every_client_is_located_at_its_header(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    spec = FIXTURES / "webhooks" / "incidents-3.1.yaml"
    (tmp_path / "pyproject.toml").write_text(textwrap.dedent(f"""\
        [[tool.clientsmith.clients]]
        spec = "{spec.as_posix()}"
        package = "table_events"
        output = "out"

        [tool.clientsmith.webhook_signature]
        scheme = "standard"
        prefix = "v2,"
        tolerance = 0
        """))
    assert main(["validate"]) == 1
    out = capsys.readouterr().out
    assert "pyproject.toml:6: /tool/clientsmith/webhook_signature/prefix: the standard scheme fixes" in out
    assert "pyproject.toml:6: /tool/clientsmith/webhook_signature/tolerance: must be a positive number" in out


def test_bad_signature_extension_is_located_in_the_spec(tmp_path, capsys):
    text = (FIXTURES / "webhooks" / "alerts-3.0.yaml").read_text().replace("encoding: hex", "encoding: 16")
    spec = tmp_path / "alerts.yaml"
    spec.write_text(text)
    assert main(["generate", "--spec", str(spec), "--package", "bad_alerts", "--output", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    line = text.splitlines().index("  encoding: 16") + 1
    assert f"alerts.yaml:{line}: /x-webhook-signature/encoding: must be a string, not 16" in err
    assert not (tmp_path / "out").exists()
    assert main(["validate", str(spec)]) == 1
    assert f"alerts.yaml:{line}: /x-webhook-signature/encoding: must be a string, not 16" in capsys.readouterr().out


def test_ir_and_diff_take_specs_with_webhooks(capsys, tmp_path):
    spec = FIXTURES / "webhooks" / "incidents-3.1.yaml"
    assert main(["ir", str(spec), "--package", "incident_events"]) == 0
    hooks = json.loads(capsys.readouterr().out)["webhooks"]
    assert [(e["name"], e["model"], e["discriminator_value"]) for e in hooks["events"]] == [
        ("incident.created", "IncidentCreated", "incident.created"),
        ("incident.resolved", "IncidentResolvedWebhookRequest", "incident.resolved")]
    assert hooks["discriminator"] == "type" and hooks["signature"]["scheme"] == "standard"
    changed = tmp_path / "changed.yaml"
    changed.write_text(spec.read_text().replace("severity: {type: integer}", "severity: {type: string}"))
    assert main(["diff", str(spec), str(changed), "--package", "incident_events"]) == 0
    report = capsys.readouterr()
    assert "field-retyped: models.IncidentCreatedData.severity: str (was int" in report.out  # a payload model's field
    assert "Traceback" not in report.err
    out = tmp_path / "out"
    for version in (spec, changed):  # regenerating prints the change report
        assert main(["generate", "--spec", str(version), "--package", "incident_events", "--output", str(out)]) == 0
    assert "1 breaking" in capsys.readouterr().out
