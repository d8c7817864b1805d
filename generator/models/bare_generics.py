"""Collections datamodel-code-generator leaves without their item type (`RootModel[list]`, for an array
whose items refer back to the array itself) given `Any` for it: mypy --strict refuses a bare generic,
and `Any` is what the bare type already validates."""

from __future__ import annotations

import ast

from clientsmith.models.edit_buffer import EditBuffer
from clientsmith.models.module_imports import import_names

_PARAMETERS = {"list": "list[Any]", "set": "set[Any]", "frozenset": "frozenset[Any]", "dict": "dict[str, Any]",
               "tuple": "tuple[Any, ...]"}


def parameterized_generics(buffer: EditBuffer) -> None:
    """Queue the edits that give every bare `list`, `dict`, ... in an annotation or a class base `Any`."""
    roots: list[ast.expr] = []
    for node in ast.walk(buffer.tree):
        if isinstance(node, ast.AnnAssign):
            roots.append(node.annotation)
        elif isinstance(node, ast.ClassDef):
            roots += node.bases
    spots: list[ast.Name] = []
    stack: list[ast.AST] = list(roots)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Subscript):
            stack.append(node.slice)  # its value is parameterized; what it holds may not be
        elif isinstance(node, ast.Name):
            if node.id in _PARAMETERS and node.end_lineno == node.lineno:
                spots.append(node)
        elif not isinstance(node, (ast.Call, ast.Constant)):
            stack.extend(ast.iter_child_nodes(node))
    for spot in spots:
        buffer.replace_node(spot, _PARAMETERS[spot.id])
    if spots:
        import_names(buffer, "typing", ["Any"])
