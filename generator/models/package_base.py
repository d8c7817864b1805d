"""The models module on the package's own base classes: its `_base` module's `ApiModel` in place of the
import datamodel-code-generator writes, its `RootModel` in place of pydantic's, and enums that take values
the spec does not list yet."""

from __future__ import annotations

import ast
from collections import Counter

from clientsmith.models.edit_buffer import EditBuffer

# datamodel-code-generator emits `from <this> import ApiModel`; we point it at the package's own `_base`
# module, so the generated package imports nothing from outside itself.
BASE_PLACEHOLDER = "clientsmith_model_base"

# Names the models import from pydantic that the package's `_base` module defines instead: its `RootModel`
# builds validators on first use (pydantic's own builds them for each `RootModel[X]` as it is created).
_OWN_BASES = frozenset({"RootModel"})

# Enums whose values are all strings, integers or numbers accept values the spec does not list yet:
# the bases datamodel-code-generator gives them -> the package's open enum of that kind.
_OPEN_ENUM_BASES = {
    ("str", "Enum"): "OpenEnum",
    ("int", "Enum"): "OpenIntEnum",
    ("IntEnum",): "OpenIntEnum",
    ("float", "Enum"): "OpenFloatEnum",
}


def use_package_base(buffer: EditBuffer, extra_names: tuple[str, ...] = ()) -> None:
    """Queue the edits that import the base classes (and `extra_names`) from the package's `_base`
    module and make enums tolerant of new values.

    A class statement is rewritten only where it stands alone on its line as datamodel-code-generator
    writes it, and an import is dropped only when nothing uses it."""
    tree = buffer.tree
    names: list[str] = list(extra_names)
    uses = Counter(n.id for n in ast.walk(tree) if isinstance(n, ast.Name))
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and not node.keywords and not node.decorator_list:
            bases = tuple(b.id for b in node.bases if isinstance(b, ast.Name))
            open_base = _OPEN_ENUM_BASES.get(bases) if len(bases) == len(node.bases) else None
            header = f"class {node.name}({', '.join(bases)}):"
            if open_base and buffer.lines[node.lineno - 1].strip() == header:
                buffer.replace_lines(node.lineno, node.lineno, f"class {node.name}({open_base}):\n")
                uses.subtract(bases)
                if open_base not in names:
                    names.append(open_base)
    still_used = {name for name, count in uses.items() if count > 0}
    future_line = 0
    for node in tree.body:
        if not isinstance(node, ast.ImportFrom):
            continue
        if node.module == "__future__":
            future_line = node.end_lineno or node.lineno
        elif node.module == BASE_PLACEHOLDER:
            names = [alias.name for alias in node.names] + names
            buffer.replace_lines(node.lineno, node.end_lineno or node.lineno, "")
        elif node.module == "enum":
            kept = [alias.name for alias in node.names if alias.name in still_used]
            replacement = f"from enum import {', '.join(kept)}\n" if kept else ""
            buffer.replace_lines(node.lineno, node.end_lineno or node.lineno, replacement)
        elif node.module == "pydantic" and any(alias.name in _OWN_BASES and not alias.asname for alias in node.names):
            own = [alias.name for alias in node.names if alias.name in _OWN_BASES and not alias.asname]
            kept = [ast.unparse(alias) for alias in node.names if alias.name not in own]
            replacement = f"from pydantic import {', '.join(kept)}\n" if kept else ""
            buffer.replace_lines(node.lineno, node.end_lineno or node.lineno, replacement)
            names += [name for name in own if name not in names]
    if names:
        # after `from __future__ import annotations`, which must stay first
        statement = f"from ._base import {', '.join(sorted(set(names)))}\n"
        buffer.insert_line(future_line + 1, ("\n" if future_line else "") + statement)
