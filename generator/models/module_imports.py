"""Names a models pass starts to use, imported by the module it edits."""

from __future__ import annotations

import ast
import re

from clientsmith.models.edit_buffer import EditBuffer

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")  # the names a quoted annotation may hold


def import_names(buffer: EditBuffer, module: str, names: list[str], *, after_imports: bool = False) -> None:
    """Queue the edit that imports `names` from `module`: added to the module's first `from <module>
    import`, else in a statement of their own after the `__future__` import (`after_imports`: after the
    last import), which must stay first."""
    if not names:
        return
    tree = buffer.tree
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module == module and not node.level:
            present = [alias.name if alias.asname is None else f"{alias.name} as {alias.asname}" for alias in node.names]
            missing = [name for name in names if name not in present]
            if missing:
                statement = f"from {module} import {', '.join(sorted(present + missing))}\n"
                buffer.replace_lines(node.lineno, node.end_lineno or node.lineno, statement)
            return
    before = [node for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))
              and (after_imports or (isinstance(node, ast.ImportFrom) and node.module == "__future__"))]
    after = max((node.end_lineno or node.lineno for node in before), default=0)
    buffer.insert_line(after + 1, f"from {module} import {', '.join(sorted(names))}\n")


def drop_unused_imports(buffer: EditBuffer) -> None:
    """Queue the removal of names the module's `from X import` statements bring in and nothing uses: the
    passes before replace what some were imported for (a root model written into the fields that use it
    leaves `RootModel` unused), and users' linters report what is left. A name counts as used wherever it
    appears, quoted annotations and `__all__` included."""
    tree = buffer.tree
    used: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            used.add(node.id)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            used.update(_WORD.findall(node.value))
    for node in tree.body:
        if not isinstance(node, ast.ImportFrom) or node.module == "__future__":
            continue
        kept = [alias for alias in node.names if (alias.asname or alias.name) in used or alias.name == "*"]
        if len(kept) == len(node.names):
            continue
        text = ""
        if kept:
            names = ", ".join(alias.name if alias.asname is None else f"{alias.name} as {alias.asname}" for alias in kept)
            text = f"from {'.' * node.level}{node.module or ''} import {names}\n"
        buffer.replace_lines(node.lineno, node.end_lineno or node.lineno, text)
