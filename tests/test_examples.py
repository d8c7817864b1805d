"""Every example in every fragment parses into its model and dumps back (aliases, set fields) to equal JSON."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import TypeAdapter

from conftest import ROOT, import_generated

from generator.build_ir import is_json_media
from generator.config import load_targets
from generator.merge import load_spec
from generator.models import generate_models
from generator.problems import pointer
from generator.resolve import Resolver
from generator.schema_types import SchemaTyper
from generator.validate import iter_operations

TARGETS = load_targets(ROOT / "pyproject.toml")


def media_examples(document: dict[str, Any], resolver: Resolver):
    """(pointer of the schema, example name, value) for every example on a JSON request or response body."""
    for path, method, operation, op_ptr in iter_operations(document):
        bodies = []
        if "requestBody" in operation:
            target = resolver.ref_target(operation["requestBody"])
            bodies.append((target[1:] if target else op_ptr + "/requestBody", resolver.deref(operation["requestBody"])))
        for status, response in (operation.get("responses") or {}).items():
            target = resolver.ref_target(response)
            bodies.append((target[1:] if target else f"{op_ptr}/responses/{status}", resolver.deref(response)))
        for base, body in bodies:
            for media, media_object in (body.get("content") or {}).items():
                if not is_json_media(media) or "schema" not in media_object:
                    continue
                schema_ptr = base + pointer("content", media, "schema")
                examples = dict(media_object.get("examples") or {})
                if "example" in media_object:
                    examples["example"] = {"value": media_object["example"]}
                for name, example in examples.items():
                    example = resolver.deref(example)
                    if "value" in example:
                        yield schema_ptr, media_object["schema"], f"{method.upper()} {path} {name}", example["value"]


def cases():
    for target in TARGETS:
        spec = load_spec(target.spec, ROOT)
        resolver = Resolver(spec)
        models = generate_models(spec.document, "#")
        typer = SchemaTyper(resolver, models.class_by_pointer, models.kind_by_class)
        seen = set()
        for schema_ptr, schema, label, value in media_examples(spec.document, resolver):
            annotation = typer.annotation(schema, schema_ptr)
            key = (target.distribution, label, json.dumps(value, sort_keys=True))
            if key not in seen:
                seen.add(key)
                yield pytest.param(target, annotation, value, id=f"{target.distribution}: {label}")


CASES = list(cases())


def test_every_bundled_spec_has_examples():
    assert {c.values[0].distribution for c in CASES} == {t.distribution for t in TARGETS}


@pytest.mark.parametrize("target, annotation, value", CASES)
def test_example_round_trips_through_its_model(target, annotation, value):
    package = import_generated(target.output, target.package)
    namespace = {**vars(package.models), "Any": Any}
    adapter = TypeAdapter(eval(annotation, namespace))  # annotation text names classes of the models module
    parsed = adapter.validate_python(value)
    dumped = adapter.dump_python(parsed, mode="json", by_alias=True, exclude_unset=True)
    assert dumped == value
