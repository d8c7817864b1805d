"""Pagination from Datadog's `x-pagination` operation extension, read as the vendor's own client reads it.

`limitParam` names the page-size parameter; the page position is `pageOffsetParam` (an offset growing by
the limit), `pageParam` (a page number counting from `pageStart`) or `cursorParam` (set from `cursorPath`
in each response). `limitParam` and `cursorParam` may be `body.a.b` paths into the JSON request body;
`resultsPath` and `cursorPath` are dotted paths into the response body.
"""

from __future__ import annotations

from typing import Any, NoReturn

from generator.ir.nodes import Pagination, Parameter, RequestBody, Response
from generator.ir.schema_types import SchemaTyper, child
from generator.problems import SpecError
from generator.spec.merge import MergedSpec
from generator.spec.resolve import Resolver, lookup

_POSITIONS = (("pageOffsetParam", "offset"), ("pageParam", "page"), ("cursorParam", "cursor"))
_BODY = "body."


class PaginationReader:
    def __init__(self, spec: MergedSpec, resolver: Resolver, typer: SchemaTyper) -> None:
        self.spec = spec
        self.resolver = resolver
        self.typer = typer

    def read(
        self,
        operation: dict[str, Any],
        op_ptr: str,
        method_name: str,
        params: list[Parameter],
        body: RequestBody | None,
        responses: tuple[Response, ...],
    ) -> Pagination | None:
        raw = operation.get("x-pagination")
        if raw is None:
            return None
        ptr = child(op_ptr, "x-pagination")
        if not isinstance(raw, dict):
            self._fail(ptr, "x-pagination must be an object")
        styles = [(key, style) for key, style in _POSITIONS if key in raw]
        if len(styles) != 1:
            self._fail(ptr, "x-pagination needs exactly one of pageOffsetParam, pageParam or cursorParam")
        position_key, style = styles[0]
        results_path = self._dotted(raw, "resultsPath", ptr)
        cursor_path = self._dotted(raw, "cursorPath", ptr) if style == "cursor" else ()
        by_wire = {p.name: p for p in params if p.location != "path"}

        limit_param, limit_default = "", None
        limit_body_path: tuple[str, ...] = ()
        if "limitParam" in raw:
            limit_param, limit_body_path = self._target(raw, "limitParam", ptr, by_wire, body)
            limit_default = self._limit_default(operation, op_ptr, by_wire, limit_param, limit_body_path, body)
        elif style != "cursor":
            self._fail(ptr, f"x-pagination with {position_key} needs limitParam")
        position_param, position_body_path = self._target(raw, position_key, ptr, by_wire, body)
        page_start = raw.get("pageStart", 0)
        if not isinstance(page_start, int) or isinstance(page_start, bool):
            self._fail(child(ptr, "pageStart"), "pageStart must be an integer")
        return Pagination(
            method_name=f"{method_name}_with_pagination",
            style=style,
            item_type=self._item_type(operation, op_ptr, responses, results_path, ptr),
            results_path=results_path,
            limit_param=limit_param,
            limit_body_path=limit_body_path,
            limit_default=limit_default,
            position_param=position_param,
            position_body_path=position_body_path,
            page_start=page_start if style == "page" else 0,
            cursor_path=cursor_path,
            # in the plain method's order: query, header, cookie
            params=tuple(p for where in ("query", "header", "cookie") for p in params
                         if p.location == where and p.python_name != position_param),
        )

    def _fail(self, ptr: str, message: str) -> NoReturn:
        raise SpecError([self.spec.problem(ptr, message)])

    def _dotted(self, raw: dict[str, Any], key: str, ptr: str) -> tuple[str, ...]:
        value = raw.get(key)
        if not isinstance(value, str) or not value or "" in value.split("."):
            self._fail(child(ptr, key), f"x-pagination needs {key} as a dotted path, e.g. data or meta.page.after")
        return tuple(value.split("."))

    def _target(
        self, raw: dict[str, Any], key: str, ptr: str, by_wire: dict[str, Parameter], body: RequestBody | None
    ) -> tuple[str, tuple[str, ...]]:
        """(python_name of the parameter, ()) or ("", wire keys into the JSON body) that `key` names."""
        value = raw.get(key)
        if not isinstance(value, str) or not value:
            self._fail(child(ptr, key), f"x-pagination {key} must name a parameter")
        if value in by_wire:
            return by_wire[value].python_name, ()
        if value.startswith(_BODY) and "" not in value.split("."):
            if body is None or not body.is_json:
                self._fail(child(ptr, key), f"{key} {value!r} points into a JSON request body the operation has not")
            return "", tuple(value[len(_BODY):].split("."))
        self._fail(child(ptr, key), f"{key} {value!r} is not a query, header or cookie parameter of the operation")

    def _limit_default(
        self, operation: dict[str, Any], op_ptr: str, by_wire: dict[str, Parameter], python_name: str,
        body_path: tuple[str, ...], body: RequestBody | None,
    ) -> int | None:
        if python_name:
            wire = next(name for name, p in by_wire.items() if p.python_name == python_name)
            schema = self._parameter_schema(operation, op_ptr, wire)
        else:  # the body is JSON: _target checked it
            content = self.resolver.deref(operation["requestBody"]).get("content") or {}
            media = content.get(body.content_type if body else "") or {}
            schema = self._walk(media.get("schema"), "", body_path)[0]
        default = schema.get("default") if isinstance(schema, dict) else None
        return default if isinstance(default, int) and not isinstance(default, bool) else None

    def _parameter_schema(self, operation: dict[str, Any], op_ptr: str, wire: str) -> Any:
        path_item = lookup(self.spec.document, op_ptr.rsplit("/", 1)[0])
        path_params = path_item.get("parameters") if isinstance(path_item, dict) else None
        for raw in list(operation.get("parameters") or []) + list(path_params or []):
            param = self.resolver.deref(raw)
            if isinstance(param, dict) and param.get("name") == wire:
                return self.resolver.deref(param.get("schema") or {})
        return None

    def _walk(self, schema: Any, ptr: str, keys: tuple[str, ...]) -> tuple[Any, str]:
        """The schema (and its pointer) of the property at `keys` below `schema`, or (None, ...)."""
        for key in keys:
            schema, ptr = self._property_at(schema, ptr, key)
            if schema is None:
                return None, ptr
        target = self.resolver.ref_target(schema)
        return self.resolver.deref(schema), target[1:] if target else ptr

    def _item_type(
        self, operation: dict[str, Any], op_ptr: str, responses: tuple[Response, ...], results_path: tuple[str, ...],
        ptr: str,
    ) -> str:
        """The annotation of the items of the list at results_path in the first JSON success response."""
        success = next((r for r in responses if r.is_success and r.content_type), None)
        if success is None:
            self._fail(ptr, "x-pagination needs a success response with a body")
        raw = (operation.get("responses") or {}).get(success.status)
        target = self.resolver.ref_target(raw)
        base = target[1:] if target else child(op_ptr, "responses", success.status)
        response = self.resolver.deref(raw)
        node = (response.get("content") or {})[success.content_type].get("schema")
        node_ptr = child(base, "content", success.content_type, "schema")
        node, node_ptr = self._walk(node, node_ptr, results_path)
        if node is None:
            self._fail(child(ptr, "resultsPath"), f"resultsPath {'.'.join(results_path)!r} is not in the response schema")
        if not isinstance(node, dict) or not (node.get("type") == "array" or "items" in node):
            self._fail(child(ptr, "resultsPath"), f"resultsPath {'.'.join(results_path)!r} is not an array")
        return self.typer.annotation(node.get("items", {}), child(node_ptr, "items"))

    def _property_at(self, schema: Any, ptr: str, key: str) -> tuple[Any, str]:
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
            found, found_ptr = self._property_at(member, child(ptr, "allOf", index), key)
            if found is not None:
                return found, found_ptr
        return None, ptr
