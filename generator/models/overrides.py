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

from clientsmith.models.class_hierarchy import (
    ClassHierarchy,
    InconsistentHierarchy,
    is_none,
    type_arguments,
    union_members,
)
from clientsmith.models.edit_buffer import EditBuffer
from clientsmith.models.module_imports import import_names


def reconcile_overrides(buffer: EditBuffer) -> None:
    """Make every field override and every multiple-inheritance clash of the module type-safe."""
    before = buffer.source
    try:
        module = ClassHierarchy(buffer)
        _rewrite_overrides(module, buffer)
        if buffer.apply():
            module = ClassHierarchy(buffer)
        # A flattened class no longer inherits what its old base gave its subclasses too: they may clash now.
        for _ in range(len(module.classes) + 1):
            _flatten_conflicting(module, buffer)
            if not buffer.apply():
                break
            module = ClassHierarchy(buffer)
    except InconsistentHierarchy:  # Python would refuse the module anyway; not this step's to report
        buffer.reset(before)


# --- rewriting an override into a subtype -------------------------------------------------------------

def _rewrite_overrides(module: ClassHierarchy, buffer: EditBuffer) -> None:
    rebases: dict[str, str] = {}
    literal_used = False
    for name in module.classes:
        for field in module.own_conflicts(name):
            statement = module.fields(name)[field]
            inherited = module.field_in_bases(name, field)
            rewritten = _as_subtype(module, statement, inherited)
            if rewritten is not None:
                buffer.replace_lines(statement.lineno, statement.end_lineno or statement.lineno,
                                     "    " + ast.unparse(rewritten) + "\n")
                literal_used = True
                continue
            rebase = _extended_object(module, statement, inherited)
            if rebase is not None:
                rebases.setdefault(*rebase)
    for child, parent in rebases.items():
        node = module.classes[child]
        buffer.replace_lines(node.lineno, node.lineno, f"class {child}({parent}):\n")
    if literal_used:
        import_names(buffer, "typing", ["Literal"])


def _as_subtype(module: ClassHierarchy, statement: ast.AnnAssign, inherited: list[ast.AnnAssign]) -> ast.AnnAssign | None:
    """The field statement with its type made a `Literal` every inherited type accepts, if there is one."""
    renamed: dict[str, Any] = {}  # `Enum.MEMBER` default -> the literal it now is
    literals: list[ast.expr] = []
    others: list[ast.expr] = []
    for member in union_members(statement.annotation):
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
    items = type_arguments(node)
    return [item.value for item in items if isinstance(item, ast.Constant)] if all(
        isinstance(item, ast.Constant) for item in items) else None


def _enum_members_for(module: ClassHierarchy, values: list[Any], inherited: list[ast.AnnAssign]) -> list[ast.expr] | None:
    """`Enum.MEMBER` for each value, from the first enum an inherited type names that has them all."""
    for base in inherited:
        for member in union_members(base.annotation):
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


def _extended_object(module: ClassHierarchy, statement: ast.AnnAssign,
                     inherited: list[ast.AnnAssign]) -> tuple[str, str] | None:
    """(class, new base) when the field's model repeats the inherited field's model's fields and adds some:
    made its subclass, it is one for mypy and pydantic still sees the same fields in the same order."""
    if len(inherited) != 1:
        return None
    mine = [m for m in union_members(statement.annotation) if not is_none(m)]
    theirs = [m for m in union_members(inherited[0].annotation) if not is_none(m)]
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
    return any(is_none(m) for m in union_members(annotation))


def _fields_only(node: ast.ClassDef) -> bool:
    """Only fields and their descriptions: nothing (a config, a validator) inheritance would merge."""
    return all(isinstance(s, (ast.AnnAssign, ast.Pass)) or (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))
               for s in node.body)


# --- flattening what cannot be reconciled --------------------------------------------------------------

def _flatten_conflicting(module: ClassHierarchy, buffer: EditBuffer) -> None:
    for name, node in module.classes.items():
        if module.own_conflicts(name) or module.inherited_conflicts(name):
            flat = _flattened(module, name)
            if flat is not None:
                buffer.replace_lines(node.lineno, node.end_lineno or node.lineno, "".join(flat))


def _flattened(module: ClassHierarchy, name: str) -> list[str] | None:
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


def _field_segment(module: ClassHierarchy, owner: ast.ClassDef, statement: ast.AnnAssign) -> list[str]:
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
