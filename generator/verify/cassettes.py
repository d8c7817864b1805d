"""VCR cassettes into interactions: vcrpy's YAML and JSON (`interactions`), and the Ruby VCR / Betamax
layout (`http_interactions`, bodies as `{string}` or `{base64_string}`)."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from clientsmith.spec.loader import LoadedFile
from clientsmith.verify.traffic import Headers, Interaction, bad


def is_cassette(data: Any) -> bool:
    return isinstance(data, dict) and isinstance(data.get("interactions", data.get("http_interactions")), list)


def read_cassette(loaded: LoadedFile) -> list[Interaction]:
    key = "interactions" if "interactions" in loaded.data else "http_interactions"
    return [_interaction(loaded, f"/{key}/{index}", index, item) for index, item in enumerate(loaded.data[key])]


def _interaction(loaded: LoadedFile, ptr: str, index: int, item: Any) -> Interaction:
    request = item.get("request") if isinstance(item, dict) else None
    response = item.get("response") if isinstance(item, dict) else None
    if not isinstance(request, dict) or not isinstance(response, dict):
        raise bad(loaded, ptr, "an interaction needs a `request` and a `response` mapping")
    if not isinstance(request.get("method"), str) or not isinstance(request.get("uri"), str):
        raise bad(loaded, f"{ptr}/request", "a request needs `method` and `uri` strings")
    status = response.get("status")
    code = status.get("code") if isinstance(status, dict) else status
    if not isinstance(code, int):
        raise bad(loaded, f"{ptr}/response/status", "needs an integer `code`")
    return Interaction(
        source=f"{loaded.display}#{index}",
        method=request["method"].upper(),
        url=request["uri"],
        request_headers=_headers(request.get("headers")),
        request_body=_body(loaded, f"{ptr}/request/body", request.get("body")),
        status=code,
        response_headers=_headers(response.get("headers")),
        response_body=_body(loaded, f"{ptr}/response/body", response.get("body")),
    )


def _headers(mapping: Any) -> Headers:
    """vcrpy keeps each header as a list of values."""
    if not isinstance(mapping, dict):
        return ()
    pairs = []
    for name, values in mapping.items():
        for value in values if isinstance(values, list) else [values]:
            pairs.append((str(name), str(value)))
    return tuple(pairs)


def _body(loaded: LoadedFile, ptr: str, body: Any) -> bytes | None:
    if isinstance(body, dict):  # a response body, or Ruby VCR's request body
        if isinstance(body.get("base64_string"), str):
            try:
                return base64.b64decode(body["base64_string"])
            except (binascii.Error, ValueError):
                raise bad(loaded, f"{ptr}/base64_string", "not base64") from None
        body = body.get("string")
    if body is None:
        return b""  # vcrpy writes no body as null
    if isinstance(body, bytes):  # YAML !!binary: what vcrpy writes for bodies that are not UTF-8 (gzip)
        return body
    if isinstance(body, str):
        return body.encode("utf-8")
    raise bad(loaded, ptr, "a body must be a string, binary or null")
