"""Subclasses from `allOf` that redefine what they inherit: mypy --strict accepts them, JSON parses as before."""

from __future__ import annotations


import pytest

from conftest import FIXTURES, mypy_strict, run_python
from clientsmith.cli import main
from clientsmith.models.edit_buffer import EditBuffer
from clientsmith.models.overrides import reconcile_overrides


def _generate(tmp_path, fixture: str, package: str, layout: str = "module"):
    out = tmp_path / "out"
    assert main(["generate", "--spec", str(FIXTURES / "defects" / fixture), "--package", package,
                 "--output", str(out), "--models", layout, "--no-cache"]) == 0
    return out


def _probe(out, code: str) -> list[str]:
    run = run_python(out, code)
    assert run.returncode == 0, run.stderr
    return run.stdout.splitlines()


def _mypy_strict(tmp_path, out, package: str) -> None:
    check = mypy_strict(out, package)
    assert check.returncode == 0, check.stdout


def test_a_boolean_narrowed_to_one_value_stays_a_boolean(tmp_path):
    """`stream: boolean` narrowed by an `allOf` part to `enum: [false]` is `Literal[False]`, a bool, not an
    Enum a bool field cannot hold; the other value is still refused."""
    out = _generate(tmp_path, "override_narrowed_enum.yaml", "narrowed", "package")
    lines = _probe(out, """
        import pydantic
        from narrowed.models import QuietRun, RunBase, StreamedRun
        quiet = QuietRun.model_validate_json('{"name": "a", "stream": false}')
        print(repr(quiet.stream), repr(quiet.verbose), isinstance(quiet, RunBase))
        print(StreamedRun.model_validate({"name": "b", "stream": True}).model_dump_json())
        try:
            QuietRun.model_validate({"name": "a", "stream": True})
        except pydantic.ValidationError:
            print("refused")
    """)
    assert lines == ["False False True", '{"name":"b","stream":true,"verbose":null}', "refused"]
    _mypy_strict(tmp_path, out, "narrowed")


def test_a_discriminator_value_over_an_enum_field_is_that_enum_member(tmp_path):
    """`kind: PetKind` in the base, the subclass's discriminator value `Literal[PetKind.DOG]`: a PetKind
    still, and the tagged union picks the subclass from `"dog"`."""
    out = _generate(tmp_path, "override_discriminator_literal.yaml", "pets")
    lines = _probe(out, """
        from pets.models import Cat, Dog, Owner, Pet, PetKind
        owner = Owner.model_validate_json('{"pet": {"kind": "dog", "barks": true}}')
        print(type(owner.pet).__name__, owner.pet.kind is PetKind.DOG, isinstance(owner.pet, Pet))
        print(owner.model_dump_json(exclude_none=True))
        print(type(Owner.model_validate({"pet": {"kind": "cat", "lives": 9}}).pet).__name__)
    """)
    assert lines == ["Dog True True", '{"pet":{"kind":"dog","barks":true}}', "Cat"]
    _mypy_strict(tmp_path, out, "pets")


def test_an_extended_inline_object_subclasses_the_one_it_extends(tmp_path):
    """The subclass's `settings` repeats the base's inline object's properties and adds one: its model
    becomes a subclass of the base's, with the same fields in the same order."""
    out = _generate(tmp_path, "override_extended_object.yaml", "jobs")
    lines = _probe(out, """
        from jobs.models import Job, JobSettings, TrainingJob
        job = TrainingJob.model_validate_json('{"id": "1", "settings": {"retries": 2, "epochs": 3}}')
        print(job.settings.retries, job.settings.epochs, isinstance(job.settings, JobSettings), isinstance(job, Job))
        print(job.model_dump_json())
    """)
    assert lines == ["2 3 True True", '{"id":"1","settings":{"retries":2,"epochs":3}}']
    _mypy_strict(tmp_path, out, "jobs")


def test_allof_parts_that_define_a_field_differently_are_flattened(tmp_path):
    """An `allOf` of a base and a part with `anyOf` required-variants gives classes with two bases that
    each type `country` and `object` their own way; the combining classes declare the fields themselves,
    as pydantic resolved them, so the same JSON parses and serialises in the same order."""
    out = _generate(tmp_path, "allof_conflicting_parts.yaml", "parts")
    lines = _probe(out, """
        import pydantic
        from parts.models import Address
        address = Address.model_validate_json('{"name": "n", "country": "CANADA"}')
        print(type(address.root).__name__, address.root.object.value, address.root.country.value)
        print(address.model_dump_json())
        print(Address.model_validate({"company": "c", "country": "FRANCE"}).model_dump_json())
        try:
            Address.model_validate({"name": "n"})
        except pydantic.ValidationError:
            print("refused")
    """)
    assert lines == ["AddressAddressAnyOf0_2 address CANADA",
                     '{"object":"address","name":"n","company":null,"country":"CANADA"}',
                     '{"object":"address","name":null,"company":"c","country":"FRANCE"}',
                     "refused"]
    _mypy_strict(tmp_path, out, "parts")


_CONFIGURED_BASE = '''\
from __future__ import annotations

from ._base import ApiModel
from pydantic import ConfigDict


class Base(ApiModel):
    model_config = ConfigDict(extra="allow")
    kind: str


class Other(ApiModel):
    kind: int


class Both(Base, Other):
    pass
'''


_COMPATIBLE_OVERRIDES = '''\
from __future__ import annotations

from typing import Any, Literal
from ._base import ApiModel, OpenEnum


class Kind(OpenEnum):
    A = "a"


class Base(ApiModel):
    kind: str
    size: float | None = None
    extra: Any = None
    tag: str


class Narrower(Base):
    kind: Kind
    size: int
    extra: dict[str, Any]
    tag: Literal["x"]
'''


@pytest.mark.parametrize("source", [_CONFIGURED_BASE, _COMPATIBLE_OVERRIDES], ids=["configured base", "compatible"])
def test_what_needs_no_reshaping_or_cannot_be_reshaped_is_left_as_it_is(source):
    """Overrides mypy already accepts stay; so does a class whose bases carry more than fields (a config,
    validators), which flattening would lose."""
    buffer = EditBuffer(source)
    reconcile_overrides(buffer)
    buffer.apply()
    assert buffer.source == source
