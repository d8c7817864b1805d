"""What users see of the models: class names of nested schemas, plain values in unions."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from conftest import FIXTURES, mypy_strict
from clientsmith.cli import main


def _generate(tmp_path, fixture: str, package: str):
    out = tmp_path / "out"
    assert main(["generate", "--spec", str(FIXTURES / "defects" / fixture), "--package", package,
                 "--output", str(out), "--models", "package", "--no-cache"]) == 0
    return out


def _mypy(out, *targets: str) -> None:
    check = mypy_strict(out, *targets)
    assert check.returncode == 0, check.stdout


def test_nested_schemas_are_named_after_their_owner_and_place(tmp_path):
    """Inline enums in allOf parts, schemas reached by a $ref into another schema and those inside a
    response component are named after what holds them, not `Type`, `Model1`, `Field0` or `Schema`; the
    schema called `Model` keeps its name;
    a schema reached both ways is one class, so an instance built for one place fits the other."""
    out = _generate(tmp_path, "nested_names.yaml", "nested")
    (out / "use.py").write_text(textwrap.dedent("""
        import nested.models as m

        print(" ".join(sorted(m.__all__)))
        a = m.Average.model_validate({"model": "ewma", "type": "average", "name": "n"})
        print(type(a.model).__name__, a.model.value, m.Model.model_validate({"size": 2}).size)
        h = m.Holder.model_validate({"part": {"color": "red", "type": "tag"}, "first": {"key": "k"}})
        assert h.part is not None
        print(type(h.part).__name__, type(h.part.type).__name__, type(h.first).__name__)
        choice = m.Choice.model_validate({"key": "k"}).root
        assert isinstance(choice, m.ChoiceOneOf0)
        print(m.Holder(first=choice, part=m.TagAllOf1(type=m.TagType.TAG)).first is choice)
    """))
    run = subprocess.run([sys.executable, "use.py"], cwd=out, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    names, average, holder, same = run.stdout.splitlines()
    assert names.split() == ["Average", "AverageModel", "AverageType", "Base", "Choice", "ChoiceOneOf0",
                             "ChoiceOneOf1", "Holder", "Model", "NotFoundResponse", "Tag", "TagAllOf1", "TagType"]
    assert average == "AverageModel ewma 2"
    assert holder == "TagAllOf1 TagType ChoiceOneOf0"
    assert same == "True"
    _mypy(out, "nested", "use.py")


def test_constrained_members_of_unions_take_and_give_plain_values(tmp_path):
    """`anyOf: [{type: integer, minimum: 1}, {type: string, maxLength: 5}]` takes `3` and gives `3` back,
    not a wrapper class the user would have to build (`PageSize(root=3)`), and still validates."""
    out = _generate(tmp_path, "constrained_union.yaml", "unions")
    (out / "use.py").write_text(textwrap.dedent("""
        from unions.models import Page

        page = Page(size=3, sizes=[2, True], limit=5)
        size: int | str = page.size
        print(repr(size), page.sizes, page.limit, repr(Page.model_validate({"size": "abc"}).size))
        print(page.model_dump(exclude_none=True) == {"size": 3, "sizes": [2, True], "limit": 5})
        for bad in ({"size": 0}, {"size": "toolong"}, {"size": 1, "limit": "A1"}):
            try:
                Page.model_validate(bad)
                print("accepted", bad)
            except ValueError:
                pass
    """))
    run = subprocess.run([sys.executable, "use.py"], cwd=out, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == ["3 [2, True] 5 'abc'", "True"]
    _mypy(out, "unions", "use.py")


@pytest.mark.parametrize("layout", ["module", "package"])
def test_spec_text_with_unicode_line_separators_keeps_every_model_edit_in_place(tmp_path, layout):
    """NEL, LINE SEPARATOR and form feed in descriptions and enum values (str.splitlines cuts there,
    Python's parser does not): renamed classes, plain union members and file fields still come out right."""
    out = tmp_path / "out"
    assert main(["generate", "--spec", str(FIXTURES / "defects" / "line_separators.yaml"), "--package", "seps",
                 "--output", str(out), "--models", layout, "--no-cache"]) == 0
    (out / "use.py").write_text(textwrap.dedent("""
        import seps.models as m

        thing = m.Thing.model_validate({"mark": "c\\u2028d", "kind": "thing", "size": 3})
        assert thing.mark is m.Mark.C_D and thing.kind is m.ThingKind.THING and thing.size == 3
        body = m.CreateThingRequest(note="a\\x85note", file=("f.txt", b"x"))
        print(repr(m.Mark("e\\x0cf").value), body.note == "a\\x85note")
    """))
    run = subprocess.run([sys.executable, "use.py"], cwd=out, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["'e\\x0cf'", "True"]
    _mypy(out, "seps", "use.py")
