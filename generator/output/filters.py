"""Jinja filters: how spec strings become safe Python source. Every template filter lives here."""

from __future__ import annotations

import json
import re
import textwrap
from typing import Any

# Control characters other than tab and newline cannot stand raw in source (NUL) or read badly: escape them.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _escape_controls(text: str) -> str:
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def pyrepr(value: Any) -> str:
    """A Python literal for a JSON-like value: strings escaped, never code."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a valid Python str literal, double-quoted
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        inner = ", ".join(pyrepr(v) for v in value)
        return f"({inner},)" if isinstance(value, tuple) and len(value) == 1 else (
            f"({inner})" if isinstance(value, tuple) else f"[{inner}]")
    if isinstance(value, dict):
        return "{" + ", ".join(f"{pyrepr(str(k))}: {pyrepr(v)}" for k, v in value.items()) + "}"
    return pyrepr(str(value))


def docstring_text(value: str) -> str:
    """Text that is safe between triple quotes: backslashes and quote runs cannot end the string."""
    text = value.replace("\\", "\\\\").replace('"""', '\\"\\"\\"').replace("\r\n", "\n").replace("\r", "\n")
    text = _escape_controls(text)
    text = "\n".join(line.rstrip() for line in text.strip().split("\n"))
    if text.endswith('"'):
        text += " "
    return text


def docstring(value: str, indent: int = 0) -> str:
    """A complete docstring literal, indented for its place."""
    text = docstring_text(value) if value else ""
    pad = " " * indent
    if "\n" not in text:
        return f'"""{text}"""'
    return '"""' + textwrap.indent(text, pad).lstrip(" ") + "\n" + pad + '"""'


def comment(value: str) -> str:
    """One line of a `#` comment: newlines cannot start code."""
    return _escape_controls(" ".join(str(value).split()))


def markdown_code(value: str) -> str:
    """Inline code in Markdown that a backtick in the value cannot close."""
    text = comment(value)
    fence = "``" if "`" in text else "`"
    return f"{fence}{text}{fence}" if fence == "`" else f"{fence} {text} {fence}"


def markdown_cell(value: str) -> str:
    """Text for one cell of a Markdown table: one line, and a `|` (as in `A | None`) cannot end the cell."""
    return comment(value).replace("|", "\\|")


# The exception the generated client raises per status (templates/package/errors.py.jinja maps the same).
_STATUS_ERRORS = {"400": "BadRequestError", "401": "AuthenticationError", "403": "PermissionDeniedError",
                  "404": "NotFoundError", "409": "ConflictError", "422": "UnprocessableEntityError",
                  "429": "RateLimitError"}


def error_class(status: str) -> str:
    """The `errors` class raised for a response status of the spec ("404", "5XX", "default")."""
    status = str(status)
    if status[:1] == "5":
        return "ServerError"
    return _STATUS_ERRORS.get(status, "ApiError")


def indent_lines(value: str, width: int = 4) -> str:
    return textwrap.indent(value, " " * width)


def paging_summary(pagination: Any) -> str:
    """How a paged method finds its next page, in a phrase for docstrings and the README."""
    pg = pagination
    position = f"`{pg.position_param or '.'.join(pg.position_body_path)}`"
    style = {
        "offset": f"offset ({position} grows by the page size)",
        "page": f"page number ({position})",
        "cursor": f"cursor ({position} from `{'.'.join(pg.cursor_path)}` of each page)",
        "last_id": f"the last item's id ({position} from its `{'.'.join(pg.item_id_path)}`)",
        "next_url": f"next-page URL (`{'.'.join(pg.next_url_path)}` of each page)",
        "link_header": 'next-page URL (the `Link` header\'s `rel="next"`)',
    }[pg.style]
    source = {"declared": "x-pagination", "extension": ", ".join(pg.keyed_on), "inferred": "inferred"}[pg.source]
    return f"{style}, {source}"


FILTERS = {
    "paging_summary": paging_summary,
    "pyrepr": pyrepr,
    "docstring": docstring,
    "docstring_text": docstring_text,
    "comment": comment,
    "markdown_code": markdown_code,
    "indent_lines": indent_lines,
    "markdown_cell": markdown_cell,
    "error_class": error_class,
}
