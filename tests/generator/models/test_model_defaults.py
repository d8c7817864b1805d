"""Spec defaults that do not fit the field's type as datamodel-code-generator writes them: each generated
package type-checks, and a model built without the field holds the default as the field's Python type."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import FIXTURES, mypy_strict
from clientsmith.cli import main
from clientsmith.models.defaults import fit_defaults
from clientsmith.models.edit_buffer import EditBuffer

CASES = ["default_list_of_models", "default_wrapper_number", "default_model_object", "default_null",
         "default_union_of_wrappers", "default_union_member", "default_json_text"]


@pytest.fixture(scope="module")
def packages(tmp_path_factory) -> tuple[Path, str]:
    """Every case generated side by side, and mypy --strict's report on all of them (one run)."""
    out = tmp_path_factory.mktemp("defaults")
    for name in CASES:
        assert main(["generate", "--spec", str(FIXTURES / "defects" / f"{name}.yaml"), "--package", name,
                     "--output", str(out / name), "--no-cache", "--lenient"]) == 0
    check = mypy_strict(out, *(out / n / n for n in CASES))
    return out, check.stdout + check.stderr


def run(packages: tuple[Path, str], name: str, probe: str) -> list[str]:
    """The case type-checks; the probe's printed lines."""
    out, report = packages
    errors = [line for line in report.splitlines() if f"{name}/" in line.replace("\\", "/")]
    assert not errors, "\n".join(errors)
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(probe)], cwd=out / name,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_list_and_map_of_models_default_to_models(packages):
    assert run(packages, "default_list_of_models", """
        from default_list_of_models.models import Calendar, Range
        c = Calendar()
        print(repr(c.hours), type(c.hours[0]) is Range, repr(c.by_name))
        print(Calendar().hours is not c.hours)  # each instance its own list
        print(repr(Calendar.model_validate_json('{"hours": [{"start": 1}]}').hours))
    """) == ["[Range(start=9, end=17)] True {'morning': Range(start=6, end=12)}", "True", "[Range(start=1, end=0)]"]


def test_constrained_number_defaults_are_plain_numbers_that_keep_their_constraints(packages):
    assert run(packages, "default_wrapper_number", """
        import pydantic
        from default_wrapper_number.models import Training
        t = Training()
        print(repr(t.weight_decay), repr(t.steps), repr(t.ratio))
        print(t.model_dump(), t.model_dump(exclude_defaults=True))
        print(repr(Training.model_validate_json('{"weight_decay": 0.5, "steps": null}')))
        try:
            Training(weight_decay=2)
        except pydantic.ValidationError:
            print("rejected")
    """) == ["0.1 10 0.5",
             "{'weight_decay': 0.1, 'steps': 10, 'ratio': 0.5} {}",
             "Training(weight_decay=0.5, steps=None, ratio=0.5)",
             "rejected"]


def test_model_default_is_a_model(packages):
    assert run(packages, "default_model_object", """
        from default_model_object.models import Prediction, Request
        r = Request()
        print(type(r.prediction) is Prediction, r.prediction.content, r.model_dump_json())
        print(Request.model_validate_json('{"prediction": {"content": "x"}}').prediction.content)
    """) == ['True hello {"prediction":{"type":"content","content":"hello"}}', "x"]


def test_null_default_makes_the_field_optional_and_leaves_wrappers_without_one(packages):
    assert run(packages, "default_null", """
        import pydantic
        from default_null.models import Upload, UploadFileUrl
        u = Upload(label="l")
        print(u.file_url, u.language, u.settings, u.extra)
        u = Upload.model_validate_json(
            '{"label": "l", "file_url": "https://a.example/", "settings": {"timezone": "UTC"}}')
        print(u.file_url.root if u.file_url else None, u.settings.timezone if u.settings else None)
        try:
            UploadFileUrl()  # a URL wrapper holds a URL, never None
        except pydantic.ValidationError:
            print("root required")
    """) == ["None None None None", "https://a.example/ UTC", "root required"]


def test_string_default_on_a_union_of_constrained_strings_is_a_plain_validated_string(packages):
    assert run(packages, "default_union_of_wrappers", """
        import pydantic
        from default_union_of_wrappers.models import Card
        print(repr(Card().back), repr(Card.model_validate_json('{"back": "a/b.pdf"}').back))
        try:
            Card(back="x:y")  # neither pattern
        except pydantic.ValidationError:
            print("rejected")
    """) == ["'https://example.com/blank.pdf' 'a/b.pdf'", "rejected"]


def test_union_default_goes_to_the_member_it_fits(packages):
    assert run(packages, "default_union_member", """
        from default_union_member.models import Page, PageMode1
        p = Page()
        print(repr(p.size), repr(p.mode))
        print(repr(Page.model_validate_json('{"size": "abc", "mode": {"name": "x"}}')))
    """) == ["20 'fast'", "Page(size='abc', mode=PageMode1(name='x'))"]


def test_defaults_written_as_json_text_are_read_as_json(packages):
    assert run(packages, "default_json_text", """
        from default_json_text.models import Query
        q = Query()
        print(q.limits, q.tags, q.verbose, q.count, q.strict, q.size)
        print(Query.model_validate_json('{"limits": {"cap": 3}, "tags": ["a"]}').limits)
    """) == ["None None False None False 25", "cap=3"]


def test_names_and_unions_already_fitting_are_left_alone():
    """`bool` imported under another name (a schema is called `bool`) is still bool; a field already
    optional is not made optional twice; enum members and calls are not literals to judge."""
    source = textwrap.dedent("""\
        from __future__ import annotations
        from builtins import bool as bool_aliased
        from enum import Enum
        from pydantic import AnyUrl, RootModel


        class Color(Enum):
            RED = "red"


        class Thing(RootModel[int]):
            root: int = 1


        class Model:
            flag: bool_aliased = True
            maybe: int | None = "nope"
            color: Color = Color.RED
            url: AnyUrl | None = "https://a.example/"
            thing: Thing | None = 2
        """)
    fixed = _fitted(source)
    assert "flag: bool_aliased = True" in fixed
    assert "maybe: int | None = None" in fixed
    assert "color: Color = Color.RED" in fixed
    assert "url: AnyUrl | None = Field(default_factory=lambda: TypeAdapter(AnyUrl).validate_python(" in fixed
    assert "thing: Thing | None = Field(default_factory=lambda: Thing(2))" in fixed
    assert "from pydantic import AnyUrl, Field, RootModel, TypeAdapter" in fixed
    assert _fitted(fixed) == fixed


def _fitted(source: str) -> str:
    buffer = EditBuffer(source)
    fit_defaults(buffer)
    buffer.apply()
    return buffer.source
