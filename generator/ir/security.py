"""Security schemes (the credentials a client takes) and the requirements of each operation."""

from __future__ import annotations

from typing import Any

from clientsmith.ir.nodes import OAuthFlow, SecurityRequirement, SecurityScheme
from clientsmith.naming import identifier, unique
from clientsmith.spec.resolve import Resolver


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def security_schemes(document: dict[str, Any], resolver: Resolver, client_arguments: frozenset[str]) -> tuple[SecurityScheme, ...]:
    """The spec's security schemes, each with the constructor argument carrying its credential."""
    raw = ((document.get("components") or {}).get("securitySchemes")) or {}
    taken = set(client_arguments)
    schemes = []
    for name, scheme in raw.items():
        scheme = resolver.deref(scheme)
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

def security_requirements(document: dict[str, Any], operation: dict[str, Any]) -> tuple[SecurityRequirement, ...]:
    """The operation's `security` (else the document's): alternatives, each a set of schemes."""
    requirements = operation.get("security", document.get("security")) or []
    result = []
    for requirement in requirements:
        if isinstance(requirement, dict):
            names = tuple(requirement)
            result.append(SecurityRequirement(names, tuple(tuple(requirement[n] or ()) for n in names)))
    return tuple(result)
