"""Pydantic v2 models through datamodel-code-generator, run in-process, with its schema-to-class map."""

from __future__ import annotations

import ast
import json
import re
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# datamodel-code-generator emits `from <this> import ApiModel`; we point it at the package's own `_base`
# module, so the generated package imports nothing from outside itself.
_BASE_PLACEHOLDER = "clientsmith_model_base"
_BASE_IMPORT = re.compile(rf"^from {_BASE_PLACEHOLDER} import (.+)$", re.MULTILINE)
_STR_ENUM_CLASS = re.compile(r"^class (\w+)\(str, Enum\):$", re.MULTILINE)
_ENUM_IMPORT = re.compile(r"^from enum import Enum\n", re.MULTILINE)

MODEL, ENUM, ROOT = "model", "enum", "root"


@dataclass(frozen=True)
class ModelsResult:
    """The models module source and, for each schema pointer, the class made from it."""

    source: str
    class_by_pointer: dict[str, str]
    kind_by_class: dict[str, str]


_PRIMITIVE_TYPES: dict[str, tuple[type, ...]] = {
    "boolean": (bool,),
    "integer": (int,),
    "number": (int, float),
    "string": (str,),
}


def prepare_for_models(node: Any) -> Any:
    """The document with what datamodel-code-generator mistypes settled, copying only what changes.

    `nullable: false` is the default and is dropped (the generator otherwise types the field
    non-optional with a None default); a `default` that does not fit its primitive `type` is coerced
    when unambiguous ("false" for a boolean) and dropped otherwise. `clientsmith validate` reports these.
    """
    if isinstance(node, list):
        items = [prepare_for_models(item) for item in node]
        return node if all(a is b for a, b in zip(items, node)) else items
    if not isinstance(node, dict):
        return node
    changed = {key: prepare_for_models(value) for key, value in node.items()}
    if node.get("nullable") is False:
        del changed["nullable"]
    kind = node.get("type")
    if "default" in node and isinstance(kind, str) and kind in _PRIMITIVE_TYPES:
        default = node["default"]
        fits = isinstance(default, _PRIMITIVE_TYPES[kind]) and not (kind != "boolean" and isinstance(default, bool))
        if not fits and not (default is None and node.get("nullable") is True):
            fixed = _coerce(default, kind)
            if fixed is None:
                del changed["default"]
            else:
                changed["default"] = fixed
    if len(changed) == len(node) and all(changed[k] is node[k] for k in node):
        return node
    return changed


def _coerce(value: Any, kind: str) -> Any:
    if isinstance(value, str):
        text = value.strip().lower()
        if kind == "boolean" and text in ("true", "false"):
            return text == "true"
        if kind in ("integer", "number"):
            try:
                number = float(text)
            except ValueError:
                return None
            return int(number) if kind == "integer" and number.is_integer() else number if kind == "number" else None
    if kind == "string" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None


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
    source = _use_package_base(source)
    class_by_pointer = {m["source_ref"].lstrip("#"): m["class_name"] for m in metadata.get("models", [])}
    return ModelsResult(source, class_by_pointer, _class_kinds(source))


class ModelsError(Exception):
    """datamodel-code-generator refused the document."""


def _run_generator(document: dict[str, Any], header: str, metadata_path: Path) -> Any:
    from datamodel_code_generator import DataModelType, InputFileType, PythonVersion, generate

    return generate(
        document,
        input_file_type=InputFileType.OpenAPI,
        output_model_type=DataModelType.PydanticV2BaseModel,
        target_python_version=PythonVersion.PY_310,
        openapi_scopes=["schemas", "paths"],
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


def _use_package_base(source: str) -> str:
    """Point the base-class import at the package's `_base` module and make enums tolerant of new values."""
    uses_enum = bool(_STR_ENUM_CLASS.search(source))
    source = _STR_ENUM_CLASS.sub(r"class \1(OpenEnum):", source)
    names = ["ApiModel"] if _BASE_IMPORT.search(source) else []
    if uses_enum:
        names.append("OpenEnum")
        if not _uses_name(source, "Enum"):  # a boolean or untyped enum stays a plain Enum and needs it
            source = _ENUM_IMPORT.sub("", source)
    source = _BASE_IMPORT.sub("", source)
    if names:
        # after `from __future__ import annotations`, which must stay first
        future = "from __future__ import annotations\n"
        import_line = f"from ._base import {', '.join(names)}\n"
        if future in source:
            source = source.replace(future, future + "\n" + import_line, 1)
        else:
            source = import_line + source
    return source


def _uses_name(source: str, name: str) -> bool:
    """Whether any statement other than an import refers to `name`."""
    return any(isinstance(child, ast.Name) and child.id == name
               for node in ast.parse(source).body if not isinstance(node, ast.Import | ast.ImportFrom)
               for child in ast.walk(node))


def _class_kinds(source: str) -> dict[str, str]:
    kinds: dict[str, str] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.ClassDef):
            bases = {ast.unparse(b) for b in node.bases}
            if "OpenEnum" in bases or any("Enum" in b for b in bases):
                kinds[node.name] = ENUM
            elif any(b.startswith("RootModel") for b in bases):
                kinds[node.name] = ROOT
            else:
                kinds[node.name] = MODEL
    return kinds
