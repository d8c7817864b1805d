"""Build the intermediate representation from the merged, validated document and the model map."""

from __future__ import annotations

import keyword
import re
from typing import Any
from urllib.parse import urlsplit

from clientsmith import __version__
from clientsmith.ir.annotations import ANY, BYTES, JSON_OBJECT, NONE, STR, Annotation, union_of
from clientsmith.ir.media import (
    END_MARKER_KEYS,
    EVENT_FIELDS,
    JSON_LINES,
    accept_header,
    is_json_media,
    is_stream,
    media_base,
    part_encodings,
    pick_media,
)
from clientsmith.ir.nodes import (
    IR_VERSION,
    Api,
    EventStream,
    Operation,
    RequestBody,
    Resource,
    Response,
    Server,
    ServerVariable,
)
from clientsmith.spec.merge import MergedSpec
from clientsmith.models.generate import MODEL, ModelsResult
from clientsmith.naming import RESERVED_ARGUMENTS, class_name, identifier, operation_id, snake_case, unique
from clientsmith.spec.resolve import Resolver
from clientsmith.ir.pagination import PaginationReader
from clientsmith.ir.examples import example_literal
from clientsmith.ir.error_models import error_models, typed_error_name
from clientsmith.ir.security import security_requirements, security_schemes
from clientsmith.ir.parameters import IDEMPOTENCY_KEY_HEADER, ParameterReader
from clientsmith.ir.sample_values import body_sample
from clientsmith.ir.type_nodes import TypeNode, imports_source
from clientsmith.ir.schema_types import SchemaTyper, child
from clientsmith.ir.webhooks import read_webhooks, webhooks_section
from clientsmith.config import SignatureConfig
from clientsmith.spec.validate import iter_operations

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"})
DEFAULT_TAG = "default"
# Constructor arguments every client has; server variables and credentials must not take them.
CLIENT_ARGUMENTS = frozenset({
    "base_url", "server", "timeout", "max_retries", "http_client", "unstable_operations", "headers", "redirects",
    "client_id", "client_secret", "client_auth", "strict", "middleware",
})
# A server's name (what `server=` accepts) comes from its description when that is this short.
MAX_SERVER_NAME_WORDS = 4


# Path segments that name no resource: an API prefix or a version (`api`, `v2`, `1.0`).
_PREFIX_SEGMENT = re.compile(r"^(api|rest|v?\d+(\.\d+)*)$", re.IGNORECASE)


def path_group(path: str) -> str:
    """The resource of an operation without tags: its path's first segment that is neither a parameter
    nor a prefix (`/api/v2/incidents/{id}` -> `incidents`); `default` when there is none."""
    for segment in path.split("/"):
        if segment and "{" not in segment and not _PREFIX_SEGMENT.match(segment):
            return segment
    return DEFAULT_TAG


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _extensions(node: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in node.items() if isinstance(k, str) and k.startswith("x-")}


class IRBuilder:
    def __init__(
        self, spec: MergedSpec, models: ModelsResult, package: str, distribution: str, paging: str = "inferred",
        webhook_signature: SignatureConfig | None = None,
    ) -> None:
        self.spec = spec
        self.document = spec.document
        self.resolver = Resolver(spec)
        self.typer = SchemaTyper(self.resolver, models.class_by_pointer, models.kind_by_class)
        self.pagination = PaginationReader(spec, self.resolver, self.typer, paging)
        self.parameters = ParameterReader(self.document, self.resolver, self.typer)
        self._type_imports: dict[tuple[str, str], list[TypeNode]] = {}
        self._object_models = {name for name, kind in models.kind_by_class.items() if kind == MODEL}
        self.models = models
        self.package = package
        self.distribution = distribution
        self.webhook_signature = webhook_signature

    def build(self) -> Api:
        info = self.document.get("info") or {}
        schemes = security_schemes(self.document, self.resolver, CLIENT_ARGUMENTS)
        servers = self._servers({s.python_name for s in schemes})
        resources = self._resources()
        return Api(
            ir_version=IR_VERSION,
            title=_text(info.get("title")),
            version=str(info.get("version", "")),
            package_version=_package_version(str(info.get("version", ""))),
            description=_text(info.get("description")),
            openapi_version=str(self.document.get("openapi", "")),
            package=self.package,
            distribution=self.distribution,
            spec_source=self.spec.source_name,
            generator_version=__version__,
            servers=servers,
            security_schemes=schemes,
            resources=resources,
            models=tuple(self.models.kind_by_class),
            extensions=_extensions(self.document),
            webhooks=read_webhooks(self.spec, self.resolver, self.typer, self.webhook_signature),
            error_models=error_models(resources),
        )

    # -- servers and security -------------------------------------------------------------------

    def _servers(self, taken_names: set[str]) -> tuple[Server, ...]:
        """The spec's servers, in order; none when it lists none (the client then needs `base_url=`)."""
        self._variable_names: dict[str, str] = {}
        self._taken_arguments = set(CLIENT_ARGUMENTS) | taken_names
        return self._server_list(self.document.get("servers") or [])

    def _operation_servers(self, path: str, operation: dict[str, Any]) -> tuple[Server, ...]:
        """`servers` of the operation, else of its path item: they override the document's for this call."""
        raw = operation.get("servers")
        if not raw:
            raw = (self.document["paths"][path] or {}).get("servers")
        return self._server_list(raw) if isinstance(raw, list) and raw else ()

    def _server_list(self, raw_servers: list[Any]) -> tuple[Server, ...]:
        """Servers as the IR has them. A variable keeps one argument name wherever it appears, so the
        value a client is given (`site=`) fills it in operation-level servers too."""
        servers = []
        taken = self._taken_arguments
        names = self._variable_names
        server_names: set[str] = set()
        for index, server in enumerate(s for s in raw_servers if isinstance(s, dict)):
            variables = []
            for name, var in (server.get("variables") or {}).items():
                if name not in names:
                    names[name] = unique(identifier(name), taken)
                variables.append(
                    ServerVariable(
                        name=name,
                        python_name=names[name],
                        default=str(var.get("default", "")),
                        enum=tuple(str(v) for v in var.get("enum") or ()),
                        description=_text(var.get("description")),
                    )
                )
            url, description = str(server.get("url", "/")), _text(server.get("description"))
            servers.append(Server(url=url, name=_server_name(description, url, index, server_names),
                                  description=description, variables=tuple(variables)))
        return tuple(servers)

    # -- operations -----------------------------------------------------------------------------

    def _resources(self) -> tuple[Resource, ...]:
        by_tag: dict[str, list[Operation]] = {}
        for path, method, operation, op_ptr in iter_operations(self.document):
            op = self._operation(path, method, operation, op_ptr)
            by_tag.setdefault(op.tag, []).append(op)
        tag_docs = {t.get("name"): t for t in self.document.get("tags") or [] if isinstance(t, dict)}
        # Attributes and methods the client classes have: a resource must not shadow them.
        taken_attributes = set(CLIENT_ARGUMENTS) | {"close", "request", "request_events", "with_raw_response", "with_options"}
        if webhooks_section(self.document) is not None:
            taken_attributes.add("webhooks")  # the client's `webhooks` (verify and parse deliveries)
        model_names = set(self.models.kind_by_class)
        # Resource classes share modules with model imports and the client classes: keep them apart.
        taken_classes: set[str] = model_names | {"Client", "AsyncClient", "Any", "Mapping"}
        resources = []
        for tag, operations in by_tag.items():
            attribute = unique(identifier(tag, "resource"), taken_attributes)
            names = {n for op in operations for n in _annotation_names(op)}
            resources.append(
                Resource(
                    tag=tag,
                    attribute=attribute,
                    module=attribute,
                    class_name=_resource_class_name(tag, taken_classes),
                    description=_text((tag_docs.get(tag) or {}).get("description")),
                    operations=tuple(operations),
                    model_imports=tuple(sorted(names & model_names)),
                    typing_imports=("Any",) if "Any" in names else (),
                    paginated=any(op.pagination for op in operations),
                    type_imports=imports_source(
                        [n for op in operations for n in self._type_imports[(op.http_method, op.path)]]),
                )
            )
        return tuple(resources)

    def _operation(self, path: str, method: str, operation: dict[str, Any], op_ptr: str) -> Operation:
        op_id = operation_id(operation, method, path)
        taken_args = set(RESERVED_ARGUMENTS)
        params = self.parameters.read(path, operation, op_ptr, taken_args)
        self._type_imports[(method.upper(), path)] = [self.parameters.nodes[(op_ptr, p.python_name)] for p in params]
        body = self._request_body(operation, op_ptr)
        responses = self._responses(operation, op_ptr)
        successes = [r.type for r in responses if r.is_success]
        return_type = union_of(successes) if successes else NONE
        event_stream = self._event_stream(operation, op_ptr)
        tags = operation.get("tags") or [path_group(path)]
        unstable = operation.get("x-unstable")
        http_method = method.upper()
        idempotent = (
            http_method in IDEMPOTENT_METHODS
            or operation.get("x-idempotent") is True
            or any(p.location == "header" and p.name.lower() == IDEMPOTENCY_KEY_HEADER for p in params)
        )
        method_name = identifier(op_id, "operation")
        return Operation(
            operation_id=op_id,
            method_name=method_name,
            http_method=http_method,
            path=path,
            summary=_text(operation.get("summary")),
            description=_text(operation.get("description")),
            deprecated=operation.get("deprecated") is True,
            tag=str(tags[0]),
            path_params=tuple(p for p in params if p.location == "path"),
            query_params=tuple(p for p in params if p.location == "query"),
            header_params=tuple(p for p in params if p.location == "header"),
            cookie_params=tuple(p for p in params if p.location == "cookie"),
            body=body,
            responses=responses,
            return_type=return_type,
            security=security_requirements(self.document, operation),
            unstable=(unstable if isinstance(unstable, str) else "unstable") if unstable else "",
            idempotent=idempotent,
            servers=self._operation_servers(path, operation),
            accept=accept_header(responses),
            event_stream=event_stream,
            pagination=self.pagination.read(operation, op_ptr, method_name, params, body, responses, http_method),
            extensions=_extensions(operation),
        )

    def _request_body(self, operation: dict[str, Any], op_ptr: str) -> RequestBody | None:
        raw = operation.get("requestBody")
        if raw is None:
            return None
        target = self.resolver.ref_target(raw)
        body = self.resolver.deref(raw)
        base = target[1:] if target else child(op_ptr, "requestBody")
        content = body.get("content") or {}
        media = pick_media(content)
        if not media:
            return None
        schema = (content[media] or {}).get("schema") or {}
        schema_ptr = child(base, "content", media, "schema")
        is_json = is_json_media(media)
        is_form = media in ("multipart/form-data", "application/x-www-form-urlencoded")
        if is_json or is_form:
            # The body model, or a dict of its fields (a form's file fields take any file a dict holds).
            model = self.typer.model_class(schema, schema_ptr)
            if model and self.models.kind_by_class.get(model) == "model":
                annotation = union_of([self.typer.annotation(schema, schema_ptr), JSON_OBJECT])
            elif is_json:
                model, annotation = "", self.typer.annotation(schema, schema_ptr)
            else:
                model, annotation = "", JSON_OBJECT
        else:
            model, annotation = "", BYTES
        return RequestBody(
            content_type=media,
            type=annotation,
            model=model,
            required=body.get("required") is True,
            description=_text(body.get("description")),
            is_json=is_json,
            encoding=() if is_json else part_encodings(content[media] or {}),
            example=example_literal(self.resolver, content[media] or {}, schema) if is_json else "",
            sample=body_sample(self.resolver, content[media] or {}, schema, is_json or is_form),
        )

    def _event_stream(self, operation: dict[str, Any], op_ptr: str) -> EventStream | None:
        """The event stream a success response declares, if any (the first such response wins)."""
        for status, raw in (operation.get("responses") or {}).items():
            response = self.resolver.deref(raw)
            if not str(status).startswith("2") or not isinstance(response, dict):
                continue
            content = response.get("content") or {}
            media = pick_media(content)
            if media and is_stream(media):
                target = self.resolver.ref_target(raw)
                base = target[1:] if target else child(op_ptr, "responses", str(status))
                marker = next((m for m in (_text((content[media] or {}).get(k)) or _text(operation.get(k))
                                           for k in END_MARKER_KEYS) if m), "")
                lines = media_base(media) in JSON_LINES
                item, whole = self._event_item(content[media] or {}, child(base, "content", media))
                item_type = str(item) if item is not None else "Any" if lines else ""
                return EventStream(item_type, whole and not lines, marker, lines)
        return None

    def _event_item(self, media_object: dict[str, Any], media_ptr: str) -> tuple[Annotation | None, bool]:
        """Each event's type (OpenAPI 3.2's `itemSchema`, else the media type's `schema`; None without one)
        and whether that schema describes the whole event rather than its data."""
        key = "itemSchema" if isinstance(media_object.get("itemSchema"), dict) else "schema"
        schema = media_object.get(key)
        if not isinstance(schema, dict) or not schema:
            return None, False
        resolved = self.resolver.deref(schema)
        properties = resolved.get("properties") if isinstance(resolved, dict) else None
        whole = isinstance(properties, dict) and "data" in properties and set(properties) <= EVENT_FIELDS
        return self.typer.annotation(schema, child(media_ptr, key)), whole

    def _responses(self, operation: dict[str, Any], op_ptr: str) -> tuple[Response, ...]:
        result = []
        for status, raw in (operation.get("responses") or {}).items():
            status = str(status)
            target = self.resolver.ref_target(raw)
            response = self.resolver.deref(raw)
            if not isinstance(response, dict):
                continue
            base = target[1:] if target else child(op_ptr, "responses", status)
            content = response.get("content") or {}
            media = pick_media(content)
            if not media:
                annotation = NONE
            elif is_stream(media):
                item = self._event_item(content[media] or {}, child(base, "content", media))[0]
                annotation = item or (ANY if media_base(media) in JSON_LINES else NONE)
            elif is_json_media(media):
                annotation = self.typer.annotation((content[media] or {}).get("schema") or {},
                                                   child(base, "content", media, "schema"))
            elif media.startswith("text/"):
                annotation = STR
            else:
                annotation = BYTES
            result.append(
                Response(
                    status=status,
                    description=_text(response.get("description")),
                    content_type=media,
                    type=annotation,
                    is_success=status.startswith("2"),
                    headers=tuple(response.get("headers") or ()),
                    error_class=typed_error_name(annotation.render(), self._object_models)
                    if not status.startswith("2") and annotation.render() in self._object_models else "",
                )
            )
        return tuple(result)


def _server_name(description: str, url: str, index: int, taken: set[str]) -> str:
    """A short name for `server=`: a short description ("Production"), else the URL's host, else its index."""
    words = description.split()
    if words and len(words) <= MAX_SERVER_NAME_WORDS:
        base = snake_case(description)
    else:
        try:
            host = urlsplit(url).hostname or ""
        except ValueError:  # not a URL urllib can split: the index names it
            host = ""
        base = snake_case(re.sub(r"[{}]", "", host))
    return unique(base or f"server_{index}", taken)


def _resource_class_name(tag: str, taken: set[str]) -> str:
    name = class_name(tag)
    if keyword.iskeyword(name) or name in taken or f"Async{name}" in taken or name.startswith("Async"):
        name += "Resource"
    name = unique(name, taken)
    taken.add(f"Async{name}")
    return name


_PEP440 = re.compile(r"^\d+(\.\d+)*((a|b|rc)\d+)?(\.post\d+)?(\.dev\d+)?$")


def _annotation_names(op: Operation) -> set[str]:
    """The names an operation's method signatures use (its responses' models otherwise appear as text only)."""
    types = [p.type for p in op.parameters] + [op.return_type]
    if op.body:
        types.append(op.body.type)
    if op.pagination:
        types.append(op.pagination.item_type)
    return set().union(*(t.names() for t in types), [op.body.model] if op.body and op.body.model else [])


def _package_version(version: str) -> str:
    return version if _PEP440.match(version) else "0.1.0"


def build_ir(spec: MergedSpec, models: ModelsResult, package: str, distribution: str, paging: str = "inferred",
             webhook_signature: SignatureConfig | None = None) -> Api:
    """`paging`: "inferred" (paging declared or inferred) or "declared" (no inference); `webhook_signature`:
    the configured scheme (otherwise the spec's `x-webhook-signature`, else Standard Webhooks)."""
    return IRBuilder(spec, models, package, distribution, paging, webhook_signature).build()
