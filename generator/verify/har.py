"""HAR 1.2 (browser devtools, mitmproxy, Charles, Postman, Insomnia exports) into interactions."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from clientsmith.spec.loader import LoadedFile
from clientsmith.verify.traffic import Headers, Interaction, bad


def is_har(data: Any) -> bool:
    return isinstance(data, dict) and isinstance(data.get("log"), dict) and "entries" in data["log"]


def read_har(loaded: LoadedFile) -> list[Interaction]:
    entries = loaded.data["log"]["entries"]
    if not isinstance(entries, list):
        raise bad(loaded, "/log/entries", "must be a list of entries")
    return [_entry(loaded, index, entry) for index, entry in enumerate(entries)]


def _entry(loaded: LoadedFile, index: int, entry: Any) -> Interaction:
    ptr = f"/log/entries/{index}"
    request = entry.get("request") if isinstance(entry, dict) else None
    response = entry.get("response") if isinstance(entry, dict) else None
    if not isinstance(request, dict) or not isinstance(response, dict):
        raise bad(loaded, ptr, "an entry needs a `request` and a `response` object")
    if not isinstance(request.get("method"), str) or not isinstance(request.get("url"), str):
        raise bad(loaded, f"{ptr}/request", "a request needs `method` and `url` strings")
    status = response.get("status")
    if not isinstance(status, int):
        raise bad(loaded, f"{ptr}/response/status", "must be an integer")
    post = request.get("postData")
    return Interaction(
        source=f"{loaded.display}#entry {index}",
        method=request["method"].upper(),
        url=request["url"],
        request_headers=_headers(request.get("headers")),
        request_body=_text(loaded, f"{ptr}/request/postData", post) if isinstance(post, dict) else None,
        status=status,
        response_headers=_headers(response.get("headers")),
        response_body=_text(loaded, f"{ptr}/response/content", response.get("content")),
    )


def _headers(items: Any) -> Headers:
    if not isinstance(items, list):
        return ()
    return tuple((str(h.get("name", "")), str(h.get("value", ""))) for h in items if isinstance(h, dict))


def _text(loaded: LoadedFile, ptr: str, content: Any) -> bytes | None:
    """`text`, base64-decoded when `encoding` says so (binary bodies); empty when the body was empty;
    None when the export left out a body there was (exporters often do, for size or type)."""
    if not isinstance(content, dict):
        return None
    if not isinstance(content.get("text"), str):
        return b"" if content.get("size") == 0 else None
    text = content["text"]
    if content.get("encoding") == "base64":
        try:
            return base64.b64decode(text, validate=False)
        except (binascii.Error, ValueError):
            raise bad(loaded, f"{ptr}/text", "`encoding` is base64 but the text is not base64") from None
    return text.encode("utf-8")
