"""Renaming and dropping classes in a models module by its AST, wherever a class name is defined or used."""

from __future__ import annotations

import ast

from clientsmith.models.edit_buffer import EditBuffer


def rename_classes(buffer: EditBuffer, renames: dict[str, str], drop: frozenset[str] | set[str] = frozenset()) -> None:
    """Queue the edits that call each class in `renames` by its new name, in its definition and wherever a
    name refers to it (annotations, bases, `model_rebuild` calls), and that delete the definitions of the
    classes in `drop` and the `X.model_rebuild()` calls on them."""
    renames = {old: new for old, new in renames.items() if old != new}
    if not renames and not drop:
        return
    tree = buffer.tree
    dropped: set[int] = set()  # lines of the deleted statements: nothing in them is renamed
    for statement in tree.body:
        if (isinstance(statement, ast.ClassDef) and statement.name in drop) or called_on(statement) in drop:
            start = min([statement.lineno] + [d.lineno for d in getattr(statement, "decorator_list", [])])
            end = statement.end_lineno or statement.lineno
            buffer.replace_lines(start, end, "")
            dropped.update(range(start, end + 1))
    if not renames:
        return
    for node in ast.walk(tree):
        if getattr(node, "lineno", None) in dropped:
            continue
        if isinstance(node, ast.ClassDef) and node.name in renames:
            text = buffer.lines[node.lineno - 1].encode("utf-8")
            start = text.index(b"class", node.col_offset) + len(b"class")
            start = text.index(node.name.encode("utf-8"), start)
            end = start + len(node.name.encode("utf-8"))
            buffer.replace((node.lineno, start), (node.lineno, end), renames[node.name])
        elif isinstance(node, ast.Name) and node.id in renames and node.end_lineno == node.lineno:
            buffer.replace_node(node, renames[node.id])
    for literal in forward_references(tree):  # `list["Node"]`: a class named before it is defined
        renamed = _renamed_literal(literal, buffer.lines, renames)
        if renamed is not None and literal.lineno not in dropped:
            buffer.replace_node(literal, renamed)


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
