"""Property-based fuzzing: random valid specs with random names, strings and shapes.

Each must give code that compiles, imports, type-checks and regenerates to the same bytes, and no
string from the spec is ever executed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import import_generated, lint_findings, mypy_strict

from clientsmith.config import ClientTarget
from clientsmith.pipeline import build_package
from clientsmith.problems import SpecError
from clientsmith.output.write import write_package

# Strings that would do something if they ever ran as code or template.
PAYLOADS = ['"""', "'''", "\\", "{{ 7*7 }}", "{% raw %}", "__import__('builtins').exit(3)", "\n#", "\r\n", "\x00"]
texts = st.one_of(st.sampled_from(PAYLOADS), st.text(max_size=20))
names = st.one_of(
    st.sampled_from(["class", "model_config", "json", "id", "type", "self", "list", "1x", "a-b", "a b", "ü", "_", "None"]),
    st.text(alphabet=st.characters(codec="utf-8", categories=("L", "N", "Pc", "Pd", "Zs")), min_size=1, max_size=10),
)
SAFE = st.text(alphabet="abcdefghij", min_size=1, max_size=6)


def schemas(refs: list[str]):
    primitives = st.one_of(
        st.builds(lambda d: {"type": "string", "description": d}, texts),
        st.builds(lambda values: {"type": "string", "enum": values},
                  st.lists(st.text(min_size=1, max_size=8), min_size=1, max_size=4, unique=True)),
        st.just({"type": "integer", "format": "int64"}),
        st.just({"type": "number", "nullable": True}),
        st.just({"type": "boolean", "default": False}),
        st.just({"type": "string", "format": "date-time"}),
        *([st.sampled_from([{"$ref": f"#/components/schemas/{r}"} for r in refs])] if refs else []),
    )

    def extend(inner):
        return st.one_of(
            st.builds(lambda items: {"type": "array", "items": items}, inner),
            st.builds(
                lambda props, desc: {"type": "object", "description": desc, "properties": props,
                                     "required": sorted(props)[:1]},
                st.dictionaries(names, inner, min_size=1, max_size=4), texts,
            ),
            st.builds(lambda options: {"oneOf": options}, st.lists(inner, min_size=2, max_size=3)),
        )

    return st.recursive(primitives, extend, max_leaves=6)


@st.composite
def specs(draw):
    component_names = draw(st.lists(names, min_size=1, max_size=4, unique_by=lambda n: n.strip()))
    component_names = [n for n in component_names if n.strip()] or ["Thing"]
    components = {}
    for index, name in enumerate(component_names):
        components[name] = draw(schemas(component_names[:index]))  # refs point backwards: no bare cycles
    paths = {}
    operation_ids = draw(st.lists(names, min_size=1, max_size=3, unique_by=lambda n: n.lower()))
    for index, op_id in enumerate(operation_ids):
        param = draw(names)
        operation = {
            "operationId": op_id,
            "tags": [draw(names)],
            "summary": draw(texts),
            "description": draw(texts),
            "parameters": [
                {"name": "item_id", "in": "path", "required": True, "schema": {"type": "string"}},
                {"name": param, "in": draw(st.sampled_from(["query", "header"])), "description": draw(texts),
                 "schema": draw(schemas(component_names))},
            ],
            "responses": {
                "200": {"description": draw(texts), "content": {"application/json": {"schema": draw(schemas(component_names))}}},
                "404": {"description": "missing"},
            },
        }
        if draw(st.booleans()):
            operation["requestBody"] = {"required": draw(st.booleans()),
                                        "content": {"application/json": {"schema": draw(schemas(component_names))}}}
        paths[f"/p{index}/{draw(SAFE)}/{{item_id}}"] = {draw(st.sampled_from(["get", "post", "patch", "put", "delete"])): operation}
    return {
        "openapi": "3.0.3",
        "info": {"title": draw(texts), "version": "1.0.0", "description": draw(texts)},
        "servers": [{"url": "https://example.com/" + draw(SAFE), "description": draw(texts)}],
        "paths": paths,
        "components": {"schemas": components},
    }


GENERATED: list[Path] = []


@pytest.mark.xdist_group("fuzz")  # the type check below reads what this test made, in one process
@settings(max_examples=30, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture])
@given(spec=specs())
def test_random_specs_generate_safe_importable_stable_code(spec, tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz")
    (folder / "spec.yaml").write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    package = f"fuzz_{len(GENERATED)}"
    layout = "package" if len(GENERATED) % 2 else "module"  # both models layouts
    target = ClientTarget(folder / "spec.yaml", package, package.replace("_", "-"), folder / "out", models=layout)
    try:
        first = build_package(target, base=folder)
    except SpecError as exc:
        # a clear, located refusal is an acceptable outcome for a random spec
        assert all(str(p).startswith("spec.yaml:") for p in exc.problems), exc
        return
    assert build_package(target, base=folder).files == first.files  # same input, same bytes
    write_package(target.output, first.files)
    for rel, data in first.files.items():
        if rel.endswith(".py"):
            compile(data, rel, "exec")
    import_generated(target.output, package)  # importing runs module code: any executed payload would show
    import importlib

    models = importlib.import_module(f"{package}.models")  # models and resources load on first use: load them
    for name in getattr(models, "__all__", dir(models)):
        getattr(models, name)
    for module in sorted((target.output / package / "api").glob("[!_]*.py")):
        importlib.import_module(f"{package}.api.{module.stem}")
    GENERATED.append(target.output / package)


@pytest.mark.xdist_group("fuzz")
def test_fuzzed_packages_type_check(tmp_path, tmp_path_factory):
    """mypy --strict over every package the fuzz test produced: its packages when it ran first in this
    process (file order, one xdist group), else it is run here, so the check never depends on the order."""
    if not GENERATED:
        test_random_specs_generate_safe_importable_stable_code(tmp_path_factory=tmp_path_factory)
    assert GENERATED
    work = tmp_path / "packages"
    work.mkdir()
    for pkg in GENERATED:
        (work / pkg.name).symlink_to(pkg, target_is_directory=True)
    result = mypy_strict(work, *sorted(p.name for p in GENERATED))
    assert result.returncode == 0, result.stdout[-4000:]
    assert lint_findings(*GENERATED) == []  # no unused import, no shadowed name
