"""Constrained primitives in unions as plain annotated values, not wrapper classes.

For a oneOf/anyOf member such as `{type: integer, minimum: 1}`, datamodel-code-generator writes a wrapper
`class PageSize(RootModel[int])` whose root is `Annotated[int, Field(ge=1)]`, and the union names the
wrapper: a user would write `PageSize(root=3)` and read a wrapper back. Here the union names the annotated
type itself (`Annotated[int, Field(ge=1)] | str`), so the field takes and gives `3`, with the same
validation. A wrapper nothing else uses is dropped, unless it is a schema of its own users may import.
"""

from __future__ import annotations

import ast

from clientsmith.models.edit_buffer import EditBuffer
from clientsmith.models.rename import called_on

_FIELD_ONLY = {"default", "default_factory", "alias", "validation_alias", "serialization_alias", "discriminator"}


def plain_union_members(buffer: EditBuffer, kept: set[str]) -> set[str]:
    """Queue the constrained-primitive wrappers' replacement by their annotated type where they are union
    members, and the wrappers' removal (those in `kept` stay defined); the removed wrappers."""
    tree = buffer.tree
    classes = {node.name for node in tree.body if isinstance(node, ast.ClassDef)}
    wrapped = {node.name: annotation for node in tree.body
               if isinstance(node, ast.ClassDef) and (annotation := _constrained_root(node, classes)) is not None}
    if not wrapped:
        return set()
    members: list[ast.Name] = []
    uses: list[ast.Name] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            members += [side for side in (node.left, node.right) if isinstance(side, ast.Name) and side.id in wrapped]
        elif isinstance(node, ast.Name) and node.id in wrapped:
            uses.append(node)
    in_unions = {id(name) for name in members}
    other_uses = {node.id for node in uses if id(node) not in in_unions}
    removed = {name for name in wrapped if name not in other_uses and name not in kept}
    for name in members:
        buffer.replace_node(name, ast.unparse(wrapped[name.id]))
    for node in tree.body:
        if (isinstance(node, ast.ClassDef) and node.name in removed) or called_on(node) in removed:
            buffer.replace_lines(node.lineno, node.end_lineno or node.lineno, "")
    return removed


def _constrained_root(node: ast.ClassDef, classes: set[str]) -> ast.expr | None:
    """`Annotated[T, Field(...)]` when the class is a RootModel of exactly that, with T naming no model."""
    if len(node.bases) != 1 or node.keywords or node.decorator_list:
        return None
    base = node.bases[0]
    if not (isinstance(base, ast.Subscript) and isinstance(base.value, ast.Name) and base.value.id == "RootModel"):
        return None
    body = [s for s in node.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    if len(body) != 1 or not isinstance(body[0], ast.AnnAssign):
        return None
    field = body[0]
    annotation = field.annotation
    if not (isinstance(field.target, ast.Name) and field.target.id == "root" and isinstance(annotation, ast.Subscript)
            and isinstance(annotation.value, ast.Name) and annotation.value.id == "Annotated"
            and isinstance(annotation.slice, ast.Tuple) and len(annotation.slice.elts) == 2):
        return None
    inner, constraint = annotation.slice.elts
    if not (isinstance(constraint, ast.Call) and isinstance(constraint.func, ast.Name) and constraint.func.id == "Field"):
        return None
    if constraint.args or any(k.arg in _FIELD_ONLY for k in constraint.keywords):  # meaningless inside a union
        return None
    if any(isinstance(n, ast.Name) and n.id in classes for n in ast.walk(inner)):
        return None
    return annotation
