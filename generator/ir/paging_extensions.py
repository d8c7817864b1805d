"""Paging declared in a spec: Datadog's `x-pagination`, and the extensions other generators read
(`x-speakeasy-pagination`, `x-fern-pagination`), each mapped onto one `PagingDescription`.

Shapes, as their generators document them:
- `x-speakeasy-pagination: {type: offsetLimit | cursor | url, inputs: [{name, in: parameters | requestBody,
  type: offset | page | cursor | limit}], outputs: {results: $.data, nextCursor: $.next, nextUrl: $.links.next}}`;
  `nextCursor: $.data[-1].id` is the last item's id.
- `x-fern-pagination: {cursor: $request.after, next_cursor: $response.meta.next, results: $response.data}`,
  `{offset: $request.page, step: $request.limit, has-next-page: $response.has_more, results: ...}`
  (without `step`, the offset counts pages), or `{next_uri: $response.next, results: ...}`.
"""

from __future__ import annotations

import re
from typing import Any, NoReturn

from clientsmith.ir.paging_description import BODY, DECLARED, EXTENSION, PagingDescription, Where
from clientsmith.ir.schema_types import child
from clientsmith.problems import SpecError
from clientsmith.spec.merge import MergedSpec

_POSITIONS = (("pageOffsetParam", "offset"), ("pageParam", "page"), ("cursorParam", "cursor"))
_JSONPATH = re.compile(r"^\$((?:\.[^.\[\]]+)*)$")
_LAST_ITEM = re.compile(r"^\$((?:\.[^.\[\]]+)*)\[-1\]((?:\.[^.\[\]]+)+)$")
_FERN = re.compile(r"^\$(request|response)((?:\.[^.]+)+)$")


class ExtensionReader:
    def __init__(self, spec: MergedSpec) -> None:
        self.spec = spec

    def read(self, operation: dict[str, Any], op_ptr: str) -> PagingDescription | None:
        if "x-pagination" in operation:
            return self._datadog(operation["x-pagination"], child(op_ptr, "x-pagination"))
        if "x-speakeasy-pagination" in operation:
            return self._speakeasy(operation["x-speakeasy-pagination"], child(op_ptr, "x-speakeasy-pagination"))
        if "x-fern-pagination" in operation:
            return self._fern(operation["x-fern-pagination"], child(op_ptr, "x-fern-pagination"))
        return None

    def _fail(self, ptr: str, message: str) -> NoReturn:
        raise SpecError([self.spec.problem(ptr, message)])

    # -- x-pagination ---------------------------------------------------------------------------------

    def _datadog(self, raw: Any, ptr: str) -> PagingDescription:
        if not isinstance(raw, dict):
            self._fail(ptr, "x-pagination must be an object")
        styles = [(key, style) for key, style in _POSITIONS if key in raw]
        if len(styles) != 1:
            self._fail(ptr, "x-pagination needs exactly one of pageOffsetParam, pageParam or cursorParam")
        position_key, style = styles[0]
        if "limitParam" not in raw and style != "cursor":
            self._fail(ptr, f"x-pagination with {position_key} needs limitParam")
        page_start = raw.get("pageStart", 0)
        if not isinstance(page_start, int) or isinstance(page_start, bool):
            self._fail(child(ptr, "pageStart"), "pageStart must be an integer")
        where = {"position": Where(child(ptr, position_key), position_key),
                 "results": Where(child(ptr, "resultsPath"), "resultsPath")}
        if "limitParam" in raw:
            where["limit"] = Where(child(ptr, "limitParam"), "limitParam")
        return PagingDescription(
            style=style, results_path=self._dotted(raw, "resultsPath", ptr), source=DECLARED,
            keyed_on=("x-pagination",), at=Where(ptr, "x-pagination"),
            limit=self._name(raw, "limitParam", ptr) if "limitParam" in raw else "",
            position=self._name(raw, position_key, ptr), page_start=page_start,
            cursor_path=self._dotted(raw, "cursorPath", ptr) if style == "cursor" else (), where=where,
        )

    def _name(self, raw: dict[str, Any], key: str, ptr: str) -> str:
        value = raw.get(key)
        if not isinstance(value, str) or not value:
            self._fail(child(ptr, key), f"x-pagination {key} must name a parameter")
        return value

    def _dotted(self, raw: dict[str, Any], key: str, ptr: str) -> tuple[str, ...]:
        value = raw.get(key)
        if not isinstance(value, str) or not value or "" in value.split("."):
            self._fail(child(ptr, key), f"x-pagination needs {key} as a dotted path, e.g. data or meta.page.after")
        return tuple(value.split("."))

    # -- x-speakeasy-pagination -----------------------------------------------------------------------

    def _speakeasy(self, raw: Any, ptr: str) -> PagingDescription:
        name = "x-speakeasy-pagination"
        if not isinstance(raw, dict) or raw.get("type") not in ("offsetLimit", "cursor", "url"):
            self._fail(ptr, f"{name} needs type offsetLimit, cursor or url")
        inputs: dict[str, tuple[str, Where]] = {}
        for index, entry in enumerate(raw.get("inputs") or []):
            at = child(ptr, "inputs", index)
            if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or entry.get("type") not in (
                    "offset", "page", "cursor", "limit") or entry.get("in") not in ("parameters", "requestBody"):
                self._fail(at, f"{name} inputs need name, in (parameters or requestBody) and type "
                               "(offset, page, cursor or limit)")
            target = entry["name"] if entry["in"] == "parameters" else BODY + entry["name"]
            inputs[entry["type"]] = (target, Where(child(at, "name"), "name"))
        outputs = raw.get("outputs")
        if not isinstance(outputs, dict):
            self._fail(ptr, f"{name} needs outputs with results")
        optr = child(ptr, "outputs")
        results = self._jsonpath(outputs.get("results"), child(optr, "results"), name)
        fields: dict[str, Any] = {}
        kind = raw["type"]
        if kind == "offsetLimit":
            style = "offset" if "offset" in inputs else "page" if "page" in inputs else ""
        elif kind == "cursor":
            style = "cursor"
            next_cursor = outputs.get("nextCursor")
            last = _LAST_ITEM.match(next_cursor) if isinstance(next_cursor, str) else None
            if last and _split(last.group(1)) == results:
                style, fields["item_id_path"] = "last_id", _split(last.group(2))
            else:
                fields["cursor_path"] = self._jsonpath(next_cursor, child(optr, "nextCursor"), name)
        else:
            style = "next_url"
            fields["next_url_path"] = self._jsonpath(outputs.get("nextUrl"), child(optr, "nextUrl"), name)
        position_type = {"offset": "offset", "page": "page", "cursor": "cursor", "last_id": "cursor"}.get(style)
        if position_type and position_type not in inputs or not style:
            self._fail(child(ptr, "inputs"), f"{name} of type {kind} needs an input of type "
                                             f"{position_type or 'offset or page'}")
        where = {"results": Where(child(optr, "results"), "results")}
        if position_type:
            where["position"] = inputs[position_type][1]
        if "limit" in inputs:
            where["limit"] = inputs["limit"][1]
        return PagingDescription(
            style=style, results_path=results, source=EXTENSION, keyed_on=(name,), at=Where(ptr, name),
            limit=inputs["limit"][0] if "limit" in inputs else "",
            position=inputs[position_type][0] if position_type else "", where=where, **fields)

    def _jsonpath(self, value: Any, ptr: str, name: str) -> tuple[str, ...]:
        match = _JSONPATH.match(value) if isinstance(value, str) else None
        if match is None:
            self._fail(ptr, f"{name} needs a JSONPath of object keys here, e.g. $.data or $.meta.next")
        return _split(match.group(1))

    # -- x-fern-pagination ----------------------------------------------------------------------------

    def _fern(self, raw: Any, ptr: str) -> PagingDescription:
        name = "x-fern-pagination"
        if not isinstance(raw, dict) or "results" not in raw:
            self._fail(ptr, f"{name} needs results")

        def ref(key: str, side: str) -> tuple[str, ...]:
            value = raw.get(key)
            match = _FERN.match(value) if isinstance(value, str) else None
            if match is None or match.group(1) != side:
                self._fail(child(ptr, key), f"{name} {key} must be ${side}.<dotted path>")
            return _split(match.group(2))

        def request(key: str) -> str:
            path = ref(key, "request")
            return path[0] if len(path) == 1 else BODY + ".".join(path[1:] if path[0] == "body" else path)

        fields: dict[str, Any] = {}
        where = {"results": Where(child(ptr, "results"), "results")}
        limit = ""
        if "cursor" in raw:
            style, position = "cursor", request("cursor")
            fields["cursor_path"] = ref("next_cursor", "response")
        elif "offset" in raw:
            position = request("offset")
            style = "offset" if "step" in raw else "page"
            if "step" in raw:
                limit = request("step")
                where["limit"] = Where(child(ptr, "step"), "step")
        elif "next_uri" in raw:
            style, position = "next_url", ""
            fields["next_url_path"] = ref("next_uri", "response")
        else:
            self._fail(ptr, f"{name} needs cursor, offset or next_uri")
        if position:
            where["position"] = Where(child(ptr, "cursor" if style == "cursor" else "offset"),
                                      "cursor" if style == "cursor" else "offset")
        if "has-next-page" in raw:
            fields["has_more_path"] = ref("has-next-page", "response")
        return PagingDescription(
            style=style, results_path=ref("results", "response"), source=EXTENSION, keyed_on=(name,),
            at=Where(ptr, name), limit=limit, position=position, where=where, **fields)


def _split(dotted: str) -> tuple[str, ...]:
    """`.a.b` -> ("a", "b")."""
    return tuple(part for part in dotted.split(".") if part)
