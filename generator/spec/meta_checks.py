"""The OpenAPI 3.1 meta-schema check with its registry crawled once.

openapi-spec-validator checks a 3.1 document against the OpenAPI 3.1 schema with a jsonschema validator
whose registry holds that schema uncrawled: each `$dynamicRef` it follows (every schema object of the
document has one) crawls the registry again, from every fresh start of a check. Validation by units
starts thousands of checks on a large document: 15 s of a 4,000-schema spec went to crawling. Here the
same validator class and schema check over a registry crawled once; what it reports is unchanged."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


_MADE: dict[int, tuple[Any, Any]] = {}  # id of the schema -> (the schema, its validator)


def _crawled(schema: Any) -> Any:
    if id(schema) in _MADE:
        return _MADE[id(schema)][1]
    from jsonschema.validators import validator_for
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    validator_cls = validator_for(schema)
    resource = Resource.from_contents(schema, default_specification=DRAFT202012)
    registry = Registry().with_resource(resource.id() or "", resource).crawl()
    _MADE[id(schema)] = schema, validator_cls(schema, registry=registry)
    return _MADE[id(schema)][1]


@contextmanager
def crawled_meta_schemas() -> Iterator[None]:
    """While validating: the 3.1 schema check over a registry crawled once (see the module's doc)."""
    from jsonschema.protocols import Validator
    from openapi_spec_validator.validation.validators import OpenAPIV31SpecValidator

    original = OpenAPIV31SpecValidator.schema_validator
    if not isinstance(original, Validator):  # another backend (jsonschema-rs): left as it is
        yield
        return
    schema = original.schema
    OpenAPIV31SpecValidator.schema_validator = _crawled(schema)
    try:
        yield
    finally:
        OpenAPIV31SpecValidator.schema_validator = original
