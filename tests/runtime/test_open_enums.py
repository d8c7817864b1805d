"""Enums are forward-compatible whatever their value type (fixture tests/fixtures/enums.yaml): a value the
spec does not list parses, quietly, as a member of the enum; enums that cannot be open still import."""

from __future__ import annotations

import logging

import pytest

from conftest import generate_fixture, import_generated, mypy_strict
from loopback import Reply


@pytest.fixture(scope="session")
def enums_output(tmp_path_factory: pytest.TempPathFactory):
    return generate_fixture(tmp_path_factory, "enums.yaml", "enums")


@pytest.fixture
def enums(enums_output):
    return import_generated(enums_output, "enums")


def test_unlisted_integer_number_and_string_values_parse_without_a_warning(enums, server, caplog):
    caplog.set_level(logging.WARNING)
    server.reply(Reply(200, {"id": "t", "priority": 9, "weight": 2.5, "state": "pending"}),
                 Reply(200, {"id": "t", "priority": 2, "weight": 0.5, "state": "open", "flag": True, "mixed": "a"}))
    from enums.models import TicketPriority, TicketState, TicketWeight

    with enums.Client(base_url=server.url) as client:
        new = client.tickets.get_ticket("t")
        known = client.tickets.get_ticket("t")
    assert isinstance(new.priority, TicketPriority) and new.priority.value == 9 and new.priority == 9
    assert isinstance(new.weight, TicketWeight) and new.weight.value == 2.5
    assert isinstance(new.state, TicketState) and new.state.value == "pending"
    assert new.model_dump(mode="json", exclude_unset=True) == {"id": "t", "priority": 9, "weight": 2.5, "state": "pending"}
    assert known.priority is TicketPriority.INTEGER_2 and known.state is TicketState.OPEN
    assert known.flag is not None and known.flag.value is True
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_an_integer_enum_refuses_what_is_not_an_integer(enums):
    from enums.models import TicketPriority

    with pytest.raises(ValueError):
        TicketPriority("9")
    with pytest.raises(ValueError):
        TicketPriority(1.5)


def test_enums_package_type_checks(enums_output):
    result = mypy_strict(enums_output, "enums")
    assert result.returncode == 0, result.stdout


def test_an_unlisted_discriminator_value_keeps_the_response_and_the_item(enums, server, caplog):
    caplog.set_level(logging.WARNING)
    pets = [{"pet_type": "cat", "name": "Tom"}, {"pet_type": "bird", "name": "Tweety", "wings": 2},
            {"pet_type": "dog", "name": "Rex", "good": True}]
    server.reply(Reply(200, pets))
    from enums.models import Cat, Dog

    with enums.Client(base_url=server.url) as client:
        result = client.pets.list_pets()
    assert isinstance(result[0], Cat) and isinstance(result[2], Dog) and result[2].good is True
    assert result[1] == {"pet_type": "bird", "name": "Tweety", "wings": 2}  # every field it had
    [warning] = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert "list_pets" in warning.getMessage()


def test_an_unlisted_value_met_again_is_the_same_member_and_endless_new_values_still_parse(enums):
    from enums import _base
    from enums.models import TicketPriority, TicketState, TicketWeight

    assert TicketState("pending") is TicketState("pending")  # as a listed member is
    assert TicketPriority(9) is TicketPriority(9)
    assert TicketWeight(2).value == 2 and type(TicketWeight(2).value) is int
    assert type(TicketWeight(2.0).value) is float  # each value as the server sent it
    # A server sending ever new values: all parse, and what is kept of them stays bounded.
    values = [f"state-{i}" for i in range(_base._UNLISTED_LIMIT + 50)]
    assert [TicketState(v).value for v in values] == values
    assert len(_base._UNLISTED[TicketState]) <= _base._UNLISTED_LIMIT
    assert TicketState("open") is TicketState.OPEN


def test_open_enums_keep_enum_calls_as_python_has_them(enums):
    import pickle

    from enums._base import OpenEnum
    from enums.models import TicketPriority, TicketState

    assert TicketState(TicketState.OPEN) is TicketState.OPEN
    unlisted = TicketState("pending")
    assert TicketState(unlisted) is unlisted and pickle.loads(pickle.dumps(unlisted)) == unlisted
    assert TicketPriority(True) is TicketPriority(1)  # as Python's own int enums have it
    with pytest.raises(ValueError):
        TicketState(["not", "hashable"])
    with pytest.raises(ValueError):
        TicketState(3)
    assert list(TicketState) == [m for m in TicketState.__members__.values()]  # unlisted values are no members
    flavour = OpenEnum("Flavour", [("A", "a"), ("B", "b")])  # Enum's functional API
    assert [m.name for m in flavour] == ["A", "B"] and flavour("a") is flavour.A and flavour("c").value == "c"
