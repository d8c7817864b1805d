"""Renaming and dropping classes in a models module by its AST, wherever a class name is defined or used."""

from __future__ import annotations

import ast

from generator.source_lines import code_lines, parse_module


def rename_classes(source: str, renames: dict[str, str], drop: frozenset[str] | set[str] = frozenset()) -> str:
    """The module with each class in `renames` called by its new name, in its definition and wherever a
    name refers to it (annotations, bases, `model_rebuild` calls), and without the definitions of the
    classes in `drop` nor the `X.model_rebuild()` calls on them. One parse serves both edits."""
    renames = {old: new for old, new in renames.items() if old != new}
    if not renames and not drop:
        return source
    tree = parse_module(source)
    lines = code_lines(source)
    dropped: list[tuple[int, int]] = []  # first and last line of each statement to delete
    for node in tree.body:
        if (isinstance(node, ast.ClassDef) and node.name in drop) or called_on(node) in drop:
            start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
            dropped.append((start, node.end_lineno or node.lineno))
    spots: list[tuple[int, int, int, str]] = []  # line, start, end (UTF-8 byte offsets), new name
    if renames:
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and node.name in renames:
                text = lines[node.lineno - 1].encode("utf-8")
                start = text.index(b"class", node.col_offset) + len(b"class")
                start = text.index(node.name.encode("utf-8"), start)
                spots.append((node.lineno, start, start + len(node.name.encode("utf-8")), renames[node.name]))
            elif isinstance(node, ast.Name) and node.id in renames and node.end_lineno == node.lineno:
                spots.append((node.lineno, node.col_offset, node.end_col_offset or node.col_offset, renames[node.id]))
    for line, start, end, new in sorted(spots, reverse=True):
        text = lines[line - 1].encode("utf-8")
        lines[line - 1] = (text[:start] + new.encode("utf-8") + text[end:]).decode("utf-8")
    for first, last in sorted(dropped, reverse=True):  # whole lines: the renames above kept their count
        del lines[first - 1 : last]
    return "".join(lines)


def called_on(node: ast.stmt) -> str | None:
    """`X` for the statement `X.method(...)` (as `X.model_rebuild()`); None for any other statement."""
    if (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Attribute) and isinstance(node.value.func.value, ast.Name)):
        return node.value.func.value.id
    return None
