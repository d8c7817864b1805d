"""The generated README is a reference: every method with its arguments, return type, errors and an example
call made from the spec's own examples."""

from __future__ import annotations

import ast
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT
from spec_examples import media_examples

from clientsmith.config import load_targets
from clientsmith.ir.examples import python_literal
from clientsmith.pipeline import build_api, load_and_validate
from clientsmith.spec.resolve import Resolver

TARGETS = load_targets(ROOT / "pyproject.toml")
_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


def sections(readme: str) -> dict[str, str]:
    """Method name -> its section of the reference (from its `####` heading to the next heading)."""
    reference = readme.split("\n## Reference\n", 1)[1]
    parts = re.split(r"^#### `(\w+)`\n", reference, flags=re.MULTILINE)
    return {name: re.split(r"^#{2,4} ", body, flags=re.MULTILINE)[0] for name, body in zip(parts[1::2], parts[2::2])}


def table_rows(section: str) -> dict[str, list[str]]:
    """Argument -> its cells; a `|` inside a cell (escaped) never splits it."""
    rows = {}
    for row in section.splitlines():
        if row.startswith("| `"):
            cells = [c.strip() for c in _UNESCAPED_PIPE.split(row)[1:-1]]
            rows[cells[0].strip("`")] = cells
    return rows


@pytest.mark.parametrize("target", TARGETS, ids=[t.distribution for t in TARGETS])
def test_every_method_is_documented_with_its_arguments(target):
    spec, _ = load_and_validate(target.spec, ROOT)
    api, _ = build_api(spec, target.package, target.distribution)
    readme = (target.output / "README.md").read_text()
    documented = sections(readme)
    # the usage table: a union return type (`A | None`) stays in its cell
    usage_rows = [row for row in readme.split("\n## Use\n", 1)[1].split("\n## ", 1)[0].splitlines()
                  if row.startswith("| `")]
    assert len(usage_rows) == len(api.operations)
    assert all(len(_UNESCAPED_PIPE.split(row)) == 5 for row in usage_rows), usage_rows
    assert set(documented) == {op.method_name for op in api.operations}
    examples = {}
    for schema_ptr, _, name, value in media_examples(spec.document, Resolver(spec)):
        if "/requestBody/" in schema_ptr:
            examples.setdefault(" ".join(name.split()[:2]), []).append(value)
    with_examples = 0
    for resource in api.resources:
        for op in resource.operations:
            section = documented[op.method_name]
            assert f"`{op.http_method} {op.path}`" in section
            rows = table_rows(section)
            expected = {p.python_name: p for p in op.parameters}
            assert set(rows) == set(expected) | ({"body"} if op.body else set())
            for name, p in expected.items():
                cells = rows[name]
                assert len(cells) == 4, cells
                assert cells[1] == f"`{p.type}`".replace("|", "\\|")
                assert cells[2] == ("yes" if p.required else "no")
                if p.description:
                    assert cells[3].startswith(" ".join(p.description.split())[:40].replace("|", "\\|"))
            if op.body:
                assert rows["body"][1] == f"`{op.body.type}`".replace("|", "\\|")
            assert f"Returns `{op.return_type}`." in section
            for response in op.responses:
                if not response.is_success:
                    assert f"({response.status}" in section
            # the example is a Python call of this method, with the spec's request example as its body
            code = section.split("```python\n", 1)[1].split("```", 1)[0]
            call = ast.parse(code).body[0].value
            assert isinstance(call, ast.Call)
            assert ast.unparse(call.func) == f"client.{resource.attribute}.{op.method_name}"
            assert len(call.args) == len(op.path_params)
            body = next((k.value for k in call.keywords if k.arg == "body"), None)
            declared = examples.get(f"{op.http_method} {op.path}", [])
            if op.body is not None and op.body.example:
                assert ast.literal_eval(body) in declared
                with_examples += 1
    assert with_examples  # every bundled spec gives request examples: the check above ran


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(), children, max_size=5),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(_JSON)
def test_example_literals_are_python_that_evaluates_to_the_example(value):
    text = python_literal(value)
    assert ast.literal_eval(text) == value
    # laid out over lines only where long, indented four spaces a level
    assert all((len(line) - len(line.lstrip(" "))) % 4 == 0 for line in text.split("\n"))
    if "\n" in text:
        assert len(python_literal(value).replace("\n", "")) > 40
