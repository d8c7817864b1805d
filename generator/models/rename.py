"""Renaming and dropping classes in a models module by its AST, wherever a class name is defined or used."""

from __future__ import annotations

import ast

from clientsmith.source_lines import code_lines, parse_module


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
        for literal in forward_references(tree):  # `list["Node"]`: a class named before it is defined
            renamed = _renamed_literal(literal, lines, renames)
            if renamed is not None:
                spots.append((literal.lineno, literal.col_offset, literal.end_col_offset or 0, renamed))
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


def forward_references(tree: ast.Module) -> list[ast.Constant]:
    """The string literals that stand for types: in annotations, class bases and `TypeAliasType` values
    (not in `Literal[...]`, whose strings are values, nor in calls such as `Field(description=...)`)."""
    roots: list[ast.expr] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.AnnAssign):
            roots.append(node.annotation)
        elif isinstance(node, ast.ClassDef):
            roots += node.bases
        elif isinstance(node, ast.arg) and node.annotation is not None:
            roots.append(node.annotation)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.returns is not None:
            roots.append(node.returns)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "TypeAliasType":
            roots += node.args[1:] + [k.value for k in node.keywords if k.arg == "value"]
    found: list[ast.Constant] = []
    stack: list[ast.AST] = list(roots)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Constant):
            if isinstance(node.value, str):
                found.append(node)
        elif isinstance(node, ast.Subscript) and _is_literal(node.value):
            continue
        elif not isinstance(node, ast.Call):
            stack.extend(ast.iter_child_nodes(node))
    return found


def _is_literal(node: ast.expr) -> bool:
    return (isinstance(node, ast.Name) and node.id == "Literal") or (
        isinstance(node, ast.Attribute) and node.attr == "Literal")


def _renamed_literal(literal: ast.Constant, lines: list[str], renames: dict[str, str]) -> str | None:
    """The literal's source with the classes it names renamed; None when it names none, spans lines, or
    is not written as its plain value in quotes (escapes, prefixes: left alone)."""
    if literal.end_lineno != literal.lineno or not isinstance(literal.value, str):
        return None
    text = lines[literal.lineno - 1].encode("utf-8")[literal.col_offset : literal.end_col_offset]
    value = literal.value.encode("utf-8")
    if len(text) != len(value) + 2 or text[:1] not in (b'"', b"'") or text[1:-1] != value or text[:1] != text[-1:]:
        return None
    try:
        expression = ast.parse(literal.value, mode="eval")
    except SyntaxError:
        return None
    names = sorted((n for n in ast.walk(expression) if isinstance(n, ast.Name) and n.id in renames),
                   key=lambda n: n.col_offset, reverse=True)
    if not names:
        return None
    for name in names:  # one line: offsets are UTF-8 bytes into the value
        value = value[: name.col_offset] + renames[name.id].encode("utf-8") + value[name.end_col_offset or 0 :]
    quote = text[:1].decode()
    return quote + value.decode("utf-8") + quote
