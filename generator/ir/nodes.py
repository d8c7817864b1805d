"""The intermediate representation: the only thing templates see.

Plain frozen dataclasses, documented field by field in the README. Changing a field's meaning is a
breaking change for users' templates: bump IR_VERSION and say so in the changelog.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

IR_VERSION = 1


@dataclass(frozen=True)
class ServerVariable:
    name: str  # as in the URL template, e.g. "site"
    python_name: str  # the constructor argument, e.g. "site"
    default: str
    enum: tuple[str, ...]  # allowed values; empty means any string
    description: str


@dataclass(frozen=True)
class Server:
    url: str  # template with {variables}, e.g. "https://{subdomain}.{site}"
    description: str
    variables: tuple[ServerVariable, ...]


@dataclass(frozen=True)
class OAuthFlow:
    kind: str  # clientCredentials | authorizationCode | password | implicit
    token_url: str
    authorization_url: str
    refresh_url: str
    scopes: tuple[str, ...]


@dataclass(frozen=True)
class SecurityScheme:
    name: str  # key under components.securitySchemes
    python_name: str  # constructor argument carrying the credential
    kind: str  # apiKey | http | oauth2 | openIdConnect
    location: str  # apiKey: header | query | cookie; "header" for http and oauth2
    parameter_name: str  # apiKey: the header/query/cookie name; "Authorization" otherwise
    http_scheme: str  # http: bearer | basic | ...; "bearer" for oauth2 and openIdConnect; "" for apiKey
    description: str
    flows: tuple[OAuthFlow, ...]


@dataclass(frozen=True)
class SecurityRequirement:
    """One alternative of an operation's `security`: all of these schemes together."""

    schemes: tuple[str, ...]  # SecurityScheme.name values
    scopes: tuple[tuple[str, ...], ...]  # scopes per scheme, same order


@dataclass(frozen=True)
class Parameter:
    name: str  # wire name
    python_name: str  # argument name in the generated method
    location: str  # path | query | header | cookie
    required: bool
    type: str  # Python annotation, e.g. "list[IncidentRelatedObject]"
    description: str
    style: str  # OpenAPI style, defaulted per location (simple, form)
    explode: bool
    deprecated: bool
    example: str = ""  # the spec's example as a Python literal, e.g. '"00000000-0000"'; "" when none


@dataclass(frozen=True)
class RequestBody:
    content_type: str  # e.g. "application/json"
    type: str  # annotation of the value the method accepts
    model: str  # model class when the body is one (dicts are validated into it); "" otherwise
    required: bool
    description: str
    is_json: bool  # sent as JSON; otherwise as raw bytes/str/form data
    example: str = ""  # the spec's first example as a Python literal (laid out over lines); "" when none


@dataclass(frozen=True)
class Response:
    status: str  # "200", "4XX" or "default"
    description: str
    content_type: str  # "" when the response has no body
    type: str  # annotation of the parsed body; "None" when there is none
    is_success: bool
    headers: tuple[str, ...]  # documented response header names


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method_name: str  # snake_case operationId
    http_method: str  # upper case
    path: str  # template, e.g. "/api/v2/incidents/{incident_id}"
    summary: str
    description: str
    deprecated: bool
    tag: str
    path_params: tuple[Parameter, ...]
    query_params: tuple[Parameter, ...]
    header_params: tuple[Parameter, ...]
    cookie_params: tuple[Parameter, ...]
    body: RequestBody | None
    responses: tuple[Response, ...]
    return_type: str  # union of the success responses' types
    security: tuple[SecurityRequirement, ...]  # alternatives; empty means no auth
    unstable: str  # x-unstable note; "" when stable
    idempotent: bool  # safe to retry after a server error
    extensions: dict[str, Any] = field(default_factory=dict)  # the operation's x-* keys

    @property
    def parameters(self) -> tuple[Parameter, ...]:
        return self.path_params + self.query_params + self.header_params + self.cookie_params


@dataclass(frozen=True)
class Resource:
    tag: str  # as in the spec
    attribute: str  # client attribute, e.g. "incidents"
    module: str  # module under api/, e.g. "incidents"
    class_name: str  # e.g. "Incidents" (and "AsyncIncidents")
    description: str
    operations: tuple[Operation, ...]
    model_imports: tuple[str, ...]  # model classes its operations name, sorted
    typing_imports: tuple[str, ...]  # names from `typing` its annotations use, e.g. ("Any",)


@dataclass(frozen=True)
class Api:
    ir_version: int
    title: str
    version: str  # info.version
    package_version: str  # info.version when it is a valid PEP 440 version, else "0.1.0"
    description: str
    openapi_version: str
    package: str  # import name
    distribution: str  # pip name
    spec_source: str  # the spec path as given, relative
    generator_version: str
    servers: tuple[Server, ...]
    security_schemes: tuple[SecurityScheme, ...]
    resources: tuple[Resource, ...]
    models: tuple[str, ...]  # every model class, in module order
    extensions: dict[str, Any] = field(default_factory=dict)  # the document's x-* keys

    @property
    def operations(self) -> tuple[Operation, ...]:
        return tuple(op for resource in self.resources for op in resource.operations)


def to_json_data(api: Api) -> dict[str, Any]:
    return asdict(api)
