"""What a paging declaration or inference says, before it is checked against the operation.

Every source (Datadog's `x-pagination`, `x-speakeasy-pagination`, `x-fern-pagination`, inference) is read
into one `PagingDescription`; `pagination.py` then resolves its parameters and types its items.
"""

from __future__ import annotations

from dataclasses import dataclass, field

DECLARED, EXTENSION, INFERRED = "declared", "extension", "inferred"
STYLES = ("offset", "page", "cursor", "last_id", "next_url", "link_header")
POSITIONED = ("offset", "page", "cursor", "last_id")  # styles that send a position argument
BODY = "body."  # a target `body.a.b` is keys into the JSON request body


@dataclass(frozen=True)
class Where:
    """Where a part of the declaration stands, for error messages: its pointer and the key's name."""

    pointer: str
    label: str


@dataclass(frozen=True)
class PagingDescription:
    style: str  # one of STYLES
    results_path: tuple[str, ...]  # (): the response body is the list
    source: str
    keyed_on: tuple[str, ...]
    at: Where  # the declaration (or the operation, when inferred)
    limit: str = ""  # wire name of the page-size parameter, or `body.a.b`
    position: str = ""  # wire name of the offset / page / cursor parameter, or `body.a.b`
    page_start: int | None = None  # style page: None takes the page parameter's default, else 1
    cursor_path: tuple[str, ...] = ()
    next_url_path: tuple[str, ...] = ()
    has_more_path: tuple[str, ...] = ()
    item_id_path: tuple[str, ...] = ()
    total_path: tuple[str, ...] = ()
    total_header: str = ""
    where: dict[str, Where] = field(default_factory=dict)  # "limit", "position", "results" -> where declared
