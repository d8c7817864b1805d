"""Python names from spec names: deterministic, valid, never a keyword, unique where asked."""

from __future__ import annotations

import builtins
import keyword
import re
import sys
import unicodedata
from typing import Any

_ACRONYM_BOUNDARY = re.compile(r"([A-Z]+)([A-Z][a-z])")
_CAMEL_BOUNDARY = re.compile(r"([a-z0-9])([A-Z])")
_NON_WORD = re.compile(r"[^0-9a-zA-Z]+")

# Names a generated method or argument must not take: they would shadow what the class relies on.
RESERVED_ARGUMENTS = frozenset({"self", "body", "timeout", "max_retries", "extra_headers", "extra_query", "strict"})


def _ascii_words(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return text


def snake_case(text: str) -> str:
    """`CreateIncident` -> `create_incident`, `updateIncidentUsingPUT` -> `update_incident_using_put`."""
    text = _ascii_words(text)
    text = _ACRONYM_BOUNDARY.sub(r"\1_\2", text)
    text = _CAMEL_BOUNDARY.sub(r"\1_\2", text)
    text = _NON_WORD.sub("_", text).strip("_").lower()
    return re.sub(r"_+", "_", text)


def pascal_case(text: str) -> str:
    """`work item attachments` -> `WorkItemAttachments`."""
    return "".join(part[:1].upper() + part[1:] for part in snake_case(text).split("_") if part)


_BUILTINS = frozenset(name for name in dir(builtins) if not name.startswith("_"))


# Comparison operators some APIs put in parameter names (`StartTime<`, `created[gte]` is already words):
# spelled out, so `StartTime<` and `StartTime>` become `start_time_lt` and `start_time_gt`, not `_2`/`_3`.
_OPERATORS = ((">=", " gte "), ("<=", " lte "), ("!=", " ne "), (">", " gt "), ("<", " lt "), ("=", " eq "))


def parameter_identifier(name: str) -> str:
    """The argument name of a parameter: operators in its wire name read as words."""
    for operator, word in _OPERATORS:
        name = name.replace(operator, word)
    return identifier(name, "param")


def identifier(text: str, fallback: str = "value") -> str:
    """A valid snake_case Python identifier for `text`; keywords and builtins get a trailing underscore."""
    name = snake_case(text) or fallback
    if name[0].isdigit():
        name = f"{fallback}_{name}"
    if keyword.iskeyword(name) or keyword.issoftkeyword(name) or name in _BUILTINS or name in RESERVED_ARGUMENTS:
        name += "_"
    return name


def operation_id(operation: dict[str, Any], method: str, path: str) -> str:
    """The operation's operationId, else `<method>_<path>`: the IR names the method after it and the models
    of its inline schemas are named after it too, so both must use this one."""
    given = operation.get("operationId")
    return given if isinstance(given, str) and given else f"{method}_{path}"


def class_name(text: str, fallback: str = "Resource") -> str:
    name = pascal_case(text) or fallback
    if name[0].isdigit():
        name = f"{fallback}{name}"
    return name


def unique(name: str, taken: set[str]) -> str:
    """`name`, or `name_2`, `name_3`, ... whichever is free first; records the choice in `taken`."""
    candidate, n = name, 2
    while candidate in taken:
        candidate = f"{name}_{n}"
        n += 1
    taken.add(candidate)
    return candidate


def package_name_problem(name: str) -> str | None:
    """Why `name` cannot be a generated package's import name, or None when it can."""
    if not name.isidentifier():
        return "is not a Python identifier"
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        return "is a Python keyword: `import` cannot name it"
    top = name.split(".")[0]
    if top in sys.stdlib_module_names or top in sys.builtin_module_names:
        return "is a standard-library module: the package would shadow it (or be shadowed by it)"
    return None
