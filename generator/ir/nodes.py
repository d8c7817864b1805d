"""The intermediate representation: the only thing templates see.

Plain frozen dataclasses, documented field by field in the README. Changing a field's meaning is a
breaking change for users' templates: bump IR_VERSION and say so in the changelog. Types are `Annotation`
nodes, which render (and compare equal to) their annotation text, as JSON has them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from clientsmith.ir.annotations import Annotation

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
    name: str  # what the client's `server=` accepts besides the index, e.g. "production"
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
    type: Annotation  # e.g. list[IncidentRelatedObject]
    description: str
    style: str  # OpenAPI style, defaulted per location (simple, form)
    explode: bool
    deprecated: bool
    example: str = ""  # the spec's example as Python source of `type`, e.g. 'UUID("...")'; "" when none
    sample: str = ""  # a value of `type` as Python source: the spec's example, else one the schema allows


@dataclass(frozen=True)
class PartEncoding:
    """The `encoding` of one property of a form or multipart body."""

    name: str  # the property, as on the wire
    style: str  # form | spaceDelimited | pipeDelimited | deepObject
    explode: bool
    content_type: str  # multipart: the part's media type; "" when the spec leaves it to the value


@dataclass(frozen=True)
class EventStream:
    """A streamed success response: `text/event-stream`, or JSON lines (NDJSON). The method yields one
    item per event or line."""

    item_type: str  # annotation of each item; "" means the raw event (`ServerSentEvent`)
    whole_event: bool  # the schema describes the whole event (event, data, id, retry), not its data
    end_marker: str  # a data value that ends the stream (`x-stream-end`), "" when none
    json_lines: bool = False  # one JSON document per line (application/x-ndjson and the like), not events


@dataclass(frozen=True)
class RequestBody:
    content_type: str  # e.g. "application/json"
    type: Annotation  # of the value the method accepts
    model: str  # model class when the body is one (dicts are validated into it); "" otherwise
    required: bool
    description: str
    is_json: bool  # sent as JSON; otherwise as raw bytes/str/form data
    encoding: tuple[PartEncoding, ...] = ()  # form and multipart properties the spec gives an `encoding`
    example: str = ""  # the spec's first example as a Python literal (laid out over lines); "" when none
    sample: str = ""  # a body as Python source: the spec's example, else the smallest the schema allows


@dataclass(frozen=True)
class Response:
    status: str  # "200", "4XX" or "default"
    description: str
    content_type: str  # "" when the response has no body
    type: Annotation  # of the parsed body; None when there is none
    is_success: bool
    headers: tuple[str, ...]  # documented response header names
    error_class: str = ""  # an error status whose body is a model: the `errors` class typed by it, e.g. "ProblemError"


@dataclass(frozen=True)
class Pagination:
    """How a list operation is walked page by page, as `<method_name>` iterating items (and pages)."""

    method_name: str  # the iterating method, e.g. "list_incidents_with_pagination"
    style: str  # offset | page | cursor | last_id | next_url | link_header
    item_type: Annotation  # of one item of the list at results_path, e.g. IncidentResponseData
    results_path: tuple[str, ...]  # wire keys from the response body to the list of items, e.g. ("data",)
    limit_param: str  # python_name of the page-size parameter; "" when the limit is in the body
    limit_body_path: tuple[str, ...]  # wire keys into the JSON request body to the limit; () for a parameter
    limit_default: int | None  # the limit's default in the spec; None when it has none
    position_param: str  # python_name of the offset / page number / cursor parameter; "" when in the body
    position_body_path: tuple[str, ...]  # wire keys into the request body to the cursor; () for a parameter
    page_start: int  # style "page": the number of the first page (pageStart, default 0)
    cursor_path: tuple[str, ...]  # style "cursor": wire keys from the response body to the next cursor
    params: tuple[Parameter, ...]  # the iterating method's keyword parameters: the operation's minus the position
    source: str = "declared"  # declared (x-pagination) | extension (x-speakeasy-/x-fern-pagination) | inferred
    keyed_on: tuple[str, ...] = ()  # what it was read from: the extension, or what inference matched
    next_url_path: tuple[str, ...] = ()  # style "next_url": wire keys from the response body to the next URL
    has_more_path: tuple[str, ...] = ()  # a boolean in the response body: false ends the walk
    item_id_path: tuple[str, ...] = ()  # style "last_id": wire keys from the last item to the next cursor
    total_path: tuple[str, ...] = ()  # the number of items of all pages, in the response body (ends the walk)
    total_header: str = ""  # or in this response header


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
    return_type: Annotation  # union of the success responses' types
    security: tuple[SecurityRequirement, ...]  # alternatives; empty means no auth
    unstable: str  # x-unstable note; "" when stable
    idempotent: bool  # safe to retry after a server error
    servers: tuple[Server, ...] = ()  # the operation's or its path item's `servers`; empty: the document's
    accept: str = "application/json"  # the `Accept` header: the media types the success responses declare
    event_stream: EventStream | None = None  # set when the success response is `text/event-stream`
    pagination: Pagination | None = None  # declared, from another extension, or inferred; None: not paged
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
    model_imports: tuple[str, ...]  # model classes its methods' signatures name, sorted
    typing_imports: tuple[str, ...]  # names from `typing` its annotations use, e.g. ("Any",)
    paginated: bool = False  # some operation has `pagination`: the module imports the page walker
    type_imports: tuple[str, ...] = ()  # import lines its parameter types need, e.g. "from uuid import UUID"


@dataclass(frozen=True)
class ErrorModel:
    """A model some operation declares as the body of an error status: `errors.<class_name>` types it."""

    model: str  # the model class, e.g. "Problem"
    class_name: str  # the error class whose `body` is the model, e.g. "ProblemError"
    statuses: tuple[str, ...]  # the statuses that declare it, in first-seen order, e.g. ("404", "4XX")


@dataclass(frozen=True)
class WebhookSignature:
    """How webhook deliveries are signed: an HMAC of the payload, in a header."""

    scheme: str  # standard (Standard Webhooks) | hmac (another HMAC scheme)
    header: str  # the header carrying the signatures, e.g. "webhook-signature"
    prefix: str  # before each signature, e.g. "v1," or "sha256="; "" when none
    encoding: str  # hex | base64
    payload: str  # what is signed: id.timestamp.body | timestamp.body | body
    timestamp_header: str  # the delivery's Unix time, checked against the tolerance; "" when none
    id_header: str  # standard: the message id (signed with the body); "" otherwise
    algorithm: str  # sha256 | sha1 | sha512
    tolerance: int  # seconds a timestamp may differ from now, either way
    secret_prefix: str  # standard: "whsec_" before the base64 key; "" (the secret's UTF-8 bytes are the key)
    source: str  # standard (nothing said) | config ([tool.clientsmith]) | extension (x-webhook-signature)


@dataclass(frozen=True)
class WebhookEvent:
    """One entry of the spec's `webhooks` (or `x-webhooks`): a request the API sends to its users."""

    name: str  # the key, e.g. "incident.created"
    method: str  # upper case, e.g. "POST"
    summary: str
    description: str
    type: Annotation  # of the payload, e.g. IncidentCreated; Any when it has no schema
    model: str  # the payload's model class; "" when the payload is not one
    discriminator_value: str  # the payload's value of Webhooks.discriminator; "" without one


@dataclass(frozen=True)
class Webhooks:
    source: str  # webhooks (OpenAPI 3.1) | x-webhooks
    events: tuple[WebhookEvent, ...]  # in spec order
    discriminator: str  # wire name of the property whose constant value tells the events apart; "" when none does
    signature: WebhookSignature
    model_imports: tuple[str, ...]  # model classes the events name, sorted
    payload_types: tuple[Annotation, ...] = ()  # the events' distinct payload types but Any, in spec order


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
    servers: tuple[Server, ...]  # in spec order; empty when the spec lists none
    security_schemes: tuple[SecurityScheme, ...]
    resources: tuple[Resource, ...]
    models: tuple[str, ...]  # every model class, in module order
    extensions: dict[str, Any] = field(default_factory=dict)  # the document's x-* keys
    webhooks: Webhooks | None = None  # the spec's webhooks; None when it has none
    error_models: tuple[ErrorModel, ...] = ()  # models declared as error bodies, each with its typed error class

    @property
    def operations(self) -> tuple[Operation, ...]:
        return tuple(op for resource in self.resources for op in resource.operations)


def to_json_data(api: Api) -> dict[str, Any]:
    """The IR as JSON data: each type as its annotation text."""
    return plain(asdict(api))


def plain(value: Any) -> Any:
    """JSON data for IR values (dataclasses, tuples, annotations)."""
    if hasattr(value, "__dataclass_fields__"):
        return plain(asdict(value))
    if isinstance(value, Annotation):
        return value.render()
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value
