"""Pydantic v2 models through datamodel-code-generator, run in-process, with its schema-to-class map, and
the passes that reshape its module into what the package's users see."""

from __future__ import annotations

import ast
import json
import tempfile
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clientsmith.models.bare_generics import parameterized_generics
from clientsmith.models.chosen_unions import MARKER, mark_chosen_unions
from clientsmith.models.defaults import fit_defaults
from clientsmith.models.edit_buffer import EditBuffer
from clientsmith.models.file_inputs import file_inputs, multipart_schemas
from clientsmith.models.module_imports import drop_unused_imports
from clientsmith.models.overrides import reconcile_overrides
from clientsmith.models.package_base import BASE_PLACEHOLDER, use_package_base
from clientsmith.models.prepare import has_webhooks, prepare_for_models
from clientsmith.models.readable import readable_models
from clientsmith.models.rebuilds import drop_rebuilds
from clientsmith.models.unions import plain_union_members

MODEL, ENUM, ROOT = "model", "enum", "root"


@dataclass(frozen=True)
class ModelsResult:
    """The models module source and, for each schema pointer, the class made from it."""

    source: str
    class_by_pointer: dict[str, str]
    kind_by_class: dict[str, str]


@dataclass
class _Run:
    """What the passes are given, and what they learn that a later pass or the result needs."""

    document: dict[str, Any]
    metadata: list[dict[str, Any]]  # datamodel-code-generator's: one entry per class, with its schema pointer
    unwrapped: set[str] = field(default_factory=set)
    class_by_pointer: dict[str, str] = field(default_factory=dict)
    file_fields: bool = False
    chosen_unions: bool = False


def _plain_union_members(buffer: EditBuffer, run: _Run) -> None:
    top_level = {m["class_name"] for m in run.metadata if str(m["source_ref"]).count("/") == 3}  # #/components/schemas/X
    run.unwrapped = plain_union_members(buffer, kept=top_level)


def _readable_names(buffer: EditBuffer, run: _Run) -> None:
    pointers = [(str(m["source_ref"]).lstrip("#"), str(m["class_name"])) for m in run.metadata
                if m["class_name"] not in run.unwrapped]
    run.class_by_pointer = readable_models(buffer, pointers)


def _file_inputs(buffer: EditBuffer, run: _Run) -> None:
    uploads = {run.class_by_pointer[p] for p in multipart_schemas(run.document) if p in run.class_by_pointer}
    run.file_fields = file_inputs(buffer, uploads)


def _chosen_unions(buffer: EditBuffer, run: _Run) -> None:
    run.chosen_unions = mark_chosen_unions(buffer)


def _package_base(buffer: EditBuffer, run: _Run) -> None:
    use_package_base(buffer, ("FileInput",) * run.file_fields + (MARKER,) * run.chosen_unions)


# The passes over datamodel-code-generator's module, in the order they run: each reads the module as the
# passes before it left it and queues its edits, made when it returns.
MODEL_PASSES: tuple[tuple[str, Callable[[EditBuffer, _Run], None]], ...] = (
    # Wrappers of constrained primitives in unions become `Annotated` members: fields take plain values.
    ("plain union members", _plain_union_members),
    # One class per schema, nested ones named after their owner; the wrappers dropped above get no name.
    ("readable names", _readable_names),
    # Bare `list`/`dict` given `Any`: mypy --strict refuses them.
    ("bare generics", lambda buffer, run: parameterized_generics(buffer)),
    # Defaults built into the field's types, which must be final (named, parameterized) by now.
    ("defaults", lambda buffer, run: fit_defaults(buffer)),
    # `bytes` in multipart body models takes files too; needs the final class names.
    ("file inputs", _file_inputs),
    # Unions of models an enum field tells apart validate the member that lists the value first.
    ("chosen unions", _chosen_unions),
    # The package's own base model and open enums; imports `FileInput` and `ChosenBy` when used above.
    ("package base", _package_base),
    # Validators of models that name later ones built on first use, not by `X.model_rebuild()` at import.
    ("deferred rebuilds", lambda buffer, run: drop_rebuilds(buffer)),
    # Last: overrides are judged on the final field types and bases (open enums included); it edits in
    # rounds, as a class it flattens may leave its subclasses clashing.
    ("reconcile overrides", lambda buffer, run: reconcile_overrides(buffer)),
    # What the passes above left imported but unused (users' linters report it).
    ("unused imports", lambda buffer, run: drop_unused_imports(buffer)),
)


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
    buffer = EditBuffer(source)
    run = _Run(document, metadata.get("models", []))
    for name, reshape in MODEL_PASSES:
        reshape(buffer, run)
        buffer.apply(by=name)
    return ModelsResult(buffer.source, run.class_by_pointer, _class_kinds(buffer.tree))


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
        base_class=f"{BASE_PLACEHOLDER}.ApiModel",
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


def _class_kinds(tree: ast.Module) -> dict[str, str]:
    kinds: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            bases = {ast.unparse(b) for b in node.bases}
            if "OpenEnum" in bases or any("Enum" in b for b in bases):
                kinds[node.name] = ENUM
            elif any(b.startswith("RootModel") for b in bases):
                kinds[node.name] = ROOT
            else:
                kinds[node.name] = MODEL
    return kinds
