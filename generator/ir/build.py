"""Build the intermediate representation from the merged, validated document and the model map."""

from __future__ import annotations

import keyword
import re
from dataclasses import replace
from typing import Any

from generator import __version__
from generator.ir.nodes import (
    IR_VERSION,
    Api,
    OAuthFlow,
    Operation,
    Parameter,
    RequestBody,
    Resource,
    Response,
    SecurityRequirement,
    SecurityScheme,
    Server,
    ServerVariable,
)
from generator.spec.merge import MergedSpec
from generator.models.generate import ModelsResult
from generator.naming import RESERVED_ARGUMENTS, class_name, identifier, parameter_identifier, unique
from generator.problems import pointer
from generator.spec.resolve import Resolver
from generator.ir.schema_types import SchemaTyper, child, union
from generator.spec.validate import iter_operations

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"})
DEFAULT_TAG = "default"
# Past this many operations without tags, one `default` resource is too long to browse: group them by path.
MAX_UNTAGGED = 30
_VERSION_SEGMENT = re.compile(r"^v\d+(\.\d+)*$|^api$", re.IGNORECASE)


def _path_groups(paths: list[str]) -> dict[str, str]:
    """Path -> resource name for untagged operations: the first literal segment after the prefix all their
    paths share, version segments (`v1`, `api`) skipped; `default` when there is none."""
    split = {path: [s for s in path.split("/") if s] for path in paths}
    prefix = 0
    segments = list(split.values())
    while segments and all(len(s) > prefix + 1 and s[prefix] == segments[0][prefix] for s in segments):
        prefix += 1
    groups = {}
    for path, parts in split.items():
        rest = [p for p in parts[prefix:] if not p.startswith("{") and not _VERSION_SEGMENT.match(p)]
        groups[path] = rest[0] if rest else DEFAULT_TAG
    return groups
# Constructor arguments every client has; server variables and credentials must not take them.
CLIENT_ARGUMENTS = frozenset({"base_url", "timeout", "max_retries", "http_client", "unstable_operations", "headers"})


def is_json_media(media_type: str) -> bool:
    base = media_type.split(";", 1)[0].strip().lower()
    return base == "application/json" or base.endswith("+json") or base == "*/*"


def _pick_media(content: dict[str, Any]) -> str:
    """The media type a client should use: JSON first, then forms, then whatever comes first."""
    for media in content:
        if is_json_media(media) and media != "*/*":
            return media
    for preferred in ("multipart/form-data", "application/x-www-form-urlencoded"):
        if preferred in content:
            return preferred
    return next(iter(content), "")


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _extensions(node: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in node.items() if isinstance(k, str) and k.startswith("x-")}


class IRBuilder:
    def __init__(self, spec: MergedSpec, models: ModelsResult, package: str, distribution: str) -> None:
        self.spec = spec
        self.document = spec.document
        self.resolver = Resolver(spec)
        self.typer = SchemaTyper(self.resolver, models.class_by_pointer, models.kind_by_class)
        self.models = models
        self.package = package
        self.distribution = distribution

    def build(self) -> Api:
        info = self.document.get("info") or {}
        schemes = self._security_schemes()
        servers = self._servers({s.python_name for s in schemes})
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
            resources=self._resources(),
            models=tuple(self.models.kind_by_class),
            extensions=_extensions(self.document),
        )

    # -- servers and security -------------------------------------------------------------------

    def _servers(self, taken_names: set[str]) -> tuple[Server, ...]:
        servers = []
        taken = set(CLIENT_ARGUMENTS) | taken_names
        names: dict[str, str] = {}
        for server in self.document.get("servers") or [{"url": "/"}]:
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
            servers.append(Server(url=str(server.get("url", "/")), description=_text(server.get("description")),
                                  variables=tuple(variables)))
        return tuple(servers)

    def _security_schemes(self) -> tuple[SecurityScheme, ...]:
        raw = ((self.document.get("components") or {}).get("securitySchemes")) or {}
        taken = set(CLIENT_ARGUMENTS)
        schemes = []
        for name, scheme in raw.items():
            scheme = self.resolver.deref(scheme)
            kind = _text(scheme.get("type"))
            http_scheme = _text(scheme.get("scheme")).lower() if kind == "http" else "" if kind == "apiKey" else "bearer"
            if kind == "apiKey":
                base = name[:-4] if name.lower().endswith("auth") and len(name) > 4 else name
                python_name = identifier(base)
            elif kind == "http" and http_scheme == "basic":
                python_name = "basic_auth"
            elif kind == "http":
                python_name = "bearer_token"
            else:
                python_name = "access_token"
            flows = tuple(
                OAuthFlow(
                    kind=flow_kind,
                    token_url=_text(flow.get("tokenUrl")),
                    authorization_url=_text(flow.get("authorizationUrl")),
                    refresh_url=_text(flow.get("refreshUrl")),
                    scopes=tuple(flow.get("scopes") or ()),
                )
                for flow_kind, flow in (scheme.get("flows") or {}).items()
                if isinstance(flow, dict)
            )
            schemes.append(
                SecurityScheme(
                    name=name,
                    python_name=unique(python_name, taken),
                    kind=kind,
                    location=_text(scheme.get("in")) if kind == "apiKey" else "header",
                    parameter_name=_text(scheme.get("name")) if kind == "apiKey" else "Authorization",
                    http_scheme=http_scheme,
                    description=_text(scheme.get("description")),
                    flows=flows,
                )
            )
        return tuple(schemes)

    def _security(self, operation: dict[str, Any]) -> tuple[SecurityRequirement, ...]:
        requirements = operation.get("security", self.document.get("security")) or []
        result = []
        for requirement in requirements:
            if isinstance(requirement, dict):
                names = tuple(requirement)
                result.append(SecurityRequirement(names, tuple(tuple(requirement[n] or ()) for n in names)))
        return tuple(result)

    # -- operations -----------------------------------------------------------------------------

    def _resources(self) -> tuple[Resource, ...]:
        by_tag: dict[str, list[Operation]] = {}
        listed = list(iter_operations(self.document))
        untagged = [path for path, _, operation, _ in listed if not operation.get("tags")]
        group_of = _path_groups(untagged) if len(untagged) > MAX_UNTAGGED else {}
        for path, method, operation, op_ptr in listed:
            op = self._operation(path, method, operation, op_ptr)
            if not operation.get("tags") and path in group_of:
                op = replace(op, tag=group_of[path])
            by_tag.setdefault(op.tag, []).append(op)
        tag_docs = {t.get("name"): t for t in self.document.get("tags") or [] if isinstance(t, dict)}
        taken_attributes = set(CLIENT_ARGUMENTS) | {"close", "with_raw_response"}
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
                )
            )
        return tuple(resources)

    def _operation(self, path: str, method: str, operation: dict[str, Any], op_ptr: str) -> Operation:
        op_id = _text(operation.get("operationId")) or f"{method}_{path}"
        taken_args = set(RESERVED_ARGUMENTS)
        params = self._parameters(path, operation, op_ptr, taken_args)
        body = self._request_body(operation, op_ptr)
        responses = self._responses(operation, op_ptr)
        successes = [r.type for r in responses if r.is_success]
        return_type = union(successes) if successes else "None"
        tags = operation.get("tags") or [DEFAULT_TAG]
        unstable = operation.get("x-unstable")
        http_method = method.upper()
        idempotent = (
            http_method in IDEMPOTENT_METHODS
            or operation.get("x-idempotent") is True
            or any(p.location == "header" and p.name.lower() == "idempotency-key" for p in params)
        )
        return Operation(
            operation_id=op_id,
            method_name=identifier(op_id, "operation"),
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
            security=self._security(operation),
            unstable=(unstable if isinstance(unstable, str) else "unstable") if unstable else "",
            idempotent=idempotent,
            extensions=_extensions(operation),
        )

    def _parameters(self, path: str, operation: dict[str, Any], op_ptr: str, taken: set[str]) -> list[Parameter]:
        path_ptr = pointer("paths", path)
        merged: dict[tuple[str, str], tuple[dict[str, Any], str]] = {}
        sources = [(self.document["paths"][path].get("parameters") or [], path_ptr),
                   (operation.get("parameters") or [], op_ptr)]
        for raw_params, base in sources:
            for index, raw in enumerate(raw_params):
                ptr = self.resolver.ref_target(raw)
                param = self.resolver.deref(raw)
                if isinstance(param, dict):
                    merged[(str(param.get("name")), str(param.get("in")))] = (
                        param, ptr[1:] if ptr else child(base, "parameters", index))
        result = []
        # required first so that the Python signature is valid; otherwise document order
        for (name, location), (param, ptr) in merged.items():
            schema_ptr = child(ptr, "schema")
            schema = param.get("schema")
            if schema is None and isinstance(param.get("content"), dict) and param["content"]:
                media = next(iter(param["content"]))
                schema = param["content"][media].get("schema", {})
                schema_ptr = child(ptr, "content", media, "schema")
            style = _text(param.get("style")) or ("form" if location in ("query", "cookie") else "simple")
            explode = param.get("explode", style == "form")
            result.append(
                Parameter(
                    name=name,
                    python_name=unique(parameter_identifier(name), taken),
                    location=location,
                    required=location == "path" or param.get("required") is True,
                    type=self.typer.annotation(schema or {}, schema_ptr),
                    description=_text(param.get("description")),
                    style=style,
                    explode=explode is True,
                    deprecated=param.get("deprecated") is True,
                )
            )
        return result

    def _request_body(self, operation: dict[str, Any], op_ptr: str) -> RequestBody | None:
        raw = operation.get("requestBody")
        if raw is None:
            return None
        target = self.resolver.ref_target(raw)
        body = self.resolver.deref(raw)
        base = target[1:] if target else child(op_ptr, "requestBody")
        content = body.get("content") or {}
        media = _pick_media(content)
        if not media:
            return None
        schema = (content[media] or {}).get("schema") or {}
        schema_ptr = child(base, "content", media, "schema")
        is_json = is_json_media(media)
        if is_json:
            model = self.typer.model_class(schema, schema_ptr)
            annotation = self.typer.annotation(schema, schema_ptr)
            if model and self.models.kind_by_class.get(model) == "model":
                annotation = union([annotation, "dict[str, Any]"])
            else:
                model = ""
        elif media in ("multipart/form-data", "application/x-www-form-urlencoded"):
            model, annotation = "", "dict[str, Any]"
        else:
            model, annotation = "", "bytes"
        return RequestBody(
            content_type=media,
            type=annotation,
            model=model,
            required=body.get("required") is True,
            description=_text(body.get("description")),
            is_json=is_json,
        )

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
            media = _pick_media(content)
            if not media:
                annotation = "None"
            elif is_json_media(media):
                annotation = self.typer.annotation((content[media] or {}).get("schema") or {},
                                                   child(base, "content", media, "schema"))
            elif media.startswith("text/"):
                annotation = "str"
            else:
                annotation = "bytes"
            result.append(
                Response(
                    status=status,
                    description=_text(response.get("description")),
                    content_type=media,
                    type=annotation,
                    is_success=status.startswith("2"),
                    headers=tuple(response.get("headers") or ()),
                )
            )
        return tuple(result)


def _resource_class_name(tag: str, taken: set[str]) -> str:
    name = class_name(tag)
    if keyword.iskeyword(name) or name in taken or f"Async{name}" in taken or name.startswith("Async"):
        name += "Resource"
    name = unique(name, taken)
    taken.add(f"Async{name}")
    return name


_NAME = re.compile(r"[^\W\d]\w*")
_PEP440 = re.compile(r"^\d+(\.\d+)*((a|b|rc)\d+)?(\.post\d+)?(\.dev\d+)?$")


def _annotation_names(op: Operation) -> set[str]:
    texts = [p.type for p in op.parameters] + [r.type for r in op.responses] + [op.return_type]
    if op.body:
        texts += [op.body.type, op.body.model]
    return {name for text in texts for name in _NAME.findall(text)}


def _package_version(version: str) -> str:
    return version if _PEP440.match(version) else "0.1.0"


def build_ir(spec: MergedSpec, models: ModelsResult, package: str, distribution: str) -> Api:
    return IRBuilder(spec, models, package, distribution).build()
