"""Fields a model redeclares from the model it extends, with another type.

A schema that extends another (`allOf`) may give an inherited property a type of its own: an object
with more properties, a different union. Pydantic takes the subclass's field as it is; type checkers
read the redeclaration as an incompatible override of the base class's attribute. The subclass's
type is the one its instances hold, so the override is kept and the check silenced on that line.
`unused-ignore` keeps `--strict` (which warns about needless ignores) quiet where the new type
happens to be compatible after all.
"""

from __future__ import annotations

import ast
import io
import tokenize

IGNORE = "  # type: ignore[assignment, unused-ignore]"


def mark_field_overrides(source: str) -> str:
    """The models module with each field that redeclares an inherited one under another type marked."""
    tree = ast.parse(source)
    classes = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}
    own = {name: _fields(node) for name, node in classes.items()}
    lines_to_mark: set[int] = set()
    for name, node in classes.items():
        inherited = _inherited(name, classes, own)
        for field, (annotation, line) in own[name].items():
            if field in inherited and not _narrows(annotation, inherited[field]):
                lines_to_mark.add(line)
    if not lines_to_mark:
        return source
    open_ends = _lines_ending_outside_strings(source)
    lines = source.splitlines(keepends=True)
    for line in sorted(lines_to_mark & open_ends):
        text = lines[line - 1]
        body = text.rstrip("\r\n")
        lines[line - 1] = body + IGNORE + text[len(body):]
    return "".join(lines)


def _narrows(annotation: str, inherited: str) -> bool:
    """Whether the type is plainly one the inherited one allows: each of its union members is one of
    the inherited type's, or a string `Literal` where that allows `str` (the common cases needing no mark)."""
    allowed = _members(inherited)
    return all(m in allowed or (m.startswith("Literal[") and "str" in allowed and _string_literal(m))
               for m in _members(annotation))


def _members(annotation: str) -> set[str]:
    """The members of a `A | B | None` union as written; the annotation itself when it is no such union."""
    found: set[str] = set()
    pending = [ast.parse(annotation, mode="eval").body]
    while pending:
        node = pending.pop()
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            pending += [node.left, node.right]
        else:
            found.add(ast.unparse(node))
    return found


def _string_literal(member: str) -> bool:
    node = ast.parse(member, mode="eval").body
    if not isinstance(node, ast.Subscript):
        return False
    values = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
    return all(isinstance(v, ast.Constant) and isinstance(v.value, str) for v in values)


def _fields(node: ast.ClassDef) -> dict[str, tuple[str, int]]:
    """Field name -> (annotation as written, line of its statement)."""
    return {
        statement.target.id: (ast.unparse(statement.annotation), statement.lineno)
        for statement in node.body
        if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name)
    }


def _inherited(name: str, classes: dict[str, ast.ClassDef], own: dict[str, dict[str, tuple[str, int]]]) -> dict[str, str]:
    """Field name -> annotation, of every model of this module the class extends, nearest first."""
    found: dict[str, str] = {}
    seen = {name}
    pending = [b.id for b in classes[name].bases if isinstance(b, ast.Name)]
    while pending:
        base = pending.pop(0)
        if base in seen or base not in classes:
            continue
        seen.add(base)
        for field, (annotation, _) in own[base].items():
            found.setdefault(field, annotation)
        pending += [b.id for b in classes[base].bases if isinstance(b, ast.Name)]
    return found


def _lines_ending_outside_strings(source: str) -> set[int]:
    """Lines where a comment can be appended: those that do not end inside a multi-line string."""
    return {
        token.end[0]
        for token in tokenize.generate_tokens(io.StringIO(source).readline)
        if token.type in (tokenize.NEWLINE, tokenize.NL)
    }
