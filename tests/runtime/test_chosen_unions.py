"""Unions of models whose enum field lists different values per member (fixture tests/fixtures/chosen-unions.yaml):
the value chooses the member, and everything the plain union accepted is still accepted."""

from __future__ import annotations

import logging

import pytest

from conftest import generate_fixture, import_generated, mypy_strict
from loopback import Reply


@pytest.fixture(scope="session")
def chosen_output(tmp_path_factory: pytest.TempPathFactory):
    return generate_fixture(tmp_path_factory, "chosen-unions.yaml", "chosen")


@pytest.fixture
def chosen(chosen_output):
    return import_generated(chosen_output, "chosen")


def _get(chosen, server, body, **options):
    server.reply(Reply(200, body))
    with chosen.Client(base_url=server.url, **options) as client:
        return client.incidents.get_incident("i1")


def test_only_unions_a_field_tells_apart_are_marked(chosen_output):
    source = (chosen_output / "chosen" / "models.py").read_text()
    assert 'fields: dict[str, Annotated[SingleValue | MultipleValue, ChosenBy("type")]] | None' in source
    assert 'owner: Annotated[User | Team, ChosenBy("type")] | None' in source
    assert 'included: list[Annotated[User | Team, ChosenBy("type")]] | None' in source
    assert "shape: Circle | Oval | None" in source  # both list `round`
    assert "named: User | Label | None" in source  # `Label` has no `type`


def test_the_listed_value_chooses_the_member_where_both_would_fit(chosen, server, caplog):
    caplog.set_level(logging.WARNING)
    from chosen.models import MultipleValue, MultipleValueType, SingleValue, SingleValueType, Team, User

    incident = _get(chosen, server, {
        "id": "i1",
        "fields": {"teams": {"type": "autocomplete", "value": None}, "state": {"type": "textbox", "value": None},
                   "tags": {"type": "multiselect", "value": ["a"]}},
        "owner": {"type": "teams", "id": "t1"},
        "included": [{"type": "teams", "id": "t1"}, {"type": "users", "id": "u1", "name": "Ann"}],
    })
    fields = incident.fields
    assert fields is not None
    # `{"type": "autocomplete", "value": null}` fits both models; the multiple value's enum lists it.
    assert type(fields["teams"]) is MultipleValue and fields["teams"].type is MultipleValueType.AUTOCOMPLETE
    assert type(fields["state"]) is SingleValue and fields["state"].type is SingleValueType.TEXTBOX
    assert type(fields["tags"]) is MultipleValue and fields["tags"].value == ["a"]
    assert type(incident.owner) is Team
    assert [type(item) for item in incident.included or []] == [Team, User]
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_what_the_plain_union_accepted_is_still_accepted(chosen, server, caplog):
    caplog.set_level(logging.WARNING)
    from chosen.models import MultipleValue, SingleValue, SingleValueType, User

    incident = _get(chosen, server, {
        "id": "i1",
        "fields": {
            "new": {"type": "checkbox", "value": "yes"},  # a value no member lists: the shape decides
            "listed_elsewhere": {"type": "dropdown", "value": ["a", "b"]},  # its member refuses it; the other fits
            "untyped": {"value": "x"},  # no `type` at all
        },
        "owner": {"type": "robots", "id": "r1", "name": "R2"},
    })
    fields = incident.fields
    assert fields is not None
    assert type(fields["new"]) is SingleValue and fields["new"].type.value == "checkbox"
    assert type(fields["listed_elsewhere"]) is MultipleValue and fields["listed_elsewhere"].value == ["a", "b"]
    assert type(fields["untyped"]) is SingleValue and fields["untyped"].type is SingleValueType.DROPDOWN
    assert type(incident.owner) is User and incident.owner.type.value == "robots"
    assert incident.model_dump(mode="json", exclude_unset=True)["fields"] == {
        "new": {"type": "checkbox", "value": "yes"}, "listed_elsewhere": {"type": "dropdown", "value": ["a", "b"]},
        "untyped": {"value": "x"}}
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_a_body_no_member_fits_is_drift_and_strict_refuses_it(chosen, server, caplog):
    caplog.set_level(logging.WARNING)
    body = {"id": "i1", "fields": {"bad": {"type": "dropdown", "value": 5}}}
    incident = _get(chosen, server, body)
    assert incident.fields == {"bad": {"type": "dropdown", "value": 5}}  # returned as far as it fits
    [warning] = [r for r in caplog.records if r.levelno == logging.WARNING]
    problems = warning.problems  # type: ignore[attr-defined]
    assert problems and all(p.startswith("fields.bad.") for p in problems)
    # what each member found wrong, the chosen one first
    assert problems[0] == "fields.bad.by type.dropdown.value: Input should be a valid string"
    assert any("MultipleValue.value: Input should be a valid array" in p for p in problems)
    with pytest.raises(chosen.errors.ResponseValidationError):
        _get(chosen, server, body, strict=True)


def test_models_built_in_python_choose_alike(chosen):
    from chosen.models import Incident, MultipleValue, MultipleValueType, SingleValue

    built = Incident(id="i1", fields={"a": {"type": MultipleValueType.AUTOCOMPLETE},
                                      "b": SingleValue(value="x"), "c": {"type": "autocomplete", "value": ["v"]}})
    assert built.fields is not None
    assert [type(v) for v in built.fields.values()] == [MultipleValue, SingleValue, MultipleValue]
    assert Incident.model_validate_json(built.model_dump_json()) == built
    schema = Incident.model_json_schema()
    assert "SingleValue" in schema["$defs"] and "MultipleValue" in schema["$defs"]


def test_type_checkers_see_the_plain_union(chosen_output):
    (chosen_output / "use_chosen.py").write_text(
        "from chosen.models import Incident, MultipleValue, SingleValue, Team, User\n\n"
        "def fields(incident: Incident) -> dict[str, SingleValue | MultipleValue]:\n"
        "    return incident.fields or {}\n\n"
        "def owner(incident: Incident) -> User | Team | None:\n"
        "    return incident.owner\n"
    )
    result = mypy_strict(chosen_output, "chosen", "use_chosen.py")
    assert result.returncode == 0, result.stdout
