"""Which operation an interaction called: method, server (the document's, a path item's or an
operation's, with their variables) and path template."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

from clientsmith.problems import escape_pointer_token
from clientsmith.spec.merge import HTTP_METHODS

MATCHED, UNDOCUMENTED, OTHER_HOST, STATIC = "matched", "undocumented", "other host", "static file"
_STATIC_SUFFIXES = (".js", ".mjs", ".css", ".map", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".ico", ".webp", ".avif",
                    ".woff", ".woff2", ".ttf", ".otf", ".eot", ".html", ".htm", ".mp4", ".webm")
_STATIC_TYPES = ("text/html", "text/css", "application/javascript", "text/javascript", "image/", "font/")
_DEFAULT_PORTS = {"http": "80", "https": "443"}


@dataclass(frozen=True)
class OperationRef:
    path: str  # the path template
    method: str  # lower case
    pointer: str  # /paths/~1a~1{id}/get
    operation: dict[str, Any]
    path_item: dict[str, Any]


@dataclass(frozen=True)
class Match:
    outcome: str  # MATCHED, UNDOCUMENTED, OTHER_HOST or STATIC
    operation: OperationRef | None = None
    path_params: dict[str, str] = field(default_factory=dict)  # percent-decoded
    path: str = ""  # the request path (below the server's base path when one matched)
    path_pointer: str = ""  # for a method the path item lacks: the path item
    note: str = ""  # why an operation of that path and method is not it


@dataclass
class _Server:
    strict: re.Pattern[str] | None  # free variables at their default: the hosts the spec names
    loose: re.Pattern[str]  # free variables anything


@dataclass
class _Template:
    path: str
    pattern: re.Pattern[str]
    names: list[str]
    rank: tuple[int, ...]  # literal segments before templated ones: `/a/search` wins over `/a/{id}`
    methods: dict[str, tuple[OperationRef, frozenset[int]]]  # method -> operation, the servers it is served on


class Matcher:
    def __init__(self, document: dict[str, Any]) -> None:
        self._servers: list[_Server] = []
        self._server_ids: dict[str, int] = {}
        self._by_segments: dict[int, list[_Template]] = {}
        top = self._server_set(document.get("servers"))
        paths = document.get("paths")
        for path, item in (paths if isinstance(paths, dict) else {}).items():
            if not isinstance(item, dict) or not isinstance(path, str):
                continue
            item_servers = self._server_set(item.get("servers")) or top
            methods = {}
            for method in HTTP_METHODS:
                operation = item.get(method)
                if isinstance(operation, dict):
                    ptr = f"/paths/{escape_pointer_token(path)}/{method}"
                    servers = self._server_set(operation.get("servers")) or item_servers
                    methods[method] = (OperationRef(path, method, ptr, operation, item), servers)
            pattern, names, rank = _path_pattern(path)
            template = _Template(path, pattern, names, rank, methods)
            self._by_segments.setdefault(path.rstrip("/").count("/"), []).append(template)
        for templates in self._by_segments.values():
            templates.sort(key=lambda t: t.rank)
        self._top = top

    def _server_set(self, servers: Any) -> frozenset[int]:
        if not isinstance(servers, list) or not servers:
            return frozenset()
        ids = set()
        for server in servers:
            if isinstance(server, dict) and isinstance(server.get("url"), str):
                key = json.dumps(server, sort_keys=True, default=str)
                if key not in self._server_ids:
                    self._server_ids[key] = len(self._servers)
                    self._servers.append(_compile_server(server))
                ids.add(self._server_ids[key])
        return frozenset(ids)

    def match(self, method: str, url: str, response_type: str = "") -> Match:
        try:
            parts = urlsplit(url)
            host = (parts.hostname or "").lower()
            port = f":{parts.port}" if parts.port and str(parts.port) != _DEFAULT_PORTS.get(parts.scheme) else ""
        except ValueError:  # `http://[::1` or a port that is no number: no API of ours
            return Match(OTHER_HOST, path=url)
        full = f"{parts.scheme.lower()}://{host}{port}{parts.path or '/'}"
        known = False
        candidates: list[tuple[int, str]] = []
        for index, server in enumerate(self._servers):
            hit = server.strict.match(full) if server.strict else None
            known = known or hit is not None
            hit = hit or server.loose.match(full)
            if hit is not None:
                candidates.append((index, hit.group("rest") or "/"))
        if not self._servers:  # no servers: paths are relative to wherever the API is
            candidates = [(-1, parts.path or "/")]
        best: tuple[tuple[int, ...], Match] | None = None
        path_only: Match | None = None
        for server_id, rest in candidates:
            for template in self._by_segments.get(rest.rstrip("/").count("/"), ()):
                hit = template.pattern.match(rest)
                if hit is None or (best is not None and best[0] <= template.rank):
                    continue
                served = {m: op for m, (op, ids) in template.methods.items() if server_id == -1 or server_id in ids}
                elsewhere = template.methods.get(method.lower())
                if elsewhere is not None and method.lower() not in served:
                    path_only = path_only or Match(UNDOCUMENTED, path=rest, path_pointer=_servers_pointer(elsewhere[0]),
                                                   note="documented on other servers")
                if not served:
                    continue
                params = {name: unquote(value) for name, value in zip(template.names, hit.groups())}
                operation = served.get(method.lower())
                if operation is None:
                    path_only = path_only or Match(UNDOCUMENTED, path=rest,
                                                   path_pointer=f"/paths/{escape_pointer_token(template.path)}")
                    continue
                best = (template.rank, Match(MATCHED, operation, params, rest))
        if best is not None:
            return best[1]
        if path_only is not None:
            return path_only
        if not known:  # a host the spec does not name, and no path of the spec
            return Match(OTHER_HOST, path=parts.path)
        if parts.path.lower().endswith(_STATIC_SUFFIXES) or response_type.startswith(_STATIC_TYPES):
            return Match(STATIC, path=parts.path)
        return Match(UNDOCUMENTED, path=candidates[0][1] if candidates else parts.path, path_pointer="/paths")


def _servers_pointer(op: OperationRef) -> str:
    """Where the servers an operation is served from are written."""
    if "servers" in op.operation:
        return f"{op.pointer}/servers"
    item = op.pointer.rsplit("/", 1)[0]
    return f"{item}/servers" if "servers" in op.path_item else "/servers"


def _compile_server(server: dict[str, Any]) -> _Server:
    url = server["url"].rstrip("/")
    declared = server.get("variables")
    variables: dict[str, Any] = declared if isinstance(declared, dict) else {}
    relative = "://" not in url

    def pattern(strict: bool) -> str:
        out = []
        for part in re.split(r"(\{[^{}]+\})", url):
            if part.startswith("{") and part.endswith("}"):
                spec = variables.get(part[1:-1])
                spec = spec if isinstance(spec, dict) else {}
                values = [str(v) for v in spec.get("enum") or []]
                if not values and strict and spec.get("default") is not None:
                    values = [str(spec["default"])]
                out.append("(?:" + "|".join(re.escape(v) for v in values) + ")" if values else "[^/?#]*")
            else:
                out.append(re.escape(part))
        prefix = "[a-z][a-z0-9+.-]*://[^/?#]*" if relative else ""
        if relative and out and not "".join(out).startswith("/"):
            prefix += "/"
        return "^" + prefix + "".join(out) + "(?P<rest>/[^?#]*)?$"

    strict = None if relative else re.compile(pattern(True), re.I)
    return _Server(strict, re.compile(pattern(False), re.I))


def _path_pattern(path: str) -> tuple[re.Pattern[str], list[str], tuple[int, ...]]:
    names: list[str] = []
    rank: list[int] = []
    regex = []
    for segment in path.strip("/").split("/") if path.strip("/") else []:
        pieces = re.split(r"(\{[^{}]+\})", segment)
        templated = any(p.startswith("{") and p.endswith("}") for p in pieces)
        rank.append(1 if templated else 0)
        out = []
        for piece in pieces:
            if piece.startswith("{") and piece.endswith("}"):
                names.append(piece[1:-1])
                out.append("([^/]+)" if len(pieces) == 3 and not pieces[0] and not pieces[2] else "([^/]+?)")
            else:
                out.append(re.escape(piece))
        regex.append("".join(out))
    trailing = "/" if path.endswith("/") and len(path) > 1 else ""
    return re.compile("^/" + "/".join(regex) + trailing + "$"), names, tuple(rank)
