"""Every example in every fragment parses into its model and dumps back (aliases, set fields) to equal JSON."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import TypeAdapter

from conftest import ROOT, import_generated

from spec_examples import media_examples, normalise

from clientsmith.config import load_targets
from clientsmith.spec.merge import load_spec
from clientsmith.models.generate import generate_models
from clientsmith.spec.resolve import Resolver
from clientsmith.ir.schema_types import SchemaTyper

TARGETS = load_targets(ROOT / "pyproject.toml")


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
    import importlib

    import_generated(target.output, target.package)
    namespace = {**vars(importlib.import_module(f"{target.package}.models")), "Any": Any}
    adapter = TypeAdapter(eval(annotation.render(), namespace))  # annotation text names classes of the models module
    parsed = adapter.validate_python(value)
    dumped = adapter.dump_python(parsed, mode="json", by_alias=True, exclude_unset=True)
    # timestamps compare as instants: the client writes `Z` where documents write `.000Z`
    assert normalise(dumped) == normalise(value)
