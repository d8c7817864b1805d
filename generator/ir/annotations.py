"""Python type annotations as trees: a name (`Pet`, `None`), a generic (`list[Pet]`, `dict[str, Any]`), or a
union of members (`Pet | None`). Each renders its text, lists the names it uses and its union members, and
tells whether it accepts every value of another.

The schema typer builds them; an annotation kept as text (a surface in a manifest) is read back with
Python's own parser. A node equals its text, so templates written against the text (`op.return_type !=
"None"`, `op.return_type.startswith("list[")`) and `{{ op.return_type }}` read it as before.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from functools import lru_cache


class Annotation:
    __slots__ = ()

    def render(self) -> str:
        raise NotImplementedError

    def names(self) -> frozenset[str]:
        """Every name the annotation uses (`list[Alert] | None`: list, Alert, None): model names among them."""
        raise NotImplementedError

    @property
    def members(self) -> tuple[Annotation, ...]:
        """Its union's members; itself alone when it is no union."""
        return (self,)

    @property
    def nullable(self) -> bool:
        return NONE in self.members

    def without_none(self) -> Annotation:
        """The members that are not None (an empty union when None was all)."""
        rest = tuple(m for m in self.members if m != NONE)
        return rest[0] if len(rest) == 1 else Union(rest)

    def accepts(self, narrow: Annotation) -> bool:
        """Whether every value of `narrow` is a value of this one: `list[A | B]` accepts `list[A]`."""
        if ANY in self.members:
            return True
        return all(any(wide.accepts_member(member) for wide in self.members) for member in narrow.members)

    def accepts_member(self, narrow: Annotation) -> bool:
        return self == narrow

    def __str__(self) -> str:
        return self.render()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.render()!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (Annotation, str)):
            return self.render() == str(other)
        return NotImplemented

    def __hash__(self) -> int:  # as its text's, which it equals
        return hash(self.render())

    # Users' templates and code written when the IR held text keep working: `t.startswith("list[")`,
    # `"None" in t`, `t + " | None"` read the rendered text.
    def __getattr__(self, name: str) -> object:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.render(), name)

    def __contains__(self, text: str) -> bool:
        return text in self.render()

    def __len__(self) -> int:
        return len(self.render())

    def __add__(self, other: object) -> str:
        return self.render() + str(other)

    def __radd__(self, other: object) -> str:
        return str(other) + self.render()

    def __lt__(self, other: object) -> bool:
        return self.render() < str(other)


class Name(Annotation):
    """A class or builtin by its name: `Pet`, `str`, `Any`, `None`."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def render(self) -> str:
        return self.name

    def names(self) -> frozenset[str]:
        return frozenset({self.name})


class Generic(Annotation):
    """A subscripted type: `list[Pet]`, `dict[str, Any]`, `Literal['a']`."""

    __slots__ = ("origin", "args")

    def __init__(self, origin: str, args: tuple[Annotation, ...]) -> None:
        self.origin, self.args = origin, args

    def render(self) -> str:
        return f"{self.origin}[{', '.join(a.render() for a in self.args)}]"

    def names(self) -> frozenset[str]:
        return frozenset({self.origin}).union(*(a.names() for a in self.args))

    def accepts_member(self, narrow: Annotation) -> bool:
        """Containers compare by what they hold: the list's item, the `dict[str, ...]`'s value."""
        if isinstance(narrow, Generic) and narrow.origin == self.origin and len(narrow.args) == len(self.args):
            if self.origin == "list" and len(self.args) == 1:
                return self.args[0].accepts(narrow.args[0])
            if self.origin == "dict" and len(self.args) == 2 and self.args[0] == STR and narrow.args[0] == STR:
                return self.args[1].accepts(narrow.args[1])
        return self == narrow


class Union(Annotation):
    __slots__ = ("parts",)

    def __init__(self, parts: tuple[Annotation, ...]) -> None:
        self.parts = parts

    def render(self) -> str:
        return " | ".join(p.render() for p in self.parts)

    def names(self) -> frozenset[str]:
        return frozenset().union(*(p.names() for p in self.parts))

    @property
    def members(self) -> tuple[Annotation, ...]:
        return self.parts


class Source(Annotation):
    """What is no type but stands in one, written as the source has it: a `Literal`'s value, a call."""

    __slots__ = ("text", "used")

    def __init__(self, text: str, used: frozenset[str]) -> None:
        self.text, self.used = text, used

    def render(self) -> str:
        return self.text

    def names(self) -> frozenset[str]:
        return self.used


ANY, NONE, STR = Name("Any"), Name("None"), Name("str")
BYTES, JSON_OBJECT = Name("bytes"), Generic("dict", (STR, ANY))


def union_of(annotations: Iterable[Annotation]) -> Annotation:
    """The union of annotations as the IR writes it: members once each, in order, None last; Any absorbs
    the rest; no members at all is Any."""
    unique: list[Annotation] = []
    for annotation in annotations:
        unique.extend(m for m in annotation.members if m not in unique)
    if ANY in unique or not unique:
        return ANY
    if NONE in unique:  # None last reads best
        unique.remove(NONE)
        unique.append(NONE)
    return unique[0] if len(unique) == 1 else Union(tuple(unique))


def list_of(item: Annotation) -> Annotation:
    return Generic("list", (item,))


def dict_of(value: Annotation) -> Annotation:
    return Generic("dict", (STR, value))


@lru_cache(maxsize=4096)
def parse_annotation(text: str) -> Annotation:
    """The node of annotation text (as kept in a manifest); text that does not parse is one opaque member."""
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except SyntaxError:
        return Source(text.strip(), frozenset())
    return _node(tree, text.strip())


def _node(expr: ast.expr, text: str) -> Annotation:
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.BitOr):
        return Union(_node(expr.left, text).members + _node(expr.right, text).members)
    if isinstance(expr, ast.Name):
        return Name(expr.id)
    if isinstance(expr, ast.Constant) and expr.value is None:
        return NONE
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):  # a forward reference names its class
        return Source(_segment(expr, text), parse_annotation(expr.value).names())
    if isinstance(expr, ast.Subscript):
        items = expr.slice.elts if isinstance(expr.slice, ast.Tuple) else [expr.slice]
        return Generic(_segment(expr.value, text), tuple(_node(item, text) for item in items))
    return Source(_segment(expr, text), frozenset(n.id for n in ast.walk(expr) if isinstance(n, ast.Name)))


def _segment(expr: ast.expr, text: str) -> str:
    return ast.get_source_segment(text, expr) or ast.unparse(expr)
