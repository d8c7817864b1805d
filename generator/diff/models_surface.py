"""The public shape of the models module, read from datamodel-code-generator's source with `ast`.

The source is what users import, so its classes, fields, aliases and defaults are the truth about the
models' Python API; re-deriving them from schemas would repeat the generator's naming rules.
"""

from __future__ import annotations

import ast
import hashlib
from typing import Any

from clientsmith.models.chosen_unions import MARKER
from clientsmith.models.generate import ENUM, MODEL, ROOT


def docs_digest(*texts: str) -> str:
    """A short fingerprint of prose: the surface records that docs changed, not the docs themselves."""
    joined = "\x00".join(" ".join(t.split()) for t in texts)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:12] if joined.strip("\x00") else ""


def model_classes(source: str) -> dict[str, dict[str, Any]]:
    """Class name -> {"kind", "bases", "fields" | "values" | "root", "docs"} in module order."""
    classes: dict[str, dict[str, Any]] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.ClassDef):
            classes[node.name] = _class(node)
    return classes


def _class(node: ast.ClassDef) -> dict[str, Any]:
    bases = [ast.unparse(b) for b in node.bases]
    docs = [ast.get_docstring(node) or ""]
    if any(b == "OpenEnum" or "Enum" in b for b in bases):
        values = {}
        for stmt in node.body:
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                value = stmt.value.value if isinstance(stmt.value, ast.Constant) else ast.unparse(stmt.value)
                values[stmt.targets[0].id] = value
        return {"kind": ENUM, "values": values, "docs": docs_digest(*docs)}
    fields: dict[str, dict[str, Any]] = {}
    root = ""
    body = node.body
    for index, stmt in enumerate(body):
        if not (isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)):
            continue
        name = stmt.target.id
        if name == "model_config":
            continue
        annotation, call = _unwrap_annotated(_WithoutChoice().visit(stmt.annotation))
        doc = _following_docstring(body, index)
        if name == "root" and any(b.startswith("RootModel") for b in bases):
            root = annotation
            docs.append(doc)
            continue
        alias = _keyword(call, "alias")
        fields[name] = {
            "alias": alias if isinstance(alias, str) else name,
            "type": annotation,
            "required": stmt.value is None or (isinstance(stmt.value, ast.Constant) and stmt.value.value is ...),
            "docs": docs_digest(doc, str(_keyword(call, "description") or "")),
        }
    own_bases = [b for b in bases if b not in ("ApiModel", "BaseModel") and not b.startswith("RootModel")]
    if root:
        return {"kind": ROOT, "root": root, "docs": docs_digest(*docs)}
    return {"kind": MODEL, "bases": own_bases, "fields": fields, "docs": docs_digest(*docs)}


def _unwrap_annotated(annotation: ast.expr) -> tuple[str, ast.Call | None]:
    """`Annotated[T, Field(...)]` -> ("T", the Field call); anything else -> (its text, None)."""
    if (isinstance(annotation, ast.Subscript) and ast.unparse(annotation.value) in ("Annotated", "typing.Annotated")
            and isinstance(annotation.slice, ast.Tuple) and annotation.slice.elts):
        first, *rest = annotation.slice.elts
        call = next((e for e in rest if isinstance(e, ast.Call) and ast.unparse(e.func).endswith("Field")), None)
        return ast.unparse(first), call
    return ast.unparse(annotation), None


class _WithoutChoice(ast.NodeTransformer):
    """`Annotated[A | B, ChosenBy("type")]` is `A | B` to callers: the marker only tells validation which
    member to try first."""

    def visit_Subscript(self, node: ast.Subscript) -> ast.expr:
        self.generic_visit(node)
        if (ast.unparse(node.value) == "Annotated" and isinstance(node.slice, ast.Tuple) and len(node.slice.elts) == 2
                and isinstance(marker := node.slice.elts[1], ast.Call) and ast.unparse(marker.func) == MARKER):
            return node.slice.elts[0]
        return node


def _keyword(call: ast.Call | None, name: str) -> Any:
    if call is None:
        return None
    for keyword in call.keywords:
        if keyword.arg == name and isinstance(keyword.value, ast.Constant):
            return keyword.value.value
    return None


def _following_docstring(body: list[ast.stmt], index: int) -> str:
    """datamodel-code-generator documents a field with a string statement right after it."""
    if index + 1 < len(body):
        stmt = body[index + 1]
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str):
            return stmt.value.value
    return ""
