"""Fields of multipart request bodies that take files: `bytes` there becomes the package's `FileInput`."""

from __future__ import annotations

import ast
from typing import Any

from clientsmith.models.edit_buffer import EditBuffer
from clientsmith.problems import escape_pointer_token


def multipart_schemas(document: dict[str, Any]) -> set[str]:
    """Pointers of the schemas multipart request bodies name (inline, and what their `$ref`s point to)."""
    found: set[str] = set()
    for path, item in (document.get("paths") or {}).items():
        for method, operation in (item.items() if isinstance(item, dict) else ()):
            body = operation.get("requestBody") if isinstance(operation, dict) else None
            pointer = "/paths/" + escape_pointer_token(path) + f"/{method}/requestBody"
            if isinstance(body, dict) and isinstance(body.get("$ref"), str) and body["$ref"].startswith("#/"):
                pointer = body["$ref"][1:]
                body = _local(document, pointer)
            media = ((body or {}).get("content") or {}).get("multipart/form-data") if isinstance(body, dict) else None
            schema = media.get("schema") if isinstance(media, dict) else None
            if isinstance(schema, dict):
                found.add(pointer + "/content/multipart~1form-data/schema")
                if isinstance(schema.get("$ref"), str) and schema["$ref"].startswith("#/"):
                    found.add(schema["$ref"][1:])
    return found


def _local(document: dict[str, Any], pointer: str) -> Any:
    node: Any = document
    for token in pointer.strip("/").split("/"):
        token = token.replace("~1", "/").replace("~0", "~")
        node = node.get(token) if isinstance(node, dict) else None
    return node


def file_inputs(buffer: EditBuffer, classes: set[str]) -> bool:
    """Queue `FileInput` in place of `bytes` in the fields of `classes` (multipart body models), and
    whether there was any: such a field takes a file object, a path or a (filename, content[, content
    type]) tuple as well as bytes."""
    if not classes:
        return False
    found = False
    for node in buffer.tree.body:
        if isinstance(node, ast.ClassDef) and node.name in classes:
            for statement in node.body:
                if isinstance(statement, ast.AnnAssign):
                    for name in ast.walk(statement.annotation):
                        if isinstance(name, ast.Name) and name.id == "bytes" and name.end_lineno == name.lineno:
                            buffer.replace_node(name, "FileInput")
                            found = True
    return found
