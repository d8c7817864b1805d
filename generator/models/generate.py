"""Pydantic v2 models through datamodel-code-generator, run in-process, with its schema-to-class map."""

from __future__ import annotations

import ast
import json
import tempfile
import warnings
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clientsmith.models.bare_generics import parameterized_generics
from clientsmith.models.defaults import fit_defaults
from clientsmith.models.overrides import reconcile_overrides
from clientsmith.models.prepare import has_webhooks, prepare_for_models
from clientsmith.models.readable import readable_models
from clientsmith.problems import escape_pointer_token
from clientsmith.source_lines import code_lines, parse_module

# datamodel-code-generator emits `from <this> import ApiModel`; we point it at the package's own `_base`
# module, so the generated package imports nothing from outside itself.
_BASE_PLACEHOLDER = "clientsmith_model_base"

MODEL, ENUM, ROOT = "model", "enum", "root"


@dataclass(frozen=True)
class ModelsResult:
    """The models module source and, for each schema pointer, the class made from it."""

    source: str
    class_by_pointer: dict[str, str]
    kind_by_class: dict[str, str]


def generate_models(document: dict[str, Any], header: str) -> ModelsResult:
    document = prepare_for_models(document)

    with tempfile.TemporaryDirectory(prefix="clientsmith-") as tmp:
        metadata_path = Path(tmp) / "metadata.json"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # its deprecation chatter is not the user's concern
            try:
                source = _run_generator(document, header, metadata_path)
            except Exception as exc:
                if "Models not found" in str(exc):  # a spec with no schemas at all
                    return ModelsResult(f"{header}\n\nfrom __future__ import annotations\n", {}, {})
                raise ModelsError(f"datamodel-code-generator could not build the models: {exc}") from exc
        metadata = json.loads(metadata_path.read_text(encoding="utf-8")) if metadata_path.exists() else {"models": []}
    if not isinstance(source, str):  # a single module is asked for; anything else is a bug here
        raise RuntimeError("datamodel-code-generator returned several modules")
    try:
        source, class_by_pointer = readable_models(source, metadata.get("models", []))
        source = fit_defaults(parameterized_generics(source))
        uploads = {class_by_pointer[p] for p in _multipart_schemas(document) if p in class_by_pointer}
        source, file_fields = _file_inputs(source, uploads)
        source = reconcile_overrides(_use_package_base(source, ("FileInput",) if file_fields else ()))
        return ModelsResult(source, class_by_pointer, _class_kinds(source))
    finally:
        parse_module.cache_clear()  # the passes shared the module's syntax tree; nothing needs it now


def _multipart_schemas(document: dict[str, Any]) -> set[str]:
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


def _file_inputs(source: str, classes: set[str]) -> tuple[str, bool]:
    """`bytes` in the fields of multipart body models becomes `FileInput`: such a field takes a file
    object, a path or a (filename, content[, content type]) tuple as well as bytes."""
    if not classes:
        return source, False
    lines = code_lines(source)
    spots: list[tuple[int, int, int]] = []
    for node in parse_module(source).body:
        if isinstance(node, ast.ClassDef) and node.name in classes:
            for statement in node.body:
                if isinstance(statement, ast.AnnAssign):
                    spots += [(n.lineno, n.col_offset, n.end_col_offset or n.col_offset)
                              for n in ast.walk(statement.annotation)
                              if isinstance(n, ast.Name) and n.id == "bytes" and n.end_lineno == n.lineno]
    for line, start, end in sorted(spots, reverse=True):  # offsets are in UTF-8 bytes
        text = lines[line - 1].encode("utf-8")
        lines[line - 1] = (text[:start] + b"FileInput" + text[end:]).decode("utf-8")
    return "".join(lines), bool(spots)


class ModelsError(Exception):
    """datamodel-code-generator refused the document."""


def _run_generator(document: dict[str, Any], header: str, metadata_path: Path) -> Any:
    from datamodel_code_generator import DataModelType, InputFileType, PythonVersion, generate

    return generate(
        document,
        input_file_type=InputFileType.OpenAPI,
        output_model_type=DataModelType.PydanticV2BaseModel,
        target_python_version=PythonVersion.PY_310,
        openapi_scopes=["schemas", "paths", "webhooks"] if has_webhooks(document) else ["schemas", "paths"],
        use_operation_id_as_name=True,
        emit_model_metadata=str(metadata_path),
        base_class=f"{_BASE_PLACEHOLDER}.ApiModel",
        use_annotated=True,
        field_constraints=True,
        use_standard_collections=True,
        use_union_operator=True,
        strict_nullable=True,
        snake_case_field=True,
        set_default_enum_member=True,
        naming_strategy="parent-prefixed",
        treat_dot_as_module=False,  # schema names with dots stay classes in one module
        collapse_root_models=True,  # fields name the inner type, so defaults type-check
        # EmailStr needs the email-validator package; generated packages depend on pydantic alone.
        type_mappings=["string+email=string", "string+idn-email=string"],
        use_subclass_enum=True,
        capitalise_enum_members=True,
        use_schema_description=True,
        use_field_description=True,
        use_double_quotes=True,
        disable_timestamp=True,
        custom_file_header=header,
        formatters=[],
    )


# Enums whose values are all strings, integers or numbers accept values the spec does not list yet:
# the bases datamodel-code-generator gives them -> the package's open enum of that kind.
_OPEN_ENUM_BASES = {
    ("str", "Enum"): "OpenEnum",
    ("int", "Enum"): "OpenIntEnum",
    ("IntEnum",): "OpenIntEnum",
    ("float", "Enum"): "OpenFloatEnum",
}


def _use_package_base(source: str, extra_names: tuple[str, ...] = ()) -> str:
    """Point the base-class import at the package's `_base` module and make enums tolerant of new values.

    Edits are placed by the module's AST: a class statement is rewritten only where it stands alone on
    its line as datamodel-code-generator writes it, and an import is dropped only when nothing uses it."""
    tree = parse_module(source)
    lines = code_lines(source)
    names: list[str] = list(extra_names)
    uses = Counter(n.id for n in ast.walk(tree) if isinstance(n, ast.Name))
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and not node.keywords and not node.decorator_list:
            bases = tuple(b.id for b in node.bases if isinstance(b, ast.Name))
            open_base = _OPEN_ENUM_BASES.get(bases) if len(bases) == len(node.bases) else None
            header = f"class {node.name}({', '.join(bases)}):"
            if open_base and lines[node.lineno - 1].strip() == header:
                lines[node.lineno - 1] = f"class {node.name}({open_base}):\n"
                uses.subtract(bases)
                if open_base not in names:
                    names.append(open_base)
    still_used = {name for name, count in uses.items() if count > 0}
    future_line = 0
    for node in tree.body:  # the edits above replaced lines one for one: the tree's line numbers still hold
        if not isinstance(node, ast.ImportFrom):
            continue
        if node.module == "__future__":
            future_line = node.end_lineno or node.lineno
        elif node.module == _BASE_PLACEHOLDER:
            names = [alias.name for alias in node.names] + names
            lines[node.lineno - 1 : (node.end_lineno or node.lineno)] = [""] * _span(node)
        elif node.module == "enum":
            kept = [alias.name for alias in node.names if alias.name in still_used]
            replacement = f"from enum import {', '.join(kept)}\n" if kept else ""
            lines[node.lineno - 1 : (node.end_lineno or node.lineno)] = [replacement] + [""] * (_span(node) - 1)
    if names:
        # after `from __future__ import annotations`, which must stay first
        lines.insert(future_line, ("\n" if future_line else "") + f"from ._base import {', '.join(sorted(set(names)))}\n")
    return "".join(lines)


def _span(node: ast.stmt) -> int:
    return (node.end_lineno or node.lineno) - node.lineno + 1


def _class_kinds(source: str) -> dict[str, str]:
    kinds: dict[str, str] = {}
    for node in parse_module(source).body:
        if isinstance(node, ast.ClassDef):
            bases = {ast.unparse(b) for b in node.bases}
            if "OpenEnum" in bases or any("Enum" in b for b in bases):
                kinds[node.name] = ENUM
            elif any(b.startswith("RootModel") for b in bases):
                kinds[node.name] = ROOT
            else:
                kinds[node.name] = MODEL
    return kinds
