"""The spec's own examples as Python literals, for the README's example calls."""

from __future__ import annotations

import json
import math
from typing import Any

from clientsmith.spec.resolve import Resolver

# A literal that fits goes on one line; past this it is laid out one item a line, as black would.
ONE_LINE = 72


def python_literal(value: Any, indent: int = 0) -> str:
    """A Python literal for a JSON value: double-quoted strings, True/False/None, trailing commas when split."""
    flat = _flat(value)
    if len(flat) + indent <= ONE_LINE or not isinstance(value, (dict, list)) or not value:
        return flat
    pad = " " * (indent + 4)
    if isinstance(value, dict):
        items = [f"{pad}{_flat(str(k))}: {python_literal(v, indent + 4)}," for k, v in value.items()]
        return "{\n" + "\n".join(items) + "\n" + " " * indent + "}"
    items = [f"{pad}{python_literal(v, indent + 4)}," for v in value]
    return "[\n" + "\n".join(items) + "\n" + " " * indent + "]"


def _flat(value: Any) -> str:
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a valid Python str literal
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, float) and not math.isfinite(value):
        return f'float("{value}")'
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_flat(str(k))}: {_flat(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_flat(v) for v in value) + "]"
    if hasattr(value, "isoformat"):  # an unquoted YAML date or timestamp: the ISO text JSON would carry
        return _flat(value.isoformat())
    return _flat(str(value))


_NONE = object()


def example_value(resolver: Resolver, holder: dict[str, Any], schema: Any) -> Any:
    """The first example the spec gives: `example`, then `examples` (by name), then the schema's; or _NONE."""
    if "example" in holder:
        return holder["example"]
    examples = holder.get("examples")
    if isinstance(examples, dict):
        for example in examples.values():
            example = resolver.deref(example)
            if isinstance(example, dict) and "value" in example:
                return example["value"]
    schema = resolver.deref(schema) if schema is not None else None
    if isinstance(schema, dict):
        if "example" in schema:
            return schema["example"]
        if isinstance(schema.get("examples"), list) and schema["examples"]:
            return schema["examples"][0]
    return _NONE


def example_literal(resolver: Resolver, holder: dict[str, Any], schema: Any) -> str:
    """`example_value` as a Python literal; "" when the spec gives none."""
    value = example_value(resolver, holder, schema)
    return "" if value is _NONE else python_literal(value)
