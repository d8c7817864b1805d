"""Bodies as data: transfer compression undone, media types compared, JSON parsed, secrets redacted."""

from __future__ import annotations

import gzip
import json
import re
import zlib
from typing import Any

_GZIP_MAGIC = b"\x1f\x8b"
NOT_JSON = object()  # a body that claims JSON and does not parse
REDACTED = "<redacted>"
# Header and parameter names that carry credentials, besides those the spec's securitySchemes name.
_SECRET_NAME = re.compile(r"authorization|cookie|api[-_]?key|apikey|token|secret|password|passwd|signature|session"
                          r"|credential|private[-_]?key|access[-_]?key|app[-_]?key", re.I)


def decoded(body: bytes | None, content_encoding: str | None) -> bytes:
    """The body less gzip or deflate. Recorders differ on whether they undo it (HAR exports mostly do,
    vcrpy without `decode_compressed_response` does not), so gzip is recognised by its magic bytes too."""
    if not body:
        return b""
    encoding = (content_encoding or "").strip().lower()
    try:
        if body[:2] == _GZIP_MAGIC:
            return gzip.decompress(body)
        if encoding == "deflate":
            try:
                return zlib.decompress(body)
            except zlib.error:
                return zlib.decompress(body, -zlib.MAX_WBITS)  # raw deflate, as some servers send
    except (OSError, EOFError, zlib.error):
        pass  # not compressed after all: checked as it is
    return body


def media_type(content_type: str | None) -> str:
    """`application/json; charset=utf-8` -> `application/json`."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def is_json_type(media: str) -> bool:
    return media == "application/json" or media.endswith("+json") or media.endswith("/json")


def documented_media(observed: str, documented: list[str]) -> str | None:
    """The spec's media type key that covers what was observed: exact, then `type/*`, then `*/*`."""
    by_lower = {media_type(key): key for key in documented}
    for candidate in (observed, observed.split("/", 1)[0] + "/*", "*/*"):
        if candidate in by_lower:
            return by_lower[candidate]
    return None


def parse_json(body: bytes) -> Any:
    try:
        return json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        return NOT_JSON


def is_secret(name: str, secret_names: frozenset[str]) -> bool:
    return name.lower() in secret_names or bool(_SECRET_NAME.search(name))


def redact(value: Any, secret_names: frozenset[str]) -> Any:
    """A copy of JSON data with the values of credential-like keys replaced."""
    if isinstance(value, dict):
        return {k: REDACTED if is_secret(str(k), secret_names) and not isinstance(v, (dict, list))
                else redact(v, secret_names) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(v, secret_names) for v in value]
    return value


def shown(value: Any, limit: int = 80) -> str:
    """A value as JSON, shortened for a report line."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"
