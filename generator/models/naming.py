"""Class names users see for schemas nested in others, derived from their owner schema and where they sit.

datamodel-code-generator names a schema nested in an `allOf` part, or one reached by a `$ref` into
another schema (`#/components/schemas/Tag/allOf/0`), as if it stood alone: `Type53`, `Datum3`, `Field0`.
Such a class here takes its owner's name (the outermost schema that has a class) and the path from the
owner to it: `ElisionTokenFilterType`, `TagAllOf0`; so do members it named after their owner twice
(`ChoiceChoice1` becomes `ChoiceOneOf1`). A top-level schema numbered only because a nested one took its
name first (`Model4`) gets its own name back. Classes already prefixed with their owner's name keep their
names.
"""

from __future__ import annotations

import ast
import builtins
import keyword
import re
from collections.abc import Iterable


_COMBINATORS = {"allOf": "AllOf", "oneOf": "OneOf", "anyOf": "AnyOf"}
_STEPS = {"items": "Item", "additionalProperties": "Value", "schema": ""}
_COMPONENT_KINDS = {"responses": "Response", "requestBodies": "Body", "parameters": "Parameter", "headers": "Header"}
# Names a class must not take: the module imports them, or they would shadow what Python or the
# package's own base module provide.
_RESERVED = set(dir(builtins)) | set(keyword.kwlist) | {
    "Annotated", "Any", "ApiModel", "AwareDatetime", "ChosenBy", "ConfigDict", "Enum", "Field", "FileInput", "IntEnum",
    "Literal", "OpenEnum", "OpenFloatEnum", "OpenIntEnum", "RootModel", "TypeAliasType",
}


# The generated package's own public names (its base model, clients, responses, errors): a schema named
# like one gets `<Name>Schema`, so `from pkg.models import ClientSchema` and `from pkg import Client`
# read apart, and the typed error classes can name the model. `Error`, the name of countless specs'
# error schema, keeps its name: the runtime's is only ever `errors.Error`.
RUNTIME_NAMES = frozenset({
    "ApiModel", "Client", "AsyncClient", "ApiResponse", "StreamedResponse", "AsyncStreamedResponse", "Stream",
    "AsyncStream", "ServerSentEvent", "ClientCredentials", "AsyncClientCredentials", "Middleware",
    "AsyncMiddleware", "CallInfo", "Pager", "AsyncPager", "ApiError", "BadRequestError",
    "AuthenticationError", "PermissionDeniedError", "NotFoundError", "ConflictError", "UnprocessableEntityError",
    "RateLimitError", "ServerError", "ApiConnectionError", "ApiTimeoutError", "ResponseValidationError",
    "RequestValidationError", "UnstableOperationError", "MissingCredentialsError",
})
RUNTIME_NAME_SUFFIX = "Schema"


def _runtime_clash(pointer: str, name: str) -> str | None:
    """The runtime name a top-level schema's class takes, as named or as datamodel-code-generator
    suffixed it to keep clear of its base class (`ApiModelModel`)."""
    tokens = pointer.split("/")
    if len(tokens) != 4 or tokens[1:3] != ["components", "schemas"]:
        return None
    if name in RUNTIME_NAMES:
        return name
    if name.endswith("Model") and name[: -len("Model")] in RUNTIME_NAMES:
        return name[: -len("Model")]
    return None


def readable_names(tree: ast.Module, pointers: list[tuple[str, str]]) -> dict[str, str]:
    """The new name of each class of a nested schema (and of a top-level one numbered for it), given the
    module's syntax tree and `pointers` ((schema pointer, class) in datamodel-code-generator's order)."""
    class_at: dict[str, str] = {}
    for pointer, name in pointers:
        class_at.setdefault(pointer, name)
    reserved = _RESERVED | _imported_names(tree)
    base_of = {pointer: _base(pointer, name, class_at) for pointer, name in pointers}

    def prefixed(name: str, owner: str) -> bool:
        return name.startswith(owner) and not name[len(owner):].isdigit() and name != owner

    generic: set[str] = set()  # nested classes named as if they stood alone, or after their owner twice
    for pointer, name in pointers:
        base = base_of[pointer]
        if base is not None and (not prefixed(name, base[1]) or name.startswith(base[1] * 2)):
            generic.add(name)
    taken = {name for _, name in pointers} - generic
    renames: dict[str, str] = {}
    for pointer, name in pointers:  # top-level schemas numbered for a name a nested class held
        own = _reclaimed(pointer, name)
        if own and own not in taken and own not in reserved and name not in renames and name not in generic:
            renames[name] = own
            taken = (taken - {name}) | {own}
    for pointer, name in pointers:  # top-level schemas named like the runtime's own classes
        clash = _runtime_clash(pointer, name)
        if clash and name not in renames:
            renames[name] = _unique(clash + RUNTIME_NAME_SUFFIX, taken | reserved)
            taken = (taken - {name}) | {renames[name]}
    for pointer, name in pointers:
        base = base_of[pointer]
        if base is None or name in renames:
            continue
        owner, old_owner = base
        new_owner = renames.get(old_owner, old_owner)
        if name in generic:
            wanted = new_owner + _suffix(pointer[len(owner):])
        elif new_owner != old_owner and prefixed(name, old_owner):
            wanted = new_owner + name[len(old_owner):]
        else:
            continue
        new = _unique(wanted, taken | reserved)
        if name != new:
            taken = (taken - {name}) | {new}
            renames[name] = new
    return renames


def _base(pointer: str, name: str, class_at: dict[str, str]) -> tuple[str, str] | None:
    """The schema a nested one is named after, and its class name: the outermost schema above it that has
    a class; else the response, body, parameter or header component holding it (`NotFoundResponse`); for
    a top-level schema without a class of its own (its root was folded into its users), the name
    datamodel-code-generator doubled in front of its members' (`ChoiceChoice1`)."""
    tokens = pointer.split("/")
    for end in range(2, len(tokens)):
        candidate = "/".join(tokens[:end])
        if candidate in class_at:
            return candidate, class_at[candidate]
    if len(tokens) > 4 and tokens[1] == "components" and tokens[2] in _COMPONENT_KINDS:
        # a schema inside a response, body, parameter or header component: named after that component
        key = _camel(tokens[3].replace("~1", "/").replace("~0", "~"))
        kind = _COMPONENT_KINDS[tokens[2]]
        return "/".join(tokens[:4]), key if key.lower().endswith(kind.lower()) else key + kind
    if len(tokens) > 4 and tokens[1:3] == ["components", "schemas"]:
        key = re.sub(r"[^0-9a-z]", "", tokens[3].lower())
        for size in range(1, len(name) // 2 + 1):
            if name[:size] == name[size : 2 * size] and name[:size].lower() == key:
                return "/".join(tokens[:4]), name[:size]
    return None


def _suffix(tail: str) -> str:
    """The path from an owner to a nested schema as a name: its property names, `Item` for array items,
    `Value` for map values, and the combinator and position only where nothing more specific follows."""
    tokens = [t.replace("~1", "/").replace("~0", "~") for t in tail.strip("/").split("/")]
    parts: list[str] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token == "properties" and index + 1 < len(tokens):
            parts.append(_camel(tokens[index + 1]))
            index += 2
        elif token == "content" and index + 1 < len(tokens):  # the media type adds nothing a user needs
            index += 2
        elif token in _COMBINATORS and index + 1 < len(tokens):
            if index + 2 >= len(tokens):  # the schema is the part itself: its position is its name
                parts.append(_COMBINATORS[token] + tokens[index + 1])
            index += 2
        else:
            parts.append(_STEPS.get(token, _camel(token)))
            index += 1
    return "".join(parts)


def _camel(text: str) -> str:
    return "".join(word[:1].upper() + word[1:] for word in re.split(r"[^0-9A-Za-z]+", text) if word)


def _reclaimed(pointer: str, name: str) -> str | None:
    """A top-level schema's class name without the number datamodel-code-generator added to it."""
    tokens = pointer.split("/")
    if len(tokens) != 4 or tokens[1:3] != ["components", "schemas"]:
        return None
    digits = re.search(r"[0-9]+$", name)
    if digits is None or tokens[3].endswith(digits.group()) or not name[: digits.start()]:
        return None
    return name[: digits.start()]


def _unique(name: str, taken: Iterable[str]) -> str:
    used = set(taken)
    if name not in used:
        return name
    joint = "_" if name[-1:].isdigit() else ""  # TagAllOf1_2, not TagAllOf12
    number = 1 if not joint else 2
    while f"{name}{joint}{number}" in used:
        number += 1
    return f"{name}{joint}{number}"


def _imported_names(tree: ast.Module) -> set[str]:
    return {alias.asname or alias.name for node in tree.body if isinstance(node, ast.ImportFrom)
            for alias in node.names}
