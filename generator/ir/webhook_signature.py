"""How a spec's webhook deliveries are signed: Standard Webhooks unless `[tool.clientsmith]`
(`webhook_signature = {...}`) or the document's `x-webhook-signature` describes another HMAC scheme.
A description that does not fit is a located error: the generated check must never be a guess."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from clientsmith.config import SignatureConfig
from clientsmith.ir.nodes import WebhookSignature
from clientsmith.problems import Problem, SpecError, escape_pointer_token
from clientsmith.spec.merge import MergedSpec

EXTENSION = "x-webhook-signature"
DEFAULT_TOLERANCE = 300  # seconds, either way: Standard Webhooks' five minutes

STANDARD = WebhookSignature(
    scheme="standard", header="webhook-signature", prefix="v1,", encoding="base64", payload="id.timestamp.body",
    timestamp_header="webhook-timestamp", id_header="webhook-id", algorithm="sha256",
    tolerance=DEFAULT_TOLERANCE, secret_prefix="whsec_", source="standard",
)

SCHEMES = ("standard", "hmac")
ENCODINGS = ("hex", "base64")
PAYLOADS = ("body", "timestamp.body")
ALGORITHMS = ("sha256", "sha1", "sha512")
_KEYS = ("scheme", "header", "prefix", "encoding", "payload", "timestamp_header", "algorithm", "tolerance")


def read_signature(spec: MergedSpec, configured: SignatureConfig | None) -> WebhookSignature:
    """The scheme: the configuration's, else the extension's, else Standard Webhooks. Raises SpecError
    on a description that does not fit."""
    if configured is not None:
        # TOML keeps no lines per key: every problem is placed at the table's line.
        where = _Where(configured.pointer, lambda ptr, message: Problem(configured.file, configured.line, ptr, message))
        return _described(configured.value, where, "config")
    if EXTENSION in spec.document:
        return _described(spec.document[EXTENSION], _Where("/" + EXTENSION, spec.problem), "extension")
    return STANDARD


class _Where:
    """Locates a key of the description: in the spec (file and line per pointer) or in pyproject.toml."""

    def __init__(self, base: str, located: Callable[[str, str], Problem]) -> None:
        self.base, self.located = base, located

    def problem(self, key: str, message: str) -> Problem:
        return self.located(self.base + (f"/{escape_pointer_token(key)}" if key else ""), message)


def _described(value: Any, where: _Where, source: str) -> WebhookSignature:
    if not isinstance(value, dict):
        raise SpecError([where.problem("", "a webhook signature is described by a table (an object) of "
                                           + ", ".join(_KEYS))])
    problems = [where.problem(str(key), f"unknown key {key!r} (known: {', '.join(_KEYS)})")
                for key in value if key not in _KEYS]
    scheme = value.get("scheme", "standard" if "header" not in value else "hmac")
    if scheme not in SCHEMES:
        problems.append(where.problem("scheme", f"must be one of {', '.join(SCHEMES)}, not {scheme!r}"))
    tolerance = value.get("tolerance", DEFAULT_TOLERANCE)
    if not isinstance(tolerance, int) or isinstance(tolerance, bool) or tolerance <= 0:
        problems.append(where.problem("tolerance", f"must be a positive number of seconds, not {tolerance!r}"))
    if scheme == "standard":
        extra = [k for k in value if k in _KEYS and k not in ("scheme", "tolerance")]
        problems += [where.problem(k, "the standard scheme fixes its headers and encoding; "
                                      "describe an HMAC scheme with scheme = \"hmac\"") for k in extra]
        if problems:
            raise SpecError(problems)
        return WebhookSignature(**{**STANDARD.__dict__, "tolerance": tolerance, "source": source})
    texts = {key: value.get(key, default) for key, default in
             (("header", None), ("prefix", ""), ("encoding", "hex"), ("payload", "body"), ("timestamp_header", ""),
              ("algorithm", "sha256"))}
    for key, text in texts.items():
        if key == "header" and text is None:
            problems.append(where.problem("header", "an HMAC scheme needs the header carrying the signature"))
        elif not isinstance(text, str) or key == "header" and not text.strip():
            problems.append(where.problem(key, f"must be a non-empty string, not {text!r}" if key == "header"
                                          else f"must be a string, not {text!r}"))
    for key, allowed in (("encoding", ENCODINGS), ("payload", PAYLOADS), ("algorithm", ALGORITHMS)):
        if isinstance(texts[key], str) and texts[key] not in allowed:
            problems.append(where.problem(key, f"must be one of {', '.join(allowed)}, not {texts[key]!r}"))
    if texts["payload"] == "timestamp.body" and not texts["timestamp_header"]:
        problems.append(where.problem("payload", "signing the timestamp needs timestamp_header, the header carrying it"))
    if problems:
        raise SpecError(problems)
    return WebhookSignature(
        scheme="hmac", header=texts["header"], prefix=texts["prefix"], encoding=texts["encoding"],
        payload=texts["payload"], timestamp_header=texts["timestamp_header"], id_header="",
        algorithm=texts["algorithm"], tolerance=tolerance, secret_prefix="", source=source,
    )


def signature_problems(spec: MergedSpec, configured: SignatureConfig | None) -> list[Problem]:
    """What `read_signature` finds wrong (for `clientsmith validate`), without raising."""
    try:
        read_signature(spec, configured)
    except SpecError as exc:
        return list(exc.problems)
    return []
