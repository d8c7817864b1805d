"""Collections datamodel-code-generator leaves without their item type (`RootModel[list]`, for an array
whose items refer back to the array itself) given `Any` for it: mypy --strict refuses a bare generic,
and `Any` is what the bare type already validates."""

from __future__ import annotations

import ast

from clientsmith.source_lines import code_lines, parse_module

_PARAMETERS = {"list": "list[Any]", "set": "set[Any]", "frozenset": "frozenset[Any]", "dict": "dict[str, Any]",
               "tuple": "tuple[Any, ...]"}


def parameterized_generics(source: str) -> str:
    """`source` with every bare `list`, `dict`, ... in an annotation or a class base given `Any`."""
    tree = parse_module(source)
    roots: list[ast.expr] = []
    for node in ast.walk(tree):
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
    if not spots:
        return source
    lines = code_lines(source)
    for spot in sorted(spots, key=lambda n: (n.lineno, n.col_offset), reverse=True):
        text = lines[spot.lineno - 1].encode("utf-8")
        lines[spot.lineno - 1] = (text[: spot.col_offset] + _PARAMETERS[spot.id].encode("utf-8")
                                  + text[spot.end_col_offset or 0 :]).decode("utf-8")
    return with_typing_name("".join(lines), "Any")


def with_typing_name(source: str, name: str) -> str:
    """`source` importing `name` from typing, in the module's `from typing import` when it has one."""
    tree = parse_module(source)
    lines = code_lines(source)
    after = 0
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module == "typing" and not node.level:
            names = [alias.name if alias.asname is None else f"{alias.name} as {alias.asname}" for alias in node.names]
            if name in names:
                return source
            end = node.end_lineno or node.lineno
            lines[node.lineno - 1 : end] = ([f"from typing import {', '.join(sorted(names + [name]))}\n"]
                                            + [""] * (end - node.lineno))
            return "".join(lines)
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            after = node.end_lineno or node.lineno
    lines.insert(after, f"from typing import {name}\n")
    return "".join(lines)
