"""Paging of one operation: declared (`x-pagination`), from another generator's extension, or inferred,
checked against the operation and made into the IR's `Pagination`.

`paging_extensions.py` and `paging_inference.py` describe the walk (`PagingDescription`); here its
parameters are resolved (a query, header or cookie parameter, or `body.a.b` keys into the JSON request
body), the page size's default read, and the items typed from the list at the results path.
"""

from __future__ import annotations

from typing import Any, NoReturn

from clientsmith.ir.annotations import Annotation
from clientsmith.ir.nodes import Pagination, Parameter, RequestBody, Response
from clientsmith.ir.paging_description import BODY, PagingDescription
from clientsmith.ir.paging_extensions import ExtensionReader
from clientsmith.ir.paging_inference import PagingInference
from clientsmith.ir.paging_schema import SchemaWalker, is_array
from clientsmith.ir.schema_types import SchemaTyper, child
from clientsmith.problems import SpecError
from clientsmith.spec.merge import MergedSpec
from clientsmith.spec.resolve import Resolver



class PaginationReader:
    def __init__(self, spec: MergedSpec, resolver: Resolver, typer: SchemaTyper, paging: str = "inferred") -> None:
        self.spec = spec
        self.resolver = resolver
        self.typer = typer
        self.walker = SchemaWalker(spec, resolver)
        self.extensions = ExtensionReader(spec)
        self.inference = PagingInference(self.walker) if paging == "inferred" else None

    def read(
        self,
        operation: dict[str, Any],
        op_ptr: str,
        method_name: str,
        params: list[Parameter],
        body: RequestBody | None,
        responses: tuple[Response, ...],
        http_method: str = "GET",
    ) -> Pagination | None:
        described = self.extensions.read(operation, op_ptr)
        if described is None and self.inference is not None:
            described = self.inference.infer(operation, op_ptr, http_method, params, body, responses)
        if described is None:
            return None
        by_wire = {p.name: p for p in params if p.location != "path"}
        limit_param, limit_body_path, limit_default = "", (), None
        if described.limit:
            limit_param, limit_body_path = self._target(described, "limit", by_wire, body)
            limit_default = self._limit_default(operation, op_ptr, by_wire, limit_param, limit_body_path, body)
        position_param, position_body_path = "", ()
        if described.position:
            position_param, position_body_path = self._target(described, "position", by_wire, body)
        page_start = described.page_start
        if page_start is None:  # the page parameter's default, else pages count from 1
            default = self.walker.parameter_schema(operation, op_ptr, described.position) if position_param else None
            value = default.get("default") if isinstance(default, dict) else None
            page_start = value if isinstance(value, int) and not isinstance(value, bool) else 1
        return Pagination(
            method_name=f"{method_name}_with_pagination",
            style=described.style,
            item_type=self._item_type(operation, op_ptr, responses, described),
            results_path=described.results_path,
            limit_param=limit_param,
            limit_body_path=limit_body_path,
            limit_default=limit_default,
            position_param=position_param,
            position_body_path=position_body_path,
            page_start=page_start if described.style == "page" else 0,
            cursor_path=described.cursor_path,
            # in the plain method's order: query, header, cookie
            params=tuple(p for where in ("query", "header", "cookie") for p in params
                         if p.location == where and (not position_param or p.python_name != position_param)),
            source=described.source,
            keyed_on=described.keyed_on,
            next_url_path=described.next_url_path,
            has_more_path=described.has_more_path,
            item_id_path=described.item_id_path,
            total_path=described.total_path,
            total_header=described.total_header,
        )

    def _fail(self, described: PagingDescription, role: str, message: str) -> NoReturn:
        where = described.where.get(role, described.at)
        raise SpecError([self.spec.problem(where.pointer, message.format(key=where.label))])

    def _target(
        self, described: PagingDescription, role: str, by_wire: dict[str, Parameter], body: RequestBody | None
    ) -> tuple[str, tuple[str, ...]]:
        """(python_name of the parameter, ()) or ("", wire keys into the JSON body) the description names."""
        value = described.limit if role == "limit" else described.position
        if value in by_wire:
            return by_wire[value].python_name, ()
        if value.startswith(BODY) and "" not in value.split("."):
            if body is None or not body.is_json:
                self._fail(described, role, "{key} " + f"{value!r} points into a JSON request body the operation has not")
            return "", tuple(value[len(BODY):].split("."))
        self._fail(described, role, "{key} " + f"{value!r} is not a query, header or cookie parameter of the operation")

    def _limit_default(
        self, operation: dict[str, Any], op_ptr: str, by_wire: dict[str, Parameter], python_name: str,
        body_path: tuple[str, ...], body: RequestBody | None,
    ) -> int | None:
        if python_name:
            wire = next(name for name, p in by_wire.items() if p.python_name == python_name)
            schema = self.walker.parameter_schema(operation, op_ptr, wire)
        else:  # the body is JSON: _target checked it
            content = self.resolver.deref(operation["requestBody"]).get("content") or {}
            media = content.get(body.content_type if body else "") or {}
            schema = self.walker.walk(media.get("schema"), "", body_path)[0]
        default = schema.get("default") if isinstance(schema, dict) else None
        return default if isinstance(default, int) and not isinstance(default, bool) else None

    def _item_type(
        self, operation: dict[str, Any], op_ptr: str, responses: tuple[Response, ...], described: PagingDescription
    ) -> Annotation:
        """The annotation of the items of the list at the results path in the first JSON success response."""
        node, node_ptr, success = self.walker.success_schema(operation, op_ptr, responses)
        if success is None:
            self._fail(described, "", "{key} needs a success response with a body")
        results = ".".join(described.results_path)
        node, node_ptr = self.walker.walk(node, node_ptr, described.results_path)
        if node is None:
            self._fail(described, "results", "{key} " + f"{results!r} is not in the response schema")
        if not is_array(node):
            self._fail(described, "results", "{key} " + f"{results!r} is not an array")
        return self.typer.annotation(node.get("items", {}), child(node_ptr, "items"))

