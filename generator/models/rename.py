"""Renaming classes in a models module by its AST: every place a class name is defined or used."""

from __future__ import annotations

import ast

from generator.source_lines import code_lines


def rename_classes(source: str, renames: dict[str, str]) -> str:
    """The module with each class in `renames` called by its new name, in its definition and wherever a
    name refers to it (annotations, bases, `model_rebuild` calls)."""
    renames = {old: new for old, new in renames.items() if old != new}
    if not renames:
        return source
    lines = code_lines(source)
    spots: list[tuple[int, int, int, str]] = []  # line, start, end (UTF-8 byte offsets), new name
    for node in ast.walk(ast.parse(source)):
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
    return "".join(lines)


def drop_classes(source: str, names: set[str]) -> str:
    """The module without the definitions of `names`, nor the `X.model_rebuild()` calls on them."""
    if not names:
        return source
    lines = code_lines(source)
    for node in reversed(ast.parse(source).body):
        called = node.value.func.value.id if (
            isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Attribute) and isinstance(node.value.func.value, ast.Name)) else None
        if (isinstance(node, ast.ClassDef) and node.name in names) or called in names:
            start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
            del lines[start - 1 : node.end_lineno or node.lineno]
    return "".join(lines)
