"""Options of datamodel-code-generator written into a spec's schemas, which a client generator does not
honour: each names a Python module of that tool's user's project (a field's type, a base class), and a
generated package, depending on httpx and pydantic alone, cannot import it. The models stage drops them
(models/prepare.py); validation says where, as warnings, so the user knows the field keeps its schema's
type and the class the package's own base."""

from __future__ import annotations

from typing import Any

from clientsmith.problems import WARNING, Problem, escape_pointer_token

# keyword -> what it would have done
GENERATOR_ONLY_KEYWORDS = {
    "customTypePath": "the field's type",
    "customBasePath": "the model's base class",
    "x-python-type": "the field's type",
    "x-python-import": "an import for the field's type",
}


def is_generator_option(keyword: str, value: Any) -> bool:
    """A keyword of GENERATOR_ONLY_KEYWORDS holding what that tool takes (a module path, or an import)."""
    return keyword in GENERATOR_ONLY_KEYWORDS and (
        isinstance(value, (str, list)) or keyword == "x-python-import" and isinstance(value, dict))


def generator_option_pointers(document: dict[str, Any]) -> list[tuple[str, str]]:
    """(JSON pointer, keyword) of every such option, in document order; walked without recursion, each
    shared node once (YAML anchors)."""
    found: list[tuple[str, str]] = []
    seen: set[int] = set()
    stack: list[tuple[str, Any]] = [("", document)]
    while stack:
        ptr, node = stack.pop()
        if not isinstance(node, (dict, list)) or id(node) in seen:
            continue
        seen.add(id(node))
        items = list(node.items()) if isinstance(node, dict) else list(enumerate(node))
        for key, value in items:
            if isinstance(node, dict) and isinstance(key, str) and is_generator_option(key, value):
                found.append((f"{ptr}/{escape_pointer_token(key)}", key))
        stack.extend((f"{ptr}/{escape_pointer_token(str(key))}", value) for key, value in reversed(items))
    return found


def generator_option_warnings(spec: Any) -> list[Problem]:
    """One located warning per option: it is ignored, and what it would have named is the spec's own."""
    return [spec.problem(ptr, f"`{keyword}` is an option of datamodel-code-generator naming a module of its "
                              f"user's project ({GENERATOR_ONLY_KEYWORDS[keyword]}); ignored: a generated client "
                              "imports nothing beyond httpx and pydantic", WARNING)
            for ptr, keyword in generator_option_pointers(spec.document)]
