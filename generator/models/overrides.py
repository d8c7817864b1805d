"""Subclasses whose fields a type checker would reject as overrides of what they inherit, reshaped so it accepts them.

An `allOf` of a base and a part that redefines one of its properties becomes a subclass whose field has
a type unrelated to the inherited one: a boolean narrowed to `enum: [false]` becomes an `Enum` class, a
discriminator value a `Literal` string over an enum field, an extended inline object a second class
unrelated to the first. An `allOf` of parts that each define a property their own way becomes a class
with several bases that disagree. mypy refuses both, since a subclass instance would break its base's
promise. Each field keeps validating the same JSON; in order of preference:

- the overriding type is rewritten into a subtype: an `Enum` of plain values into a `Literal` of those
  values, a `Literal` of an enum's values into a `Literal` of its members;
- the class an extended object's field names is made a subclass of the one the base's field names, when
  it repeats that class's fields in order (so pydantic sees the same fields);
- otherwise the class is flattened: it inherits from the package's base model alone and declares every
  field pydantic would have collected from its ancestors, in pydantic's order, as that ancestor wrote it.
"""

from __future__ import annotations

import ast
from typing import Any

from clientsmith.source_lines import code_lines, parse_module

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


def reconcile_overrides(source: str) -> str:
    """The models module with every field override and every multiple-inheritance clash made type-safe."""
    try:
        module = _rewrite_overrides(_Module(source))
        # A flattened class no longer inherits what its old base gave its subclasses too: they may clash now.
        for _ in range(len(module.classes) + 1):
            flattened = _flatten_conflicting(module)
            if flattened == module.source:
                break
            module = _Module(flattened)
        return module.source
    except _InconsistentHierarchy:  # Python would refuse the module anyway; not this step's to report
        return source


class _InconsistentHierarchy(Exception):
    pass


class _Module:
    """The top-level classes of a models module and what can be said of their fields' types."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.tree = parse_module(source)
        self.lines = code_lines(source)
        self.classes = {n.name: n for n in self.tree.body if isinstance(n, ast.ClassDef)}
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
        return all(any(self._atom_subtype(x, y) for y in _members(right)) for x in _members(left))

    def is_equivalent(self, left: ast.expr, right: ast.expr) -> bool:
        return self.is_subtype(left, right) and self.is_subtype(right, left)

    def _atom_subtype(self, left: ast.expr, right: ast.expr) -> bool:
        if ast.dump(left) == ast.dump(right):
            return True
        if isinstance(right, ast.Name) and right.id in ("Any", "object") or isinstance(left, ast.Name) and left.id == "Any":
            return True
        if _is_none(left) or _is_none(right):
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
            left_args, right_args = _arguments(left), _arguments(right)
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
            raise _InconsistentHierarchy()
        result.append(head)
        sequences = [[x for x in s if x != head] for s in sequences]
        sequences = [s for s in sequences if s]
    return result


def _strip_annotated(node: ast.expr) -> ast.expr:
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == "Annotated" \
            and isinstance(node.slice, ast.Tuple):
        return _strip_annotated(node.slice.elts[0])
    return node


def _members(node: ast.expr) -> list[ast.expr]:
    """The alternatives of a union annotation (`Annotated` metadata dropped)."""
    node = _strip_annotated(node)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _members(node.left) + _members(node.right)
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id in ("Union", "Optional"):
        found = [m for arg in _arguments(node) for m in _members(arg)]
        return found + ([ast.Constant(None)] if node.value.id == "Optional" else [])
    return [node]


def _arguments(node: ast.Subscript) -> list[ast.expr]:
    return list(node.slice.elts) if isinstance(node.slice, ast.Tuple) else [node.slice]


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _literal_values(node: ast.expr) -> list[tuple[str, Any]] | None:
    """(type name, value) for each value of a `Literal[...]`, an enum member's type being its class."""
    if not (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == "Literal"):
        return None
    values: list[tuple[str, Any]] = []
    for item in _arguments(node):
        if isinstance(item, ast.Constant):
            values.append((type(item.value).__name__, item.value))
        elif isinstance(item, ast.Attribute) and isinstance(item.value, ast.Name):
            values.append((item.value.id, item.attr))
        else:
            return None
    return values


# --- rewriting an override into a subtype -------------------------------------------------------------

def _rewrite_overrides(module: _Module) -> _Module:
    edits: list[tuple[int, int, list[str]]] = []
    rebases: dict[str, str] = {}
    literal_used = False
    for name in module.classes:
        for field in module.own_conflicts(name):
            statement = module.fields(name)[field]
            inherited = module.field_in_bases(name, field)
            rewritten = _as_subtype(module, statement, inherited)
            if rewritten is not None:
                edits.append((statement.lineno, statement.end_lineno or statement.lineno,
                              ["    " + ast.unparse(rewritten) + "\n"]))
                literal_used = True
                continue
            rebase = _extended_object(module, statement, inherited)
            if rebase is not None:
                rebases.setdefault(*rebase)
    for child, parent in rebases.items():
        node = module.classes[child]
        edits.append((node.lineno, node.lineno, [f"class {child}({parent}):\n"]))
    if not edits:
        return module
    lines = list(module.lines)
    for start, end, replacement in sorted(edits, reverse=True):
        lines[start - 1 : end] = replacement
    result = "".join(lines)
    return _Module(_import_literal(result) if literal_used else result)


def _as_subtype(module: _Module, statement: ast.AnnAssign, inherited: list[ast.AnnAssign]) -> ast.AnnAssign | None:
    """The field statement with its type made a `Literal` every inherited type accepts, if there is one."""
    renamed: dict[str, Any] = {}  # `Enum.MEMBER` default -> the literal it now is
    literals: list[ast.expr] = []
    others: list[ast.expr] = []
    for member in _members(statement.annotation):
        constants = _literal_constants(member)
        if isinstance(member, ast.Name) and module.is_plain_enum(member.id):
            for key, value in (module.enum_members(member.id) or {}).items():
                renamed[f"{member.id}.{key}"] = value
                literals.append(ast.Constant(value))
        elif constants is not None:
            members = _enum_members_for(module, constants, inherited)
            literals.extend(members if members is not None else [ast.Constant(v) for v in constants])
        else:
            others.append(member)
    if not renamed and not any(isinstance(literal, ast.Attribute) for literal in literals):
        return None  # nothing to rewrite
    unique: list[ast.expr] = []
    for literal in literals:
        if all(ast.dump(literal) != ast.dump(seen) for seen in unique):
            unique.append(literal)
    union: ast.expr = ast.Subscript(ast.Name("Literal"), unique[0] if len(unique) == 1 else ast.Tuple(unique))
    for other in others:
        union = ast.BinOp(union, ast.BitOr(), other)
    annotation = _with_union(statement.annotation, union)
    if not all(module.is_subtype(annotation, base.annotation) for base in inherited):
        return None
    value = statement.value
    if value is not None and ast.unparse(value) in renamed:
        value = ast.Constant(renamed[ast.unparse(value)])
    return ast.AnnAssign(target=statement.target, annotation=annotation, value=value, simple=1)


def _literal_constants(node: ast.expr) -> list[Any] | None:
    """The values of a `Literal[...]` of plain constants."""
    if not (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == "Literal"):
        return None
    items = _arguments(node)
    return [item.value for item in items if isinstance(item, ast.Constant)] if all(
        isinstance(item, ast.Constant) for item in items) else None


def _enum_members_for(module: _Module, values: list[Any], inherited: list[ast.AnnAssign]) -> list[ast.expr] | None:
    """`Enum.MEMBER` for each value, from the first enum an inherited type names that has them all."""
    for base in inherited:
        for member in _members(base.annotation):
            enum = module.enum_members(member.id) if isinstance(member, ast.Name) else None
            if enum is None or not isinstance(member, ast.Name):
                continue
            by_value = {(type(v), v): key for key, v in reversed(enum.items())}
            if all((type(v), v) in by_value for v in values):
                return [ast.Attribute(ast.Name(member.id), by_value[(type(v), v)]) for v in values]
    return None


def _with_union(annotation: ast.expr, union: ast.expr) -> ast.expr:
    """The annotation with its type (inside `Annotated`, if there) replaced."""
    if isinstance(annotation, ast.Subscript) and isinstance(annotation.value, ast.Name) \
            and annotation.value.id == "Annotated" and isinstance(annotation.slice, ast.Tuple):
        return ast.Subscript(annotation.value, ast.Tuple([_with_union(annotation.slice.elts[0], union),
                                                          *annotation.slice.elts[1:]]))
    return union


def _extended_object(module: _Module, statement: ast.AnnAssign,
                     inherited: list[ast.AnnAssign]) -> tuple[str, str] | None:
    """(class, new base) when the field's model repeats the inherited field's model's fields and adds some:
    made its subclass, it is one for mypy and pydantic still sees the same fields in the same order."""
    if len(inherited) != 1:
        return None
    mine = [m for m in _members(statement.annotation) if not _is_none(m)]
    theirs = [m for m in _members(inherited[0].annotation) if not _is_none(m)]
    if _is_none_in(statement.annotation) and not _is_none_in(inherited[0].annotation):
        return None
    if len(mine) != 1 or len(theirs) != 1 or not isinstance(mine[0], ast.Name) or not isinstance(theirs[0], ast.Name):
        return None
    child, parent = mine[0].id, theirs[0].id
    if child not in module.classes or parent not in module.classes or module.position[parent] > module.position[child]:
        return None
    if module.bases(child) != module.bases(parent) or any(b in module.classes for b in module.bases(child)):
        return None
    if not (_fields_only(module.classes[child]) and _fields_only(module.classes[parent])):
        return None
    child_fields, parent_fields = module.fields(child), module.fields(parent)
    if list(child_fields)[: len(parent_fields)] != list(parent_fields):
        return None
    if not all(module.is_subtype(child_fields[f].annotation, parent_fields[f].annotation) for f in parent_fields):
        return None
    return child, parent


def _is_none_in(annotation: ast.expr) -> bool:
    return any(_is_none(m) for m in _members(annotation))


def _fields_only(node: ast.ClassDef) -> bool:
    """Only fields and their descriptions: nothing (a config, a validator) inheritance would merge."""
    return all(isinstance(s, (ast.AnnAssign, ast.Pass)) or (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))
               for s in node.body)


def _import_literal(source: str) -> str:
    tree = parse_module(source)
    lines = code_lines(source)
    after = 0
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module == "typing":
            names = [alias.name for alias in node.names]
            if "Literal" in names:
                return source
            lines[node.lineno - 1 : node.end_lineno] = (
                [f"from typing import {', '.join(sorted(names + ['Literal']))}\n"] + [""] * ((node.end_lineno or node.lineno) - node.lineno))
            return "".join(lines)
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            after = node.end_lineno or node.lineno
    lines.insert(after, "from typing import Literal\n")
    return "".join(lines)


# --- flattening what cannot be reconciled --------------------------------------------------------------

def _flatten_conflicting(module: _Module) -> str:
    edits: list[tuple[int, int, list[str]]] = []
    for name, node in module.classes.items():
        if not (module.own_conflicts(name) or module.inherited_conflicts(name)):
            continue
        flat = _flattened(module, name)
        if flat is not None:
            edits.append((node.lineno, node.end_lineno or node.lineno, flat))
    if not edits:
        return module.source
    lines = list(module.lines)
    for start, end, replacement in sorted(edits, reverse=True):
        lines[start - 1 : end] = replacement
    return "".join(lines)


def _flattened(module: _Module, name: str) -> list[str] | None:
    """The class's lines with its fields collected as pydantic collects them, on the base model alone."""
    mro = module.mro(name)
    node = module.classes[name]
    roots = {b for cls in mro for b in module.bases(cls) if b not in module.classes}
    if len(roots) != 1 or not all(_fields_only(module.classes[cls]) for cls in mro[1:]) or node.decorator_list:
        return None
    order: list[str] = []  # pydantic: first seen from the most basic class, defined by the most derived
    for cls in reversed(mro):
        order += [field for field in module.fields(cls) if field not in order]
    body: list[str] = []
    kept = [s for s in node.body if not isinstance(s, (ast.AnnAssign, ast.Pass)) and not _describes_field(node, s)]
    for statement in kept:
        body += _segment(module.lines, statement)
    for field in order:
        owner = next(cls for cls in mro if field in module.fields(cls))
        body += _field_segment(module, module.classes[owner], module.fields(owner)[field])
    return [f"class {name}({roots.pop()}):\n"] + (body or ["    pass\n"])


def _describes_field(node: ast.ClassDef, statement: ast.stmt) -> bool:
    index = node.body.index(statement)
    return index > 0 and isinstance(node.body[index - 1], ast.AnnAssign) and isinstance(statement, ast.Expr)


def _field_segment(module: _Module, owner: ast.ClassDef, statement: ast.AnnAssign) -> list[str]:
    """The field's lines and, when its class writes one under it, its description."""
    lines = _segment(module.lines, statement)
    index = owner.body.index(statement)
    following = owner.body[index + 1] if index + 1 < len(owner.body) else None
    if isinstance(following, ast.Expr) and isinstance(following.value, ast.Constant) \
            and isinstance(following.value.value, str):
        lines += _segment(module.lines, following)
    return lines


def _segment(lines: list[str], statement: ast.stmt) -> list[str]:
    """The statement's lines, each ending its line (the module's last one may not: it moves here)."""
    return [line if line.endswith(("\n", "\r")) else line + "\n"
            for line in lines[statement.lineno - 1 : statement.end_lineno]]
