"""A valid value for a schema, for the README's examples when the spec gives none: the schema's own
example, default, const or first enum value, else the smallest value its type and bounds allow (an
object with its required properties only)."""

from __future__ import annotations

from typing import Any

from clientsmith.spec.resolve import Resolver

_MAX_DEPTH = 8
_STRING_FORMATS = {
    "date": "2024-01-01",
    "date-time": "2024-01-01T00:00:00Z",
    "uuid": "00000000-0000-0000-0000-000000000001",
    "email": "user@example.com",
    "uri": "https://example.com",
    "url": "https://example.com",
    "hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
}


def sample_value(resolver: Resolver, schema: Any, depth: int = 0) -> Any:
    schema = resolver.deref(schema)
    if not isinstance(schema, dict) or depth > _MAX_DEPTH:
        return None
    for key in ("example", "default", "const"):
        if key in schema:
            return schema[key]
    if isinstance(schema.get("examples"), list) and schema["examples"]:
        return schema["examples"][0]
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return schema["enum"][0]
    if isinstance(schema.get("allOf"), list):
        merged: dict[str, Any] = {}
        for member in schema["allOf"]:
            value = sample_value(resolver, member, depth + 1)
            if not isinstance(value, dict):
                return value
            merged.update(value)
        return {**merged, **_object(resolver, schema, depth)}
    for key in ("oneOf", "anyOf"):
        if isinstance(schema.get(key), list) and schema[key]:
            return sample_value(resolver, schema[key][0], depth + 1)
    kinds = schema.get("type")
    kinds = [k for k in kinds if k != "null"] if isinstance(kinds, list) else [kinds]
    kind = kinds[0] if kinds else ("object" if "properties" in schema else "array" if "items" in schema else None)
    if kind == "object":
        return _object(resolver, schema, depth)
    if kind == "array":
        return [sample_value(resolver, schema.get("items", {}), depth + 1)] * max(1, int(schema.get("minItems") or 1))
    if kind == "string":
        text = _STRING_FORMATS.get(str(schema.get("format")), "string")
        return text.ljust(int(schema.get("minLength") or 0), "x")
    if kind == "integer":
        return _number(schema, 1)
    if kind == "number":
        return float(_number(schema, 1))
    if kind == "boolean":
        return True
    return None


def _object(resolver: Resolver, schema: dict[str, Any], depth: int) -> dict[str, Any]:
    properties = schema.get("properties") or {}
    return {name: sample_value(resolver, properties.get(name, {}), depth + 1)
            for name in schema.get("required") or () if isinstance(name, str)}


def _number(schema: dict[str, Any], preferred: int) -> int:
    low, high = schema.get("minimum"), schema.get("maximum")
    value = preferred
    if isinstance(low, (int, float)) and value < low:
        value = int(low) if low == int(low) else int(low) + 1
    if isinstance(schema.get("exclusiveMinimum"), (int, float)) and value <= schema["exclusiveMinimum"]:
        value = int(schema["exclusiveMinimum"]) + 1
    if isinstance(high, (int, float)) and value > high:
        value = int(high)
    return value


def body_sample(resolver: Resolver, media_object: dict[str, Any], schema: Any, structured: bool) -> str:
    """A request body as Python source: the spec's example, else the smallest the schema allows; bytes
    for a body that is neither JSON nor a form."""
    from clientsmith.ir.examples import _NONE, example_value, python_literal

    if not structured:
        return 'b"..."'
    value = example_value(resolver, media_object, schema)
    return python_literal(sample_value(resolver, schema) if value is _NONE else value)
