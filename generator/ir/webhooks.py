"""The spec's webhooks (OpenAPI 3.1 `webhooks`, or `x-webhooks` in 3.0 documents): one event per entry,
typed by its JSON payload's model, and the property whose constant value tells the payloads apart."""

from __future__ import annotations

from typing import Any

from clientsmith.config import SignatureConfig
from clientsmith.ir.annotations import ANY
from clientsmith.ir.media import is_json_media
from clientsmith.ir.nodes import WebhookEvent, Webhooks
from clientsmith.ir.schema_types import SchemaTyper, child
from clientsmith.ir.webhook_signature import read_signature
from clientsmith.spec.merge import HTTP_METHODS, MergedSpec
from clientsmith.spec.resolve import Resolver

SECTIONS = ("webhooks", "x-webhooks")
# Models are made from `webhooks` alone: a 3.0 document's `x-webhooks` is given to them under that name.
MODELS_SECTION = "webhooks"
# Properties that name an event, most telling first; any other constant property may do after them.
_PREFERRED_DISCRIMINATORS = ("type", "event_type", "eventType", "event", "kind")


def webhooks_section(document: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """(section name, its entries), or None when the document declares no webhooks."""
    for section in SECTIONS:
        entries = document.get(section)
        if isinstance(entries, dict) and any(isinstance(k, str) and not k.startswith("x-") for k in entries):
            return section, entries
    return None


def read_webhooks(spec: MergedSpec, resolver: Resolver, typer: SchemaTyper,
                  signature: SignatureConfig | None) -> Webhooks | None:
    found = webhooks_section(spec.document)
    if found is None:
        return None
    section, entries = found
    events: list[WebhookEvent] = []
    schemas: list[dict[str, Any] | None] = []
    for name, item in entries.items():
        item = resolver.deref(item)
        if not isinstance(name, str) or name.startswith("x-") or not isinstance(item, dict):
            continue
        for method, operation in item.items():
            if method not in HTTP_METHODS or not isinstance(operation, dict):
                continue
            schema, ptr = _payload(resolver, operation, child("", MODELS_SECTION, name, method))
            annotation = typer.annotation(schema, ptr) if schema is not None else ANY
            model = typer.model_class(schema, ptr) if schema is not None else ""
            events.append(WebhookEvent(
                name=name, method=method.upper(), summary=_text(operation.get("summary")),
                description=_text(operation.get("description") or item.get("description")),
                type=annotation, model=model, discriminator_value=""))
            schemas.append(resolver.deref(schema) if model else None)
    discriminator, values = _discriminator(resolver, schemas)
    if discriminator:
        events = [WebhookEvent(**{**e.__dict__, "discriminator_value": v}) for e, v in zip(events, values)]
    names = frozenset().union(*(e.type.names() for e in events))
    payloads = {str(e.type): e.type for e in events if str(e.type) != "Any"}
    return Webhooks(
        source=section, events=tuple(events), discriminator=discriminator, signature=read_signature(spec, signature),
        model_imports=tuple(sorted(n for n in names if n in typer.kind_by_class)), payload_types=tuple(payloads.values()),
    )


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _payload(resolver: Resolver, operation: dict[str, Any], op_ptr: str) -> tuple[Any, str]:
    """The JSON request body's schema and its pointer (in the document as the models saw it)."""
    body = resolver.deref(operation.get("requestBody"))
    content = body.get("content") if isinstance(body, dict) else None
    if not isinstance(content, dict):
        return None, ""
    for media, media_object in content.items():
        if is_json_media(media) and isinstance(media_object, dict) and isinstance(media_object.get("schema"), dict):
            ref = resolver.ref_target(operation.get("requestBody"))
            base = ref[1:] if ref else child(op_ptr, "requestBody")
            return media_object["schema"], child(base, "content", media, "schema")
    return None, ""


def _discriminator(resolver: Resolver, schemas: list[dict[str, Any] | None]) -> tuple[str, list[str]]:
    """The property every payload model holds a distinct constant string in, and each payload's value;
    ("", []) when there is none (a payload without a model, two events sharing one, no such property)."""
    if not schemas or any(s is None for s in schemas):
        return "", []
    constants = [_constants(resolver, s, 0) for s in schemas if s is not None]
    shared = set(constants[0]).intersection(*constants[1:])
    ordered = [p for p in _PREFERRED_DISCRIMINATORS if p in shared] + sorted(shared - set(_PREFERRED_DISCRIMINATORS))
    for prop in ordered:
        values = [c[prop] for c in constants]
        if len(set(values)) == len(values):
            return prop, values
    return "", []


def _constants(resolver: Resolver, schema: Any, depth: int) -> dict[str, str]:
    """Properties (of the schema and its allOf members) whose value is one string: `const` or a one-value enum."""
    schema = resolver.deref(schema)
    if not isinstance(schema, dict) or depth > 10:
        return {}
    found: dict[str, str] = {}
    for member in schema.get("allOf") or []:
        found.update(_constants(resolver, member, depth + 1))
    for name, prop in (schema.get("properties") or {}).items():
        prop = resolver.deref(prop)
        if not isinstance(prop, dict):
            continue
        if isinstance(prop.get("const"), str):
            found[name] = prop["const"]
        elif isinstance(prop.get("enum"), list) and len(prop["enum"]) == 1 and isinstance(prop["enum"][0], str):
            found[name] = prop["enum"][0]
    return found
