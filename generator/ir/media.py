"""Media types as the IR reads them: which one a client uses, what `Accept` says, streams, form encodings."""

from __future__ import annotations

from typing import Any

from clientsmith.ir.nodes import PartEncoding, Response


def is_json_media(media_type: str) -> bool:
    base = media_type.split(";", 1)[0].strip().lower()
    return base == "application/json" or base.endswith("+json") or base == "*/*"


def pick_media(content: dict[str, Any]) -> str:
    """The media type a client should use: JSON first, then forms, then whatever comes first."""
    for media in content:
        if is_json_media(media) and media != "*/*":
            return media
    for preferred in ("multipart/form-data", "application/x-www-form-urlencoded"):
        if preferred in content:
            return preferred
    return next(iter(content), "")


EVENT_STREAM = "text/event-stream"
# Media types of one JSON document per line, streamed: the method yields each as it arrives.
JSON_LINES = frozenset({"application/x-ndjson", "application/ndjson", "application/jsonl", "application/x-jsonlines"})
# The fields of one server-sent event: a schema made of these (with `data`) describes whole events.
EVENT_FIELDS = frozenset({"event", "data", "id", "retry"})
# Where a spec names the data value that ends an event stream (on the media type or the operation).
END_MARKER_KEYS = ("x-stream-end", "x-speakeasy-sse-sentinel")


def media_base(media: str) -> str:
    return media.split(";", 1)[0].strip().lower()


def is_stream(media: str) -> bool:
    return media_base(media) == EVENT_STREAM or media_base(media) in JSON_LINES


def accept_header(responses: tuple[Response, ...]) -> str:
    """The media types the client can parse from the success responses; JSON when they declare none."""
    kinds: list[str] = []
    for response in responses:
        media = response.content_type
        if response.is_success and media and media != "*/*" and media not in kinds:
            kinds.append(media)
    return ", ".join(kinds) or "application/json"


def part_encodings(media_object: dict[str, Any]) -> tuple[PartEncoding, ...]:
    """Each property's `encoding` (style, explode, contentType), in the spec's order."""
    result = []
    for name, encoding in (media_object.get("encoding") or {}).items():
        if not isinstance(encoding, dict):
            continue
        style = text_of(encoding.get("style")) or "form"
        explode = encoding.get("explode", style == "form")
        result.append(PartEncoding(str(name), style, explode is True, text_of(encoding.get("contentType"))))
    return tuple(result)


def text_of(value: Any) -> str:
    return value if isinstance(value, str) else ""
