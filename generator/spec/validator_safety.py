"""openapi-spec-validator kept to what it can check: it walks `allOf`/`oneOf` cycles without end, assumes
`paths` in a 3.1 document (where it is optional), and reads fields that an invalid object may lack.

Its schema phase (the OpenAPI meta-schema) reports what is wrong; its keyword phase then walks the
document as if it were right. What it raises there is a consequence of a problem already reported, or
else a defect of its own: either way never an internal error of ours."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

_COMBINED = ("allOf", "anyOf", "oneOf")


def checkable_document(document: dict[str, Any], version: str) -> dict[str, Any]:
    """What the validator is given: a 3.1 document without `paths` (components or webhooks only, which
    3.1 allows) gets an empty `paths`, which the validator's keyword phase assumes."""
    if version.startswith("3.1") and "paths" not in document:
        return {**document, "paths": {}}
    return document


def stopped_finding(error: BaseException, found_so_far: int) -> list[tuple[str, str]]:
    """The finding that stands for a validator that raised instead of reporting: none when it had found
    problems already (its keyword phase then trips on what they describe), else one at the root."""
    if found_so_far:
        return []
    return [("", f"openapi-spec-validator could not check this document ({type(error).__name__}); "
                 "it was not validated")]


@contextmanager
def cycle_safe_keywords() -> Iterator[None]:
    """The validator's property collection through `allOf`/`anyOf`/`oneOf`/`items`/`not` made to visit
    each schema once: the original recurses, endlessly on a cycle (a union whose members extend it)."""
    from openapi_spec_validator.validation.keywords import SchemaValidator

    original = SchemaValidator._collect_properties

    def collect_properties(self: Any, schema: Any) -> set[str]:
        found: set[str] = set()
        seen: set[int] = set()
        stack = [schema]
        while stack:
            current = stack.pop()
            value = current.read_value()
            if id(value) in seen or not isinstance(value, Mapping):
                continue
            seen.add(id(value))
            if isinstance(value.get("properties"), Mapping):
                found.update(str(name) for name in value["properties"])
            for keyword in _COMBINED:
                if isinstance(value.get(keyword), list):
                    stack.extend(current / keyword)
            for keyword in ("items", "not"):
                if keyword in value:
                    stack.append(current / keyword)
        return found

    SchemaValidator._collect_properties = collect_properties  # type: ignore[method-assign]
    try:
        yield
    finally:
        SchemaValidator._collect_properties = original  # type: ignore[method-assign]
