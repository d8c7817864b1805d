"""The public Python API of a generated package as plain JSON data: what callers can name and pass.

Built from the IR and the models source, with a JSON pointer per item (file names and lines are looked
up when a report is made, so the manifest that keeps a surface does not depend on fragment file names).
Types are kept as annotation text; the comparison reads them back as nodes (`parse_annotation`).
New fields of `Operation` need no code here: they appear under a method's "features".
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from clientsmith.diff.models_surface import docs_digest, model_classes
from clientsmith.ir.annotations import Annotation, parse_annotation
from clientsmith.ir.nodes import Api, Operation, Parameter, plain
from clientsmith.ir.schema_types import child
from clientsmith.models.generate import ModelsResult
from clientsmith.problems import pointer
from clientsmith.spec.resolve import lookup

SURFACE_VERSION = 1  # bump when the keys change: surfaces of different versions are not compared
REQUEST, RESPONSE = "request", "response"

# Operation fields the surface describes itself; every other field is a "feature" (pagination, ...).
_DESCRIBED = frozenset({
    "operation_id", "method_name", "http_method", "path", "summary", "description", "deprecated", "tag",
    "path_params", "query_params", "header_params", "cookie_params", "body", "responses", "return_type",
    "security", "unstable", "idempotent", "extensions",
})


def api_surface(api: Api, models: ModelsResult, document: dict[str, Any],
                classes: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """`classes` is model_classes(models.source), when known without the source (classes_from_surface)."""
    classes = model_classes(models.source) if classes is None else classes
    pointer_by_class: dict[str, str] = {}
    for ptr, name in models.class_by_pointer.items():  # the first pointer names the class's own schema
        pointer_by_class.setdefault(name, ptr)
    return {
        "version": SURFACE_VERSION,
        "servers": [_server(index, server) for index, server in enumerate(api.servers)],
        "credentials": {
            s.python_name: {"scheme": s.name, "kind": s.kind, "location": s.location,
                            "parameter_name": s.parameter_name, "http_scheme": s.http_scheme,
                            "pointer": pointer("components", "securitySchemes", s.name)}
            for s in api.security_schemes
        },
        "resources": {
            r.attribute: {
                "class": r.class_name,
                "tag": r.tag,
                "methods": {op.method_name: _method(op, document) for op in r.operations},
            }
            for r in api.resources
        },
        "models": _models(api, classes, pointer_by_class, document),
    }


def _server(index: int, server: Any) -> dict[str, Any]:
    ptr = pointer("servers", index)
    return {
        "url": server.url,
        "pointer": ptr,
        "variables": {
            v.python_name: {"name": v.name, "default": v.default, "enum": list(v.enum),
                            "pointer": child(ptr, "variables", v.name)}
            for v in server.variables
        },
    }


def _method(op: Operation, document: dict[str, Any]) -> dict[str, Any]:
    op_ptr = pointer("paths", op.path, op.http_method.lower())
    where = _parameter_pointers(document, op.path, op.http_method.lower())
    params = {}
    for position, p in enumerate(op.parameters):
        params[p.python_name] = _parameter(p, position if p.location == "path" else None,
                                           where.get((p.name, p.location), op_ptr))
    body = None
    if op.body is not None:
        body = {"type": op.body.type.render(), "model": op.body.model, "content_type": op.body.content_type,
                "required": op.body.required, "pointer": child(op_ptr, "requestBody"),
                "docs": docs_digest(op.body.description)}
    features = {
        f.name: value for f in fields(op)
        if f.name not in _DESCRIBED and (value := plain(getattr(op, f.name))) not in (None, "", [], {}, False)
    }
    return {
        "operation_id": op.operation_id,
        "http_method": op.http_method,
        "path": op.path,
        "pointer": op_ptr,
        "params": params,
        "body": body,
        "returns": op.return_type.render(),
        "errors": [r.status for r in op.responses if not r.is_success],
        "security": sorted(sorted(req.schemes) for req in op.security),
        "unstable": bool(op.unstable),
        "deprecated": op.deprecated,
        "features": features,
        "docs": docs_digest(op.summary, op.description, *(r.description for r in op.responses)),
    }


def _parameter(p: Parameter, position: int | None, ptr: str) -> dict[str, Any]:
    return {"name": p.name, "location": p.location, "type": p.type.render(), "required": p.required,
            "position": position, "deprecated": p.deprecated, "pointer": ptr, "docs": docs_digest(p.description)}


def _parameter_pointers(document: dict[str, Any], path: str, method: str) -> dict[tuple[str, str], str]:
    """(name, in) -> where the operation (or its path item) lists the parameter; a $ref counts as listed."""
    found: dict[tuple[str, str], str] = {}
    for base in (pointer("paths", path), pointer("paths", path, method)):
        raw = lookup(document, child(base, "parameters"))
        for index, param in enumerate(raw if isinstance(raw, list) else []):
            target = param
            if isinstance(param, dict) and isinstance(param.get("$ref"), str) and param["$ref"].startswith("#"):
                target = lookup(document, param["$ref"][1:])
            if isinstance(target, dict):
                found[(str(target.get("name")), str(target.get("in")))] = child(base, "parameters", index)
    return found


def _models(api: Api, classes: dict[str, dict[str, Any]], pointer_by_class: dict[str, str],
            document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    directions = _directions(api, classes)
    result = {}
    for name, info in classes.items():
        ptr = pointer_by_class.get(name, "/components/schemas")
        # Fields are located by their alias under the model's pointer when a report is made.
        entry: dict[str, Any] = {**info, "pointer": ptr, "directions": sorted(directions.get(name, ()))}
        for spec_field in entry.get("fields", {}).values():
            # An optional field is `X | None` in Python whether or not the spec lets it be null: keep the latter.
            spec_field["nullable"] = _spec_nullable(document, child(ptr, "properties", spec_field["alias"]))
        if "values" in entry:
            entry["value_pointer"] = child(ptr, "enum")
        result[name] = entry
    return result


def classes_from_surface(surface: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """model_classes() of the models a surface describes: its "models" less what _models added."""
    classes = {}
    for name, entry in surface.get("models", {}).items():
        info = {k: v for k, v in entry.items() if k not in _ADDED}
        if "fields" in info:
            info["fields"] = {f: {k: v for k, v in spec_field.items() if k != "nullable"}
                              for f, spec_field in info["fields"].items()}
        classes[name] = info
    return classes


_ADDED = frozenset({"pointer", "directions", "value_pointer"})


def _spec_nullable(document: dict[str, Any], ptr: str) -> bool:
    """Whether the schema at `ptr` (through local refs) allows null: `nullable`, a type list, or a null member."""
    node = lookup(document, ptr)
    for _ in range(20):
        if not isinstance(node, dict):
            return False
        if node.get("nullable") is True or (isinstance(node.get("type"), list) and "null" in node["type"]):
            return True
        members = [m for key in ("oneOf", "anyOf") for m in node.get(key) or () if isinstance(m, dict)]
        if any(m.get("type") == "null" or m.get("nullable") is True for m in members):
            return True
        ref = node.get("$ref")
        if not (isinstance(ref, str) and ref.startswith("#")):
            return False
        node = lookup(document, ref[1:])
    return False


def _directions(api: Api, classes: dict[str, dict[str, Any]]) -> dict[str, set[str]]:
    """For each model, whether callers send it (request), receive it (response: webhook payloads too), or both."""
    roots: dict[str, list[Annotation]] = {REQUEST: [], RESPONSE: []}
    for op in api.operations:
        roots[REQUEST] += [p.type for p in op.parameters] + ([op.body.type] if op.body else [])
        roots[RESPONSE] += [r.type for r in op.responses] + [op.return_type]
    if api.webhooks is not None:  # `unwrap` hands each event's payload model to its users
        roots[RESPONSE] += [event.type for event in api.webhooks.events]
    refs = {name: _class_references(info) for name, info in classes.items()}
    result: dict[str, set[str]] = {}
    for direction, types in roots.items():
        stack = [n for annotation in types for n in sorted(annotation.names()) if n in classes]
        seen: set[str] = set()
        while stack:
            name = stack.pop()
            if name in seen:
                continue
            seen.add(name)
            result.setdefault(name, set()).add(direction)
            stack.extend(n for n in refs[name] if n in classes)
    return result


def _class_references(info: dict[str, Any]) -> set[str]:
    texts = [f["type"] for f in info.get("fields", {}).values()] + info.get("bases", []) + [info.get("root", "")]
    return set().union(*(parse_annotation(text).names() for text in texts if text))
