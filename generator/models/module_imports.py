"""Names a models pass starts to use, imported by the module it edits."""

from __future__ import annotations

import ast

from clientsmith.models.edit_buffer import EditBuffer


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
