"""One class per schema: copies datamodel-code-generator makes of a schema merged into the first.

A schema reached both where it stands and through a `$ref` into it (`#/components/schemas/Choice/oneOf/0`)
comes out as two identical classes; a user holding an instance of one could not pass it where the other
is expected. Classes made from the same schema with the same body become the one defined first.
"""

from __future__ import annotations

import ast


def duplicate_classes(tree: ast.Module, pointers: list[tuple[str, str]]) -> dict[str, str]:
    """Each copy -> the class it copies (to be dropped, its uses naming that class instead)."""
    definitions = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}
    order = {name: index for index, name in enumerate(definitions)}
    by_pointer: dict[str, list[str]] = {}
    for pointer, name in pointers:
        if name in definitions and name not in by_pointer.setdefault(pointer, []):
            by_pointer[pointer].append(name)
    merged: dict[str, str] = {}
    changed = True
    while changed:  # a copy whose fields name copies matches once those are merged
        changed = False
        for names in by_pointer.values():
            live = sorted((n for n in names if n not in merged), key=order.__getitem__)
            for name in live[1:]:
                first = next((f for f in live if order[f] < order[name] and f not in merged
                              and _shape(definitions[f], merged) == _shape(definitions[name], merged)), None)
                if first is not None:
                    merged[name] = first
                    changed = True
    return {copy: _resolve(copy, merged) for copy in merged}


def _resolve(name: str, merged: dict[str, str]) -> str:
    while name in merged:
        name = merged[name]
    return name


def _shape(node: ast.ClassDef, merged: dict[str, str]) -> str:
    """The class as written, its own name left out and the copies it names read as what they copy."""
    class Canonical(ast.NodeTransformer):
        def visit_Name(self, name: ast.Name) -> ast.Name:
            return ast.Name(id=_resolve(name.id, merged), ctx=name.ctx)

    copy = Canonical().visit(ast.parse(ast.unparse(node)).body[0])
    assert isinstance(copy, ast.ClassDef)
    copy.name = ""
    return ast.dump(copy)
