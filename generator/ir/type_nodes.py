"""Parameter types as small nodes: each gives its Python annotation (an `Annotation` node), lists the
imports it needs and writes a value of itself as Python source (for the README's examples).

Parameters need more than the annotation: their formats (`date`, `date-time`, `uuid`) decide both the
annotation and the import, and their examples become values of their type.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from clientsmith.ir.annotations import NONE, Annotation, Name, Union, list_of
from clientsmith.ir.examples import python_literal


class TypeNode:
    """One Python type: its annotation, the `(module, name)` imports it needs, a value of it as source."""

    def annotation(self) -> Annotation:
        raise NotImplementedError

    def render(self) -> str:
        return self.annotation().render()

    def imports(self) -> frozenset[tuple[str, str]]:
        return frozenset()

    def literal(self, value: Any) -> str:
        """`value` (JSON data from the spec) as Python source of this type."""
        return python_literal(value)


@dataclass(frozen=True)
class Typed(TypeNode):
    """An annotation the schema typer wrote (models, enums, primitives, containers of them)."""

    node: Annotation

    def annotation(self) -> Annotation:
        return self.node


@dataclass(frozen=True)
class Format(TypeNode):
    """A string with a format Python has a type for: the value is made from its ISO / canonical text."""

    name: str  # date | datetime | UUID
    module: str  # datetime | uuid

    def annotation(self) -> Annotation:
        return Name(self.name)

    def imports(self) -> frozenset[tuple[str, str]]:
        return frozenset({(self.module, self.name)})

    def literal(self, value: Any) -> str:
        if self.name == "UUID":
            try:
                text = str(UUID(str(value)))
            except ValueError:  # an example that is no UUID: a valid one in its place
                text = str(UUID(int=1))
            return f'UUID("{text}")'
        parsed = _iso(value, self.name)
        if self.name == "date":  # date(2024, 1, 31) reads best
            day = date.fromisoformat(parsed)
            return f"date({day.year}, {day.month}, {day.day})"
        return f'{self.name}.fromisoformat("{parsed}")'


@dataclass(frozen=True)
class Named(TypeNode):
    """A model or enum class of the package: a value is made by calling it with the JSON value."""

    name: str
    is_enum: bool

    def annotation(self) -> Annotation:
        return Name(self.name)

    def literal(self, value: Any) -> str:
        if self.is_enum:
            return f"{self.name}({python_literal(value)})"
        return f"{self.name}.model_validate({python_literal(value)})"


@dataclass(frozen=True)
class ListOf(TypeNode):
    item: TypeNode

    def annotation(self) -> Annotation:
        return list_of(self.item.annotation())

    def imports(self) -> frozenset[tuple[str, str]]:
        return self.item.imports()

    def literal(self, value: Any) -> str:
        values = value if isinstance(value, list) else [value]
        return "[" + ", ".join(self.item.literal(v) for v in values) + "]"


@dataclass(frozen=True)
class Nullable(TypeNode):
    inner: TypeNode

    def annotation(self) -> Annotation:
        return Union(self.inner.annotation().members + (NONE,))

    def imports(self) -> frozenset[tuple[str, str]]:
        return self.inner.imports()

    def literal(self, value: Any) -> str:
        return "None" if value is None else self.inner.literal(value)


FORMATS = {
    "date": Format("date", "datetime"),
    "date-time": Format("datetime", "datetime"),
    "uuid": Format("UUID", "uuid"),
}


def _iso(value: Any, kind: str) -> str:
    """The ISO text of a date or date-time example (YAML may have read it as one already)."""
    if isinstance(value, datetime):
        return value.isoformat() if kind == "datetime" else value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat() if kind == "date" else datetime(value.year, value.month, value.day).isoformat() + "+00:00"
    text = str(value)
    try:
        if kind == "date":
            return date.fromisoformat(text).isoformat()
        return datetime.fromisoformat(text.replace("Z", "+00:00")).isoformat()
    except ValueError:  # an example that does not parse: a valid value in its place
        return "2024-01-01" if kind == "date" else "2024-01-01T00:00:00+00:00"


def imports_source(nodes: list[TypeNode]) -> tuple[str, ...]:
    """`from module import a, b` lines for what the nodes need, sorted (deterministic output)."""
    by_module: dict[str, set[str]] = {}
    for node in nodes:
        for module, name in node.imports():
            by_module.setdefault(module, set()).add(name)
    return tuple(f"from {module} import {', '.join(sorted(names))}" for module, names in sorted(by_module.items()))
