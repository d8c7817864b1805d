"""A generated client for a small clinic API (tests/fixtures/clinic.yaml), on the wire and under mypy:
date, date-time and uuid parameters, integer ids, declared error bodies, raw responses and a paged list."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from uuid import UUID

import pytest

from conftest import generate_fixture, import_generated, mypy_strict
from loopback import Reply

APPOINTMENT = {"id": "3f0e5a8c-2b1d-4c6e-9a7f-0123456789ab", "patient_id": 7, "starts_at": "2025-03-04T09:30:00Z"}
ROOM_A, ROOM_B = UUID("00000000-0000-0000-0000-00000000000a"), UUID("12345678-1234-5678-1234-567812345678")


@pytest.fixture(scope="module")
def clinic_output(tmp_path_factory):
    return generate_fixture(tmp_path_factory, "clinic.yaml", "clinic")


@pytest.fixture
def clinic(clinic_output):
    return import_generated(clinic_output, "clinic")


def test_date_datetime_and_uuid_parameters_are_typed_and_sent_in_the_spec_formats(clinic, server):
    import inspect

    server.reply(Reply(200, {"items": [APPOINTMENT]}), Reply(200, APPOINTMENT))
    signature = inspect.signature(clinic.Client(api_key="k").appointments.list_appointments)
    assert {name: signature.parameters[name].annotation for name in ("day", "after", "clinic", "rooms", "x_request_id")} == {
        "day": "date", "after": "datetime | None", "clinic": "UUID | None", "rooms": "list[UUID] | None",
        "x_request_id": "UUID | None"}
    tz = timezone(timedelta(hours=2))
    with clinic.Client(api_key="k", base_url=server.url) as client:
        page = client.appointments.list_appointments(
            day=date(2025, 3, 4), after=datetime(2025, 3, 4, 9, 30, 15, tzinfo=tz),
            clinic=UUID("3f0e5a8c-2b1d-4c6e-9a7f-0123456789ab"), rooms=[ROOM_A, ROOM_B],
            x_request_id=UUID(int=5))
        one = client.appointments.get_appointment(UUID("3f0e5a8c-2b1d-4c6e-9a7f-0123456789ab"))
    assert page.items[0].id == UUID(APPOINTMENT["id"]) and one.patient_id == 7
    listed, got = server.requests
    assert listed.path == "/appointments"
    assert listed.query == [
        ("day", "2025-03-04"), ("after", "2025-03-04T09:30:15+02:00"),
        ("clinic", "3f0e5a8c-2b1d-4c6e-9a7f-0123456789ab"),
        ("rooms", f"{ROOM_A},{ROOM_B}"),
    ]
    assert listed.headers["x-request-id"] == "00000000-0000-0000-0000-000000000005"
    assert got.path == "/appointments/3f0e5a8c-2b1d-4c6e-9a7f-0123456789ab"


def test_integer_path_ids_are_integers(clinic, server):
    import inspect

    server.reply(Reply(200, {"id": 7, "name": "Ada"}))
    with clinic.Client(api_key="k", base_url=server.url) as client:
        assert inspect.signature(client.patients.get_patient).parameters["patient_id"].annotation == "int"
        assert client.patients.get_patient(7).name == "Ada"
    assert server.requests[0].path == "/patients/7"


def test_paged_twin_sends_typed_parameters_on_every_page(clinic, server):
    server.reply(Reply(200, {"items": [APPOINTMENT, APPOINTMENT]}), Reply(200, {"items": [APPOINTMENT]}))
    with clinic.Client(api_key="k", base_url=server.url) as client:
        items = list(client.appointments.list_appointments_with_pagination(day=date(2025, 3, 4)))
    assert len(items) == 3 and all(isinstance(item.id, UUID) for item in items)
    assert [r.query for r in server.requests] == [
        [("day", "2025-03-04"), ("limit", "2")], [("day", "2025-03-04"), ("limit", "2"), ("offset", "2")]]


def test_mypy_strict_on_the_generated_package(clinic_output, tmp_path):
    result = mypy_strict(clinic_output, "clinic")
    assert result.returncode == 0, result.stdout + result.stderr


def test_raw_response_raises_on_an_error_status_keeping_the_response(clinic, server):
    server.reply(Reply(404, {"title": "Not found", "status": 404}, headers={"X-Trace": "abc"}),
                 Reply(200, {"id": 7, "name": "Ada"}))
    with clinic.Client(api_key="k", base_url=server.url) as client:
        with pytest.raises(clinic.errors.NotFoundError) as caught:
            client.patients.with_raw_response.get_patient(8)
        raw = client.patients.with_raw_response.get_patient(7)
    error = caught.value
    assert error.status_code == 404 and error.response.status_code == 404
    assert error.headers["x-trace"] == "abc" and error.body.title == "Not found"
    assert raw.status_code == 200 and raw.parse().name == "Ada"


async def test_async_raw_response_raises_on_an_error_status(clinic, server):
    server.reply(Reply(422, {"code": "invalid", "fields": ["born"]}))
    async with clinic.AsyncClient(api_key="k", base_url=server.url) as client:
        with pytest.raises(clinic.errors.UnprocessableEntityError) as caught:
            await client.patients.with_raw_response.create_patient(body={"name": "Ada", "born": "1815-12-10"})
    assert caught.value.body.code == "invalid"


def test_paged_twin_docstring_says_it_returns_the_items(clinic):
    def returns(method) -> str:
        doc = method.__doc__
        return doc.split("Returns:", 1)[1].split("\n\n", 1)[0].strip()

    client, aclient = clinic.Client(api_key="k"), clinic.AsyncClient(api_key="k")
    assert returns(client.appointments.list_appointments_with_pagination).startswith("Iterator[Appointment]: ")
    assert returns(aclient.appointments.list_appointments_with_pagination).startswith("AsyncIterator[Appointment]: ")
    assert returns(client.appointments.list_appointments).startswith("AppointmentPage: ")


def test_schemas_named_like_runtime_classes_take_a_schema_suffix(clinic, server):
    from clinic import models

    assert {"ApiModelSchema", "ClientSchema", "ApiErrorSchema"} <= set(vars(models))
    assert models.ApiModelSchema.__doc__.strip() == "What this API models."
    assert not {"ApiModelModel", "Client", "ApiError"} & set(vars(models))
    server.reply(Reply(200, {"name": "clinic", "client": {"name": "front desk"}}))
    with clinic.Client(api_key="k", base_url=server.url) as client:
        about = client.about.get_api_model()
    assert isinstance(about, models.ApiModelSchema) and isinstance(about.client, models.ClientSchema)


def test_error_bodies_are_typed_by_their_declared_model(clinic, server):
    server.reply(Reply(404, {"title": "Not found", "status": 404}), Reply(404, {"message": "no route"}),
                 Reply(422, {"code": "invalid", "fields": ["born"]}))
    with clinic.Client(api_key="k", base_url=server.url) as client:
        with pytest.raises(clinic.errors.ProblemError) as typed:
            client.patients.get_patient(8)
        with pytest.raises(clinic.errors.NotFoundError) as untyped:  # a body that is no Problem
            client.patients.get_patient(9)
        with pytest.raises(clinic.errors.ApiErrorSchemaError) as refused:
            client.patients.create_patient(body={"name": "Ada", "born": "1815-12-10"})
    assert isinstance(typed.value, clinic.errors.NotFoundError)  # still the status's class
    assert typed.value.body == clinic.models.Problem(title="Not found", status=404)
    assert not isinstance(untyped.value, clinic.errors.ProblemError) and untyped.value.body == {"message": "no route"}
    assert isinstance(refused.value, clinic.errors.UnprocessableEntityError) and refused.value.body.fields == ["born"]


TYPED_ERROR_USE = """
from clinic import Client, errors

client = Client(api_key="k")
try:
    client.patients.get_patient(1)
except errors.ProblemError as e:
    title: str = e.body.title
    status: int | None = e.body.status
"""


def test_mypy_strict_types_error_bodies(clinic_output, tmp_path):
    good, bad = tmp_path / "good.py", tmp_path / "bad.py"
    good.write_text(TYPED_ERROR_USE)
    bad.write_text(TYPED_ERROR_USE.replace("e.body.title", "e.body.titel"))

    def mypy(path):
        return mypy_strict(clinic_output, path, mypypath=clinic_output)

    passed, failed = mypy(good), mypy(bad)
    assert passed.returncode == 0, passed.stdout
    assert failed.returncode == 1 and '"Problem" has no attribute "titel"' in failed.stdout, failed.stdout
