"""One matched interaction checked against its operation: parameters, request body, status, response
media type and body. Each disagreement is an Observation, located at the spec pointer that must change."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from clientsmith.problems import escape_pointer_token
from clientsmith.spec.resolve import lookup
from clientsmith.verify.bodies import (NOT_JSON, REDACTED, decoded, documented_media, is_json_type, is_secret,
                                     media_type, parse_json, redact)
from clientsmith.verify.matcher import OperationRef
from clientsmith.verify.schemas import READ, WRITE, SchemaChecker, SchemaFinding
from clientsmith.verify.traffic import Interaction

MISMATCH, UNDOCUMENTED = "mismatch", "undocumented"
# Request headers every HTTP client, browser or proxy sends: not the API's parameters.
_TRANSPORT_HEADERS = frozenset(
    "accept accept-charset accept-encoding accept-language authorization cache-control connection content-length "
    "content-type content-encoding cookie dnt expect forwarded host if-match if-modified-since if-none-match "
    "if-range if-unmodified-since keep-alive origin pragma priority proxy-authorization proxy-connection range "
    "referer te trailer transfer-encoding upgrade user-agent via x-forwarded-for x-forwarded-host "
    "x-forwarded-proto x-requested-with traceparent tracestate baggage purpose x-real-ip".split()
)
_TRANSPORT_PREFIXES = (":", "sec-", "x-datadog-", "x-b3-", "x-amzn-", "x-stainless-")


@dataclass(frozen=True)
class Observation:
    kind: str  # MISMATCH or UNDOCUMENTED
    category: str  # operation, status, parameter, header, media-type, body, type, nullable, enum, ...
    pointer: str  # in the merged document: what must change
    message: str  # without the observed value, so that the same disagreement groups across interactions
    where: str  # in the interaction
    value: Any = None
    name: str = ""  # a field or parameter the finding is about
    fix_schema: Any = None  # for `status`: the observed body, from which the overlay infers a schema


class Checker:
    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.schemas = SchemaChecker(document)
        schemes = (document.get("components") or {}).get("securitySchemes") or {}
        self.credentials = {  # where API keys travel, by location
            (s.get("in"), str(s.get("name", "")).lower()) for s in schemes.values()
            if isinstance(s, dict) and s.get("type") == "apiKey"
        }
        self.secret_names = frozenset(name for _, name in self.credentials)

    def check(self, interaction: Interaction, operation: OperationRef, path_params: dict[str, str]) -> list[Observation]:
        found: list[Observation] = []
        found += self._parameters(interaction, operation, path_params)
        found += self._request_body(interaction, operation)
        found += self._response(interaction, operation)
        return found

    def documents_status(self, op: OperationRef, status: int) -> bool:
        return self._response_key(op, status) is not None

    def _response_key(self, op: OperationRef, status: int) -> str | None:
        responses = lookup(self.document, f"{op.pointer}/responses")
        responses = responses if isinstance(responses, dict) else {}
        code = str(status)
        return next((k for k in (code, code[0] + "XX", code[0] + "xx", "default") if k in responses), None)

    # -- parameters --------------------------------------------------------------------------------------
    def _parameters(self, interaction: Interaction, op: OperationRef, path_params: dict[str, str]) -> list[Observation]:
        params = self._declared_parameters(op)
        query = parse_qsl(urlsplit(interaction.url).query, keep_blank_values=True)
        found: list[Observation] = []
        documented_query: set[str] = set()
        for (location, name), (ptr, param) in params.items():
            schema_ptr = f"{ptr}/schema" if isinstance(lookup(self.document, f"{ptr}/schema"), dict) else ""
            if location == "path":
                values = [path_params[name]] if name in path_params else []
            elif location == "query":
                values = self._query_values(query, name, param, documented_query)
            elif location == "header":
                values = [v for k, v in interaction.request_headers if k.lower() == name.lower()]
            else:
                continue  # cookies: not checked
            where = f"{location} parameter {name}"
            if not values:
                if param.get("required") is True and not (location == "header" and name.lower() == "idempotency-key"):
                    found.append(Observation(MISMATCH, "parameter", ptr, f"required {location} parameter {name!r} "
                                             "missing", where, name=name))
                continue
            if schema_ptr and param.get("style") != "deepObject":
                value = _coerced(values, self.schemas.resolved(schema_ptr)[1], param, self.schemas.deref)
                secret = is_secret(name, self.secret_names)
                for finding in self.schemas.check(value, schema_ptr, WRITE):
                    if finding.category != "additional":
                        found.append(_from_schema(finding, where, REDACTED if secret else None))
        for name, value in query:
            if name in documented_query or ("query", name.lower()) in self.credentials:
                continue
            shown_value = REDACTED if is_secret(name, self.secret_names) else value
            found.append(Observation(UNDOCUMENTED, "parameter", f"{op.pointer}/parameters",
                                     f"undocumented query parameter {name!r}", f"query parameter {name}",
                                     shown_value, name))
        documented_headers = {name.lower() for (location, name) in params if location == "header"}
        for name, value in interaction.request_headers:
            lower = name.lower()
            if (lower in documented_headers or lower in _TRANSPORT_HEADERS or lower.startswith(_TRANSPORT_PREFIXES)
                    or ("header", lower) in self.credentials):
                continue
            shown_value = REDACTED if is_secret(name, self.secret_names) else value
            found.append(Observation(UNDOCUMENTED, "header", f"{op.pointer}/parameters",
                                     f"undocumented request header {lower!r}", f"header {name}", shown_value, lower))
        return found

    def _declared_parameters(self, op: OperationRef) -> dict[tuple[str, str], tuple[str, dict[str, Any]]]:
        """(in, name) -> (pointer of the parameter object, refs followed, the parameter); the operation's
        override its path item's."""
        out: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}
        item_ptr = op.pointer.rsplit("/", 1)[0]
        for base in (item_ptr, op.pointer):
            params = lookup(self.document, f"{base}/parameters")
            for index, param in enumerate(params if isinstance(params, list) else []):
                ptr, resolved = self.schemas.resolved(f"{base}/parameters/{index}")
                if isinstance(resolved, dict) and isinstance(resolved.get("name"), str):
                    out[(str(resolved.get("in")), resolved["name"])] = (ptr, resolved)
        return out

    def _query_values(self, query: list[tuple[str, str]], name: str, param: dict[str, Any],
                      documented: set[str]) -> list[str]:
        values = [v for k, v in query if k == name]
        documented.add(name)
        if param.get("style") == "deepObject":
            documented.update(k for k, _ in query if k.startswith(name + "["))
            return values or [v for k, v in query if k.startswith(name + "[")]
        schema = self.schemas.deref(param.get("schema"))
        if isinstance(schema, dict) and schema.get("type") == "object" and param.get("explode", True):
            # form style, exploded: the object's properties are the query's keys
            properties = schema.get("properties")
            if isinstance(properties, dict):
                documented.update(properties)
        return values

    # -- bodies ------------------------------------------------------------------------------------------
    def _request_body(self, interaction: Interaction, op: OperationRef) -> list[Observation]:
        if interaction.request_body is None and interaction.request_header("content-length") not in (None, "0"):
            return []  # the recording left the body out
        body = decoded(interaction.request_body, interaction.request_header("content-encoding"))
        ptr, spec = self.schemas.resolved(f"{op.pointer}/requestBody")
        if not isinstance(spec, dict):
            if body.strip():
                return [Observation(MISMATCH, "body", op.pointer, "request body sent where the operation documents "
                                    "none", "request body", _preview(body))]
            return []
        if not body.strip():
            if spec.get("required") is True:
                return [Observation(MISMATCH, "body", ptr, "required request body missing", "request body")]
            return []
        return self._body(body, interaction.request_header("content-type"), ptr, "request body", WRITE)

    def _response(self, interaction: Interaction, op: OperationRef) -> list[Observation]:
        responses_ptr = f"{op.pointer}/responses"
        status = str(interaction.status)
        key = self._response_key(op, interaction.status)
        body = decoded(interaction.response_body, interaction.response_header("content-encoding"))
        data = parse_json(body) if body.strip() else None
        if key is not None and interaction.response_body is None:
            return []  # the recording left the body out
        if key is None:
            observed = redact(data, self.secret_names) if data is not NOT_JSON else None
            return [Observation(UNDOCUMENTED, "status", responses_ptr, f"undocumented status {status}",
                                f"response {status}", None, status,
                                fix_schema=(media_type(interaction.response_header("content-type")), observed,
                                            bool(body.strip())))]
        ptr, spec = self.schemas.resolved(f"{responses_ptr}/{escape_pointer_token(key)}")
        content = spec.get("content") if isinstance(spec, dict) else None
        where = f"response {status} body"
        if not isinstance(content, dict) or not content:
            if body.strip():
                return [Observation(MISMATCH, "body", ptr, f"a body where response {key!r} documents none", where,
                                    _preview(body))]
            return []
        if not body.strip():
            if interaction.method == "HEAD" or interaction.status in (204, 304):
                return []
            return [Observation(MISMATCH, "body", f"{ptr}/content", f"documented body absent from response {key!r}",
                                where)]
        return self._body(body, interaction.response_header("content-type"), ptr, where, READ)

    def _body(self, body: bytes, content_type: str | None, holder: str, where: str, direction: str) -> list[Observation]:
        """A request body or response against the media types of `holder` (a requestBody or response)."""
        content = lookup(self.document, f"{holder}/content")
        content = content if isinstance(content, dict) else {}
        observed = media_type(content_type)
        key = documented_media(observed, list(content)) if observed else (next(iter(content)) if len(content) == 1 else None)
        found = []
        if key is None:
            found.append(Observation(MISMATCH, "media-type", f"{holder}/content",
                                     f"media type not documented (documented: {', '.join(content)})", where,
                                     observed or "(no Content-Type)", observed))
            json_keys = [k for k in content if is_json_type(media_type(k))]
            if not (is_json_type(observed) and len(json_keys) == 1):
                return found
            key = json_keys[0]  # JSON of another name (`application/vnd.api+json`): its body is still checked
        media_ptr = f"{holder}/content/{escape_pointer_token(key)}"
        schema_ptr = f"{media_ptr}/schema"
        if not isinstance(lookup(self.document, schema_ptr), (dict, bool)):
            return found
        if (observed or media_type(key)) == "application/x-www-form-urlencoded":
            data = self._form(body, schema_ptr, media_ptr)
        elif is_json_type(observed or media_type(key)):
            data = parse_json(body)
        else:
            return found  # multipart, text, binary: not checked against a schema
        if data is NOT_JSON:
            return found + [Observation(MISMATCH, "body", media_ptr, "body is not valid JSON", where, _preview(body))]
        return found + [_from_schema(f, where, None, self.secret_names)
                        for f in self.schemas.check(data, schema_ptr, direction)]


    def _form(self, body: bytes, schema_ptr: str, media_ptr: str) -> Any:
        """A form body as the object its schema describes: each property's text coerced by its schema and
        its `encoding` (style, explode), as query parameters are."""
        try:
            pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True)
        except UnicodeDecodeError:
            return NOT_JSON
        schema = self.schemas.resolved(schema_ptr)[1]
        properties = schema.get("properties") if isinstance(schema, dict) else None
        properties = properties if isinstance(properties, dict) else {}
        encodings = lookup(self.document, f"{media_ptr}/encoding")
        data: dict[str, Any] = {}
        for name in dict.fromkeys(k for k, _ in pairs):
            encoding = encodings.get(name) if isinstance(encodings, dict) else None
            style = {"in": "query", **(encoding if isinstance(encoding, dict) else {})}
            data[name] = _coerced([v for k, v in pairs if k == name], self.schemas.deref(properties.get(name)), style,
                                  self.schemas.deref)
        return data


def _coerced(values: list[str], schema: Any, param: dict[str, Any], deref: Any) -> Any:
    """Parameter (or form field) text as the value its schema describes: `"2"` as 2 for an integer;
    arrays split as the style says. Text that does not convert stays text, so the type check reports it."""
    schema = schema if isinstance(schema, dict) else {}
    if _main_type(schema) == "array":
        style = param.get("style") or ("form" if param.get("in") in ("query", "cookie") else "simple")
        if len(values) == 1 and not param.get("explode", style == "form"):
            separator = {"spaceDelimited": " ", "pipeDelimited": "|"}.get(str(style), ",")
            values = values[0].split(separator) if values[0] else []
        items = deref(schema.get("items"))
        return [_scalar(v, items if isinstance(items, dict) else {}) for v in values]
    return _scalar(values[-1], schema)


def _main_type(schema: dict[str, Any]) -> str | None:
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    return kind if isinstance(kind, str) else None


def _scalar(text: str, schema: dict[str, Any]) -> Any:
    kind = _main_type(schema)
    if kind == "integer" and re.fullmatch(r"-?\d+", text):
        return int(text)
    if kind == "number":
        try:
            return float(text) if not re.fullmatch(r"-?\d+", text) else int(text)
        except ValueError:
            return text
    if kind == "boolean" and text in ("true", "false"):
        return text == "true"
    return text


def _from_schema(finding: SchemaFinding, where: str, value_override: Any = None,
                 secret_names: frozenset[str] = frozenset()) -> Observation:
    kind = UNDOCUMENTED if finding.category == "additional" else MISMATCH
    value = value_override if value_override is not None else redact(finding.value, secret_names)
    if finding.name and is_secret(finding.name, secret_names):
        value = REDACTED
    location = f"{where} {finding.instance_path}" if finding.instance_path else where
    if finding.category == "additional":
        location = f"{where} {finding.instance_path}/{escape_pointer_token(finding.name)}"
    return Observation(kind, finding.category, finding.pointer, finding.message, location, value, finding.name)


def _preview(body: bytes, limit: int = 60) -> str:
    text = body.decode("utf-8", "replace")
    return text if len(text) <= limit else text[: limit - 1] + "…"
