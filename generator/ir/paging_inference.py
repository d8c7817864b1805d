"""Paging inferred from an operation's parameters and response schema, when nothing declares it.

Only a GET with no body whose parameters and success response match one style unambiguously: exactly
one page-size query parameter (`limit`, `page_size`, `per_page`, ...) and an object response with exactly
one array property, or an array body. The position then comes from, in order: a
documented `Link` response header; one next-URL field in the body; else exactly one position parameter,
`offset` or `page`, or a cursor one (`cursor`, `page_token`, `after`, `starting_after`, ...) with one
next-cursor field in the body, or `has_more` with items that carry an `id` (the last one's is the next
cursor). Names of operations, paths and vendors play no part: only the vocabulary of paging fields.
"""

from __future__ import annotations

from typing import Any

from clientsmith.ir.nodes import Parameter, RequestBody, Response
from clientsmith.ir.paging_description import INFERRED, PagingDescription, Where
from clientsmith.ir.paging_schema import SchemaWalker, is_array, schema_types

_LIMITS = {"limit", "pagesize", "perpage", "page[size]", "page[limit]", "maxresults"}
_POSITIONS = {"offset": "offset", "page[offset]": "offset", "page": "page", "page[number]": "page",
              "pagenumber": "page", "cursor": "cursor", "page[cursor]": "cursor", "pagetoken": "cursor",
              "nexttoken": "cursor", "after": "after", "page[after]": "after", "startingafter": "after"}
_NEXT_CURSORS = {"nextcursor", "nextpagetoken", "nexttoken", "lastid", "endcursor"}
_NEXT_URLS = {"nexturl", "nexturi", "nextpageurl", "nextpageuri", "nextlink", "nextpage"}
_HAS_MORE = {"hasmore", "hasnextpage"}
_TOTALS = {"total", "totalcount", "totalresults", "totalitems", "totalsize"}
_TOTAL_HEADERS = ("x-total-count", "x-total")
_DEPTH = 3  # metadata objects are searched this deep: links.pages.next


def _norm(name: str) -> str:
    return name.lower().replace("_", "").replace("-", "")


class PagingInference:
    def __init__(self, walker: SchemaWalker) -> None:
        self.walker = walker

    def infer(
        self, operation: dict[str, Any], op_ptr: str, http_method: str, params: list[Parameter],
        body: RequestBody | None, responses: tuple[Response, ...],
    ) -> PagingDescription | None:
        if http_method != "GET" or body is not None:
            return None
        query = [p for p in params if p.location == "query"]
        limits = [p for p in query if _norm(p.name) in _LIMITS]
        if len(limits) != 1:
            return None
        limit = limits[0]
        schema, ptr, success = self.walker.success_schema(operation, op_ptr, responses)
        if success is None or "json" not in success.content_type:
            return None
        schema = self.walker.resolver.deref(schema)
        fields = self._fields(schema)
        arrays = [path for path, node in fields if len(path) == 1 and is_array(node)]
        headers = self.walker.response_headers(operation, success)
        if is_array(schema):  # the body is the list: a Link header, an offset or a page number can page it
            results: tuple[str, ...] = ()
        elif len(arrays) == 1:
            results = arrays[0]
        else:
            return None  # not a list, or several lists: which one pages is not known
        keyed = [f"param {limit.name}", f"results {'.'.join(results) or '(body)'}"]
        extra: dict[str, Any] = {}
        has_more = self._one(fields, lambda path, node: _norm(path[-1]) in _HAS_MORE and "boolean" in schema_types(node))
        if has_more:
            extra["has_more_path"] = has_more
            keyed.append(f"has_more {'.'.join(has_more)}")
        total_header = next((h for h in _TOTAL_HEADERS if h in headers), "")
        total = self._one(fields, lambda path, node: _norm(path[-1]) in _TOTALS and "integer" in schema_types(node))
        if total_header:
            extra["total_header"] = total_header
            keyed.append(f"total header {total_header}")
        elif total:
            extra["total_path"] = total
            keyed.append(f"total {'.'.join(total)}")
        found = self._style(fields, query, results, schema, headers, bool(has_more))
        if found is None:
            return None
        style, position, more, more_keyed = found
        if position:
            keyed.insert(1, f"param {position.name}")
        return PagingDescription(
            style=style, results_path=results, source=INFERRED, keyed_on=tuple(keyed + more_keyed),
            at=Where(op_ptr, "operation"), limit=limit.name, position=position.name if position else "",
            **extra, **more)

    def _style(
        self, fields: list[tuple[tuple[str, ...], Any]], query: list[Parameter], results: tuple[str, ...],
        schema: Any, headers: set[str], has_more: bool,
    ) -> tuple[str, Parameter | None, dict[str, Any], list[str]] | None:
        if "link" in headers:
            return "link_header", None, {}, ["header Link"]
        next_urls = [path for path, node in fields if self._is_next_url(path, node)]
        if len(next_urls) == 1:
            return "next_url", None, {"next_url_path": next_urls[0]}, [f"next_url {'.'.join(next_urls[0])}"]
        if len(next_urls) > 1:
            return None
        positions = [p for p in query if _norm(p.name) in _POSITIONS]
        if len(positions) != 1:
            return None
        position = positions[0]
        kind = _POSITIONS[_norm(position.name)]
        if kind in ("offset", "page"):
            return kind, position, {}, []
        cursor = self._one(fields, lambda path, node: "string" in schema_types(node) and (
            _norm(path[-1]) in _NEXT_CURSORS or (len(path) > 1 and path[-1] == position.name)))
        if cursor:
            return "cursor", position, {"cursor_path": cursor}, [f"cursor {'.'.join(cursor)}"]
        if kind == "after" and has_more:
            items = self.walker.resolver.deref(self.walker.walk(schema, "", results)[0] or {}).get("items")
            if "id" in self.walker.properties(items):
                return "last_id", position, {"item_id_path": ("id",)}, [f"item id {'.'.join(results)}[-1].id"]
        return None

    def _is_next_url(self, path: tuple[str, ...], node: Any) -> bool:
        name = _norm(path[-1])
        if name in _NEXT_URLS and "string" in schema_types(node):
            return True
        if name == "href" and len(path) > 1 and _norm(path[-2]) == "next":
            return True  # meta.next.href, links.next.href
        return name == "next" and "string" in schema_types(node) and (
            str(node.get("format", "")).startswith("uri") or (len(path) > 1 and _norm(path[-2]) in ("links", "pages")))

    def _one(self, fields: list[tuple[tuple[str, ...], Any]], test: Any) -> tuple[str, ...] | None:
        found = [path for path, node in fields if test(path, node)]
        return found[0] if len(found) == 1 else None

    def _fields(self, schema: Any, prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
        """Every property of the response object down to _DEPTH, with its dereferenced schema (arrays are
        not entered: their items are the results, not metadata)."""
        out: list[tuple[tuple[str, ...], Any]] = []
        if len(prefix) >= _DEPTH:
            return out
        for key, node in self.walker.properties(schema).items():
            node = self.walker.resolver.deref(node)
            out.append((prefix + (key,), node))
            if isinstance(node, dict) and not is_array(node):
                out.extend(self._fields(node, prefix + (key,)))
        return out
