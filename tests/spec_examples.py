"""Examples declared on JSON request and response bodies of a merged spec."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from clientsmith.ir.media import is_json_media
from clientsmith.problems import pointer
from clientsmith.spec.resolve import Resolver
from clientsmith.spec.validate import iter_operations


def media_examples(document: dict[str, Any], resolver: Resolver):
    """(pointer of the schema, example name, value) for every example on a JSON request or response body."""
    for path, method, operation, op_ptr in iter_operations(document):
        bodies = []
        if "requestBody" in operation:
            target = resolver.ref_target(operation["requestBody"])
            bodies.append((target[1:] if target else op_ptr + "/requestBody", resolver.deref(operation["requestBody"])))
        for status, response in (operation.get("responses") or {}).items():
            target = resolver.ref_target(response)
            bodies.append((target[1:] if target else f"{op_ptr}/responses/{status}", resolver.deref(response)))
        for base, body in bodies:
            for media, media_object in (body.get("content") or {}).items():
                if not is_json_media(media) or "schema" not in media_object:
                    continue
                schema_ptr = base + pointer("content", media, "schema")
                examples = dict(media_object.get("examples") or {})
                if "example" in media_object:
                    examples["example"] = {"value": media_object["example"]}
                for name, example in examples.items():
                    example = resolver.deref(example)
                    if "value" in example:
                        yield schema_ptr, media_object["schema"], f"{method.upper()} {path} {name}", example["value"]


def normalise(value: Any) -> Any:
    """JSON with timestamps compared as instants (the client writes `Z` where servers write `+00:00`)."""
    if isinstance(value, dict):
        return {k: normalise(v) for k, v in value.items()}
    if isinstance(value, list):
        return [normalise(v) for v in value]
    if isinstance(value, str) and re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", value):
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value
