"""Finding things in the schemas of one operation for paging: a parameter's schema, the success response's
schema, the property at a dotted path (through refs and allOf), each with its JSON pointer."""

from __future__ import annotations

from typing import Any

from clientsmith.ir.nodes import Response
from clientsmith.ir.schema_types import child
from clientsmith.spec.merge import MergedSpec
from clientsmith.spec.resolve import Resolver, lookup


class SchemaWalker:
    def __init__(self, spec: MergedSpec, resolver: Resolver) -> None:
        self.spec = spec
        self.resolver = resolver

    def parameter_schema(self, operation: dict[str, Any], op_ptr: str, wire: str) -> Any:
        path_item = lookup(self.spec.document, op_ptr.rsplit("/", 1)[0])
        path_params = path_item.get("parameters") if isinstance(path_item, dict) else None
        for raw in list(operation.get("parameters") or []) + list(path_params or []):
            param = self.resolver.deref(raw)
            if isinstance(param, dict) and param.get("name") == wire:
                return self.resolver.deref(param.get("schema") or {})
        return None

    def success_schema(
        self, operation: dict[str, Any], op_ptr: str, responses: tuple[Response, ...]
    ) -> tuple[Any, str, Response | None]:
        """The schema of the first success response with a body, its pointer, and that response."""
        success = next((r for r in responses if r.is_success and r.content_type), None)
        if success is None:
            return None, op_ptr, None
        raw = (operation.get("responses") or {}).get(success.status)
        target = self.resolver.ref_target(raw)
        base = target[1:] if target else child(op_ptr, "responses", success.status)
        response = self.resolver.deref(raw)
        node = ((response.get("content") or {}).get(success.content_type) or {}).get("schema")
        return node, child(base, "content", success.content_type, "schema"), success

    def response_headers(self, operation: dict[str, Any], success: Response | None) -> set[str]:
        if success is None:
            return set()
        response = self.resolver.deref((operation.get("responses") or {}).get(success.status))
        headers = response.get("headers") if isinstance(response, dict) else None
        return {name.lower() for name in headers} if isinstance(headers, dict) else set()

    def walk(self, schema: Any, ptr: str, keys: tuple[str, ...]) -> tuple[Any, str]:
        """The schema (and its pointer) of the property at `keys` below `schema`, or (None, ...)."""
        for key in keys:
            schema, ptr = self.property_at(schema, ptr, key)
            if schema is None:
                return None, ptr
        target = self.resolver.ref_target(schema)
        return self.resolver.deref(schema), target[1:] if target else ptr

    def properties(self, schema: Any) -> dict[str, Any]:
        """Every property of an object schema, its allOf members' included (first one wins)."""
        schema = self.resolver.deref(schema)
        if not isinstance(schema, dict):
            return {}
        found: dict[str, Any] = {}
        for member in schema.get("allOf") or []:
            for key, value in self.properties(member).items():
                found.setdefault(key, value)
        for key, value in (schema.get("properties") or {}).items():
            found.setdefault(key, value)
        return found

    def property_at(self, schema: Any, ptr: str, key: str) -> tuple[Any, str]:
        """The schema of property `key` of `schema` (through refs and allOf) and its pointer, or (None, ...)."""
        target = self.resolver.ref_target(schema)
        if target:
            ptr = target[1:]
        schema = self.resolver.deref(schema)
        if not isinstance(schema, dict):
            return None, ptr
        properties = schema.get("properties") or {}
        if key in properties:
            return properties[key], child(ptr, "properties", key)
        for index, member in enumerate(schema.get("allOf") or []):
            found, found_ptr = self.property_at(member, child(ptr, "allOf", index), key)
            if found is not None:
                return found, found_ptr
        return None, ptr


def is_array(schema: Any) -> bool:
    return isinstance(schema, dict) and (schema.get("type") == "array" or "items" in schema)


def schema_types(schema: Any) -> set[str]:
    """The JSON types a schema names (`type` as a string or a 3.1 list)."""
    if not isinstance(schema, dict):
        return set()
    kind = schema.get("type")
    found = {kind} if isinstance(kind, str) else {k for k in kind if isinstance(k, str)} if isinstance(kind, list) else set()
    for member in (schema.get("anyOf") or []) + (schema.get("oneOf") or []):  # a 3.1 `anyOf: [X, null]`
        found |= schema_types(member)
    return found
