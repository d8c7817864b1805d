"""An operation's parameters (its path item's and its own), typed by node: a `format: date`, `date-time`
or `uuid` string is a `date`, `datetime` or `UUID` argument, as model fields are."""

from __future__ import annotations

from typing import Any

from clientsmith.ir.annotations import NONE
from clientsmith.ir.examples import _NONE, example_value
from clientsmith.ir.nodes import Parameter
from clientsmith.ir.sample_values import sample_value
from clientsmith.ir.schema_types import SchemaTyper, child
from clientsmith.ir.type_nodes import FORMATS, ListOf, Named, Nullable, TypeNode, Typed
from clientsmith.models.generate import ENUM
from clientsmith.naming import parameter_identifier, unique
from clientsmith.problems import pointer
from clientsmith.spec.resolve import Resolver
from clientsmith.spec.validate import QUERYSTRING

IDEMPOTENCY_KEY_HEADER = "idempotency-key"


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


class ParameterReader:
    def __init__(self, document: dict[str, Any], resolver: Resolver, typer: SchemaTyper) -> None:
        self.document = document
        self.resolver = resolver
        self.typer = typer
        self.nodes: dict[tuple[str, str], TypeNode] = {}  # (operation pointer, python name) -> its type

    def read(self, path: str, operation: dict[str, Any], op_ptr: str, taken: set[str]) -> list[Parameter]:
        path_ptr = pointer("paths", path)
        merged: dict[tuple[str, str], tuple[dict[str, Any], str]] = {}
        sources = [(self.document["paths"][path].get("parameters") or [], path_ptr),
                   (operation.get("parameters") or [], op_ptr)]
        for raw_params, base in sources:
            for index, raw in enumerate(raw_params):
                ptr = self.resolver.ref_target(raw)
                param = self.resolver.deref(raw)
                if isinstance(param, dict) and param.get("in") == QUERYSTRING:
                    # OpenAPI 3.2: one parameter holds the whole query string, its object's fields as
                    # form pairs, which is what an exploded form-style query parameter sends
                    param = {**param, "name": param.get("name") or QUERYSTRING, "in": "query",
                             "style": "form", "explode": True}
                if isinstance(param, dict):
                    merged[(str(param.get("name")), str(param.get("in")))] = (
                        param, ptr[1:] if ptr else child(base, "parameters", index))
        result = []
        for (name, location), (param, ptr) in merged.items():
            schema_ptr = child(ptr, "schema")
            schema = param.get("schema")
            if schema is None and isinstance(param.get("content"), dict) and param["content"]:
                media = next(iter(param["content"]))
                schema = param["content"][media].get("schema", {})
                schema_ptr = child(ptr, "content", media, "schema")
            style = _text(param.get("style")) or ("form" if location in ("query", "cookie") else "simple")
            explode = param.get("explode", style == "form")
            node = self.type_node(schema or {}, schema_ptr)
            python_name = unique(parameter_identifier(name), taken)
            self.nodes[(op_ptr, python_name)] = node
            example = example_value(self.resolver, param, schema)
            result.append(
                Parameter(
                    name=name,
                    python_name=python_name,
                    location=location,
                    # The client fills an Idempotency-Key the caller leaves out: never a required argument.
                    required=location == "path" or (param.get("required") is True and not (
                        location == "header" and name.lower() == IDEMPOTENCY_KEY_HEADER)),
                    type=node.annotation(),
                    description=_text(param.get("description")),
                    style=style,
                    explode=explode is True,
                    deprecated=param.get("deprecated") is True,
                    example="" if example is _NONE else node.literal(example),
                    sample=node.literal(sample_value(self.resolver, schema or {}) if example is _NONE else example),
                )
            )
        return result

    def type_node(self, schema: Any, ptr: str, depth: int = 0) -> TypeNode:
        """The node of a parameter's schema: formats and lists of them typed, the rest as the typer writes it."""
        annotation = self.typer.annotation(schema, ptr)
        if depth > 5:
            return Typed(annotation)
        cls = self.typer.model_class(schema, ptr)
        if cls:
            named = Named(cls, self.typer.kind_by_class.get(cls) == ENUM)
            if annotation.members == (named.annotation(), NONE):
                return Nullable(named)
            return named if annotation == named.annotation() else Typed(annotation)
        target = self.resolver.ref_target(schema)
        if target:
            ptr = target[1:]
        resolved = self.resolver.deref(schema)
        if not isinstance(resolved, dict):
            return Typed(annotation)
        kinds = resolved.get("type")
        kinds = kinds if isinstance(kinds, list) else [kinds]
        nullable = resolved.get("nullable") is True or "null" in kinds
        kinds = [k for k in kinds if k != "null"]
        node: TypeNode | None = None
        if kinds == ["string"] and resolved.get("format") in FORMATS:
            node = FORMATS[resolved["format"]]
        elif kinds == ["array"] and isinstance(resolved.get("items"), dict):
            item = self.type_node(resolved["items"], child(ptr, "items"), depth + 1)
            if not isinstance(item, Typed):
                node = ListOf(item)
        if node is None:
            return Typed(annotation)
        return Nullable(node) if nullable else node
