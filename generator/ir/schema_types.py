"""Python annotations (as nodes) for schemas, naming the model classes datamodel-code-generator made for them."""

from __future__ import annotations

from typing import Any

from clientsmith.ir.annotations import ANY, BYTES, JSON_OBJECT, NONE, Annotation, Name, Union, dict_of, list_of, union_of
from clientsmith.models.generate import ENUM, MODEL
from clientsmith.problems import escape_pointer_token
from clientsmith.spec.resolve import Resolver

_PRIMITIVES = {"string": "str", "integer": "int", "number": "float", "boolean": "bool", "null": "None"}


class SchemaTyper:
    def __init__(self, resolver: Resolver, class_by_pointer: dict[str, str], kind_by_class: dict[str, str]) -> None:
        self.resolver = resolver
        self.class_by_pointer = class_by_pointer
        self.kind_by_class = kind_by_class
        self.used: set[str] = set()

    def model_class(self, schema: Any, ptr: str) -> str:
        """The class users build for this schema (an object model or an enum), or ""."""
        target = self.resolver.ref_target(schema)
        where = target[1:] if target else ptr
        name = self.class_by_pointer.get(where, "")
        if name and self.kind_by_class.get(name) in (MODEL, ENUM):
            return name
        return ""

    def annotation(self, schema: Any, ptr: str, depth: int = 0) -> Annotation:
        if depth > 20 or not isinstance(schema, dict):
            return ANY
        target = self.resolver.ref_target(schema)
        if target:
            ptr = target[1:]
            schema = self.resolver.deref(schema)
            if not isinstance(schema, dict):
                return ANY
        cls = self.class_by_pointer.get(ptr)
        if cls and self.kind_by_class.get(cls) in (MODEL, ENUM):
            self.used.add(cls)
            return self._nullable(Name(cls), schema)
        for key in ("oneOf", "anyOf"):
            if isinstance(schema.get(key), list):
                members = [
                    self.annotation(s, f"{ptr}/{key}/{i}", depth + 1) for i, s in enumerate(schema[key])
                ]
                return self._nullable(union_of(members), schema)
        types = schema.get("type")
        type_list = types if isinstance(types, list) else [types] if types else []
        parts = [self._one_type(t, schema, ptr, depth) for t in type_list] or [self._untyped(schema, ptr, depth)]
        return self._nullable(union_of(parts), schema)

    def _one_type(self, kind: Any, schema: dict[str, Any], ptr: str, depth: int) -> Annotation:
        if kind == "array":
            return list_of(self.annotation(schema.get("items", {}), f"{ptr}/items", depth + 1))
        if kind == "object":
            extra = schema.get("additionalProperties")
            if isinstance(extra, dict) and not schema.get("properties"):
                return dict_of(self.annotation(extra, f"{ptr}/additionalProperties", depth + 1))
            return JSON_OBJECT
        if kind == "string" and schema.get("format") == "binary":
            return BYTES
        return Name(_PRIMITIVES[kind]) if kind in _PRIMITIVES else ANY

    def _untyped(self, schema: dict[str, Any], ptr: str, depth: int) -> Annotation:
        if "properties" in schema or "additionalProperties" in schema:
            return self._one_type("object", schema, ptr, depth)
        if "items" in schema:
            return self._one_type("array", schema, ptr, depth)
        if isinstance(schema.get("allOf"), list) and len(schema["allOf"]) == 1:
            return self.annotation(schema["allOf"][0], f"{ptr}/allOf/0", depth + 1)
        return ANY

    @staticmethod
    def _nullable(annotation: Annotation, schema: dict[str, Any]) -> Annotation:
        if schema.get("nullable") is True and annotation not in (ANY, NONE) and not annotation.nullable:
            return Union(annotation.members + (NONE,))
        return annotation


def child(ptr: str, *tokens: object) -> str:
    return ptr + "".join("/" + escape_pointer_token(t) for t in tokens)
