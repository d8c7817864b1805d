"""What a type checker makes of a models module's classes: their bases, fields and method resolution
order, and whether one field type is a subtype of another, judged from the AST alone."""

from __future__ import annotations

import ast
from typing import Any

from clientsmith.models.edit_buffer import EditBuffer

# Bases outside the module whose instances are also instances of these builtins (for mypy too).
_NOMINAL: dict[str, set[str]] = {
    "bool": {"int", "float"},
    "int": {"float"},
    "OpenEnum": {"str"},
    "OpenIntEnum": {"int", "float"},
    "OpenFloatEnum": {"float"},
    "IntEnum": {"int", "float"},
    "StrEnum": {"str"},
}
_ENUM_BASES = {"Enum", "IntEnum", "StrEnum", "OpenEnum", "OpenIntEnum", "OpenFloatEnum"}


class InconsistentHierarchy(Exception):
    """Bases no method resolution order can satisfy: Python would refuse the module."""


class ClassHierarchy:
    """The top-level classes of a models module and what can be said of their fields' types."""

    def __init__(self, buffer: EditBuffer) -> None:
        self.lines = buffer.lines
        self.classes = {n.name: n for n in buffer.tree.body if isinstance(n, ast.ClassDef)}
        self.position = {name: index for index, name in enumerate(self.classes)}
        self._mro: dict[str, list[str]] = {}
        self._supertypes: dict[str, set[str]] = {}
        self._fields: dict[str, dict[str, ast.AnnAssign]] = {}

    def bases(self, name: str) -> list[str]:
        return [ast.unparse(base) for base in self.classes[name].bases]

    def mro(self, name: str) -> list[str]:
        """C3 linearisation over the module's classes (bases from elsewhere left out)."""
        if name not in self._mro:
            local = [b for b in self.bases(name) if b in self.classes]
            self._mro[name] = [name] + _merge([self.mro(b) for b in local] + [local])
        return self._mro[name]

    def supertypes(self, name: str) -> set[str]:
        """Every name `name` is a (nominal) subtype of, builtins promoted as mypy promotes them."""
        if name not in self._supertypes:
            found = {name}
            pending = [name]
            while pending:
                current = pending.pop()
                parents = set(self.bases(current)) if current in self.classes else set()
                parents |= _NOMINAL.get(current, set())
                for parent in parents - found:
                    found.add(parent)
                    pending.append(parent)
            self._supertypes[name] = found
        return self._supertypes[name]

    def fields(self, name: str) -> dict[str, ast.AnnAssign]:
        if name not in self._fields:
            self._fields[name] = {s.target.id: s for s in self.classes[name].body
                                  if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)}
        return self._fields[name]

    def field_in_bases(self, name: str, field: str) -> list[ast.AnnAssign]:
        return [self.fields(base)[field] for base in self.mro(name)[1:] if field in self.fields(base)]

    def enum_members(self, name: str) -> dict[str, Any] | None:
        """Member name -> value of an enum class of the module whose values are all plain constants."""
        node = self.classes.get(name)
        if node is None or not self.supertypes(name) & _ENUM_BASES:
            return None
        members: dict[str, Any] = {}
        for statement in node.body:
            if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
                target, value = statement.targets[0], statement.value
                if not (isinstance(target, ast.Name) and isinstance(value, ast.Constant)):
                    return None
                members[target.id] = value.value
        return members

    def is_plain_enum(self, name: str) -> bool:
        """An enum that is not also a str/int/float, so no primitive field type accepts it."""
        return (self.enum_members(name) is not None and "Enum" in self.bases(name)
                and not self.supertypes(name) & {"str", "int", "float"})

    # mypy's judgement, conservatively: False whenever the AST alone does not settle it.
    def is_subtype(self, left: ast.expr, right: ast.expr) -> bool:
        return all(any(self._atom_subtype(x, y) for y in union_members(right)) for x in union_members(left))

    def is_equivalent(self, left: ast.expr, right: ast.expr) -> bool:
        return self.is_subtype(left, right) and self.is_subtype(right, left)

    def _atom_subtype(self, left: ast.expr, right: ast.expr) -> bool:
        if ast.dump(left) == ast.dump(right):
            return True
        if isinstance(right, ast.Name) and right.id in ("Any", "object") or isinstance(left, ast.Name) and left.id == "Any":
            return True
        if is_none(left) or is_none(right):
            return False
        if isinstance(left, ast.Name) and isinstance(right, ast.Name):
            return right.id in self.supertypes(left.id)
        values = _literal_values(left)
        if values is not None:
            right_values = _literal_values(right)
            if right_values is not None:
                return all(v in right_values for v in values)
            return isinstance(right, ast.Name) and all(right.id in self.supertypes(kind) for kind, _ in values)
        if isinstance(left, ast.Subscript) and isinstance(right, ast.Subscript) \
                and ast.dump(left.value) == ast.dump(right.value):
            left_args, right_args = type_arguments(left), type_arguments(right)
            return len(left_args) == len(right_args) and all(
                self.is_equivalent(a, b) for a, b in zip(left_args, right_args))
        return False

    def own_conflicts(self, name: str) -> list[str]:
        """Fields the class declares with a type that is not a subtype of one it inherits."""
        return [field for field, statement in self.fields(name).items()
                if any(not self.is_subtype(statement.annotation, inherited.annotation)
                       for inherited in self.field_in_bases(name, field))]

    def inherited_conflicts(self, name: str) -> list[str]:
        """Fields several bases define differently (mypy wants them equivalent), the class not redefining them."""
        if len(self.classes[name].bases) < 2:
            return []
        mro = self.mro(name)
        own = self.fields(name)
        clashing: list[str] = []
        for field in sorted({f for base in mro[1:] for f in self.fields(base)} - own.keys()):
            definers = [base for base in mro[1:] if field in self.fields(base)]
            first = definers[0]
            annotation = self.fields(first)[field].annotation
            if any(base not in self.mro(first) and not self.is_equivalent(annotation, self.fields(base)[field].annotation)
                   for base in definers[1:]):
                clashing.append(field)
        return clashing


def _merge(sequences: list[list[str]]) -> list[str]:
    sequences = [list(s) for s in sequences if s]
    result: list[str] = []
    while sequences:
        for sequence in sequences:
            head = sequence[0]
            if not any(head in other[1:] for other in sequences):
                break
        else:
            raise InconsistentHierarchy()
        result.append(head)
        sequences = [[x for x in s if x != head] for s in sequences]
        sequences = [s for s in sequences if s]
    return result


def _without_annotated(node: ast.expr) -> ast.expr:
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == "Annotated" \
            and isinstance(node.slice, ast.Tuple):
        return _without_annotated(node.slice.elts[0])
    return node


def union_members(node: ast.expr) -> list[ast.expr]:
    """The alternatives of a union annotation (`Annotated` metadata dropped)."""
    node = _without_annotated(node)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return union_members(node.left) + union_members(node.right)
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id in ("Union", "Optional"):
        found = [m for arg in type_arguments(node) for m in union_members(arg)]
        return found + ([ast.Constant(None)] if node.value.id == "Optional" else [])
    return [node]


def type_arguments(node: ast.Subscript) -> list[ast.expr]:
    return list(node.slice.elts) if isinstance(node.slice, ast.Tuple) else [node.slice]


def is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _literal_values(node: ast.expr) -> list[tuple[str, Any]] | None:
    """(type name, value) for each value of a `Literal[...]`, an enum member's type being its class."""
    if not (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == "Literal"):
        return None
    values: list[tuple[str, Any]] = []
    for item in type_arguments(node):
        if isinstance(item, ast.Constant):
            values.append((type(item.value).__name__, item.value))
        elif isinstance(item, ast.Attribute) and isinstance(item.value, ast.Name):
            values.append((item.value.id, item.attr))
        else:
            return None
    return values

