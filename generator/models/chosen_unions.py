"""Unions of models told apart by an enum field, marked so the value's listed value chooses the member.

A oneOf of objects whose `type` (or other) property lists different values in each member (a single
value and a multiple value field, a user and a team) is a union that pydantic's smart mode validates
against every member, and each member's open enum then meets the other members' values as values it does
not list. With `Annotated[A | B, ChosenBy("type")]` the member whose enum lists the value is validated
alone; a value no member lists, a missing field, or a body its chosen member refuses goes on to the smart
union as before, so every body accepted before is accepted now. A body that fits several members becomes the
one whose enum lists its value, as the spec's oneOf (whose enums are closed) says it must.
"""

from __future__ import annotations

import ast
from typing import Any

from clientsmith.models.class_hierarchy import ClassHierarchy, is_none, type_arguments
from clientsmith.models.edit_buffer import EditBuffer
from clientsmith.models.module_imports import import_names

MARKER = "ChosenBy"  # the package's `_base` metadata class


def mark_chosen_unions(buffer: EditBuffer) -> bool:
    """Queue the marking of every union of models that one enum field tells apart; whether any was."""
    module = ClassHierarchy(buffer)
    marked = False
    for chain in _union_chains(buffer.tree):
        atoms = _atoms(chain)
        members = [atom for atom in atoms if not is_none(atom)]
        if len(members) < 2 or not all(isinstance(m, ast.Name) and _is_model(module, m.id) for m in members):
            continue
        field = _telling_field(module, [m.id for m in members if isinstance(m, ast.Name)])
        if field is None:
            continue
        union = " | ".join(ast.unparse(m) for m in members)
        text = f'Annotated[{union}, {MARKER}("{field}")]' + (" | None" if len(members) < len(atoms) else "")
        buffer.replace_node(chain, text)
        marked = True
    if marked:
        import_names(buffer, "typing", ["Annotated"])
    return marked


def _union_chains(tree: ast.Module) -> list[ast.BinOp]:
    """The outermost `X | Y | ...` of every class field's annotation, nested ones included, except unions
    given a discriminator already."""
    chains: list[ast.BinOp] = []

    def visit(node: ast.AST) -> None:
        if _is_union(node):
            chains.append(node)  # type: ignore[arg-type]
            for atom in _atoms(node):  # type: ignore[arg-type]
                visit(atom)
            return
        if _has_discriminator(node):
            return
        for child in ast.iter_child_nodes(node):
            visit(child)

    for cls in tree.body:
        if isinstance(cls, ast.ClassDef):
            for statement in cls.body:
                if isinstance(statement, ast.AnnAssign):
                    visit(statement.annotation)
    return chains


def _is_union(node: ast.AST) -> bool:
    return isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr)


def _atoms(node: ast.expr) -> list[ast.expr]:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _atoms(node.left) + _atoms(node.right)
    return [node]


def _has_discriminator(node: ast.AST) -> bool:
    """`Annotated[..., Field(discriminator=...)]`: pydantic tells its members apart already."""
    if not (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == "Annotated"):
        return False
    return any(isinstance(call, ast.Call) and any(k.arg == "discriminator" for k in call.keywords)
               for call in type_arguments(node)[1:])


def _is_model(module: ClassHierarchy, name: str) -> bool:
    """A class of the module with fields of its own: not an enum, not a root model."""
    if name not in module.classes or module.enum_members(name) is not None:
        return False
    return not any("RootModel" in base for klass in module.mro(name) for base in module.bases(klass))


def _all_fields(module: ClassHierarchy, name: str) -> dict[str, ast.AnnAssign]:
    """Every field the class has, inherited ones included, as pydantic collects them."""
    found: dict[str, ast.AnnAssign] = {}
    for klass in reversed(module.mro(name)):
        found.update(module.fields(klass))
    return found


def _telling_field(module: ClassHierarchy, members: list[str]) -> str | None:
    """The first field every member has whose listed string values differ from member to member."""
    fields = [_all_fields(module, member) for member in members]
    for name in fields[0]:
        if not all(name in f for f in fields):
            continue
        aliases = {_alias(f[name]) for f in fields}
        listed = [_listed_strings(module, f[name].annotation) for f in fields]
        if len(aliases) != 1 or any(not values for values in listed):
            continue
        seen: set[str] = set()
        for values in listed:
            if values & seen:
                break
            seen |= values
        else:
            return name
    return None


def _alias(statement: ast.AnnAssign) -> str | None:
    """The wire name a `Field(alias=...)` gives the field, in its annotation or as its default."""
    calls: list[ast.expr] = [statement.value] if statement.value is not None else []
    annotation = statement.annotation
    if isinstance(annotation, ast.Subscript) and isinstance(annotation.value, ast.Name) and annotation.value.id == "Annotated":
        calls += type_arguments(annotation)[1:]
    for call in calls:
        if isinstance(call, ast.Call):
            for keyword in call.keywords:
                if keyword.arg == "alias" and isinstance(keyword.value, ast.Constant):
                    return str(keyword.value.value)
    return None


def _listed_strings(module: ClassHierarchy, annotation: ast.expr) -> set[str]:
    """The string values a field's type lists: a string enum of the module or a `Literal` of strings,
    optional or not; empty for any other type."""
    if isinstance(annotation, ast.Subscript) and isinstance(annotation.value, ast.Name) and annotation.value.id == "Annotated":
        annotation = type_arguments(annotation)[0]
    atoms = [atom for atom in _atoms(annotation) if not is_none(atom)]
    if len(atoms) != 1:
        return set()
    atom = atoms[0]
    values: list[Any]
    if isinstance(atom, ast.Name):
        members = module.enum_members(atom.id)
        if members is None or "str" not in module.supertypes(atom.id) and "OpenEnum" not in module.supertypes(atom.id):
            return set()
        values = list(members.values())
    elif isinstance(atom, ast.Subscript) and isinstance(atom.value, ast.Name) and atom.value.id == "Literal":
        values = [item.value if isinstance(item, ast.Constant) else None for item in type_arguments(atom)]
    else:
        return set()
    if not values or not all(isinstance(value, str) for value in values):
        return set()
    return set(values)
