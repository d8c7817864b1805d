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


def generate_models(document: dict[str, Any], header: str) -> ModelsResult:
    from datamodel_code_generator import DataModelType, InputFileType, PythonVersion, generate

    with tempfile.TemporaryDirectory(prefix="clientsmith-") as tmp:
        metadata_path = Path(tmp) / "metadata.json"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # its deprecation chatter is not the user's concern
            source = generate(
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
        metadata = json.loads(metadata_path.read_text(encoding="utf-8")) if metadata_path.exists() else {"models": []}
    if not isinstance(source, str):  # a single module is asked for; anything else is a bug here
        raise RuntimeError("datamodel-code-generator returned several modules")
    source = _use_package_base(source)
    class_by_pointer = {m["source_ref"].lstrip("#"): m["class_name"] for m in metadata.get("models", [])}
    return ModelsResult(source, class_by_pointer, _class_kinds(source))


def _use_package_base(source: str) -> str:
    """Point the base-class import at the package's `_base` module and make enums tolerant of new values."""
    uses_enum = bool(_STR_ENUM_CLASS.search(source))
    source = _STR_ENUM_CLASS.sub(r"class \1(OpenEnum):", source)
    names = ["ApiModel"] if _BASE_IMPORT.search(source) else []
    if uses_enum:
        names.append("OpenEnum")
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
