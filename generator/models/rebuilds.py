"""The `X.model_rebuild()` statements datamodel-code-generator writes after models that name a model
defined later in the module: dropped, so those models' validators are built on first use, as every other
model's are (the package's base classes defer them), rather than while the module is imported.

pydantic resolves the later names on first use from the module's namespace, complete by then."""

from __future__ import annotations

import ast

from clientsmith.models.edit_buffer import EditBuffer


def drop_rebuilds(buffer: EditBuffer) -> None:
    """Queue the deletion of every module-level `X.model_rebuild()` call without arguments."""
    for node in buffer.tree.body:
        call = node.value if isinstance(node, ast.Expr) else None
        if (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                and call.func.attr == "model_rebuild" and isinstance(call.func.value, ast.Name)
                and not call.args and not call.keywords):
            buffer.replace_lines(node.lineno, node.end_lineno or node.lineno, "")
