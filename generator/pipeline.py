"""The whole run for one client: load -> validate -> models -> IR -> render -> format, all in memory."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .build_ir import build_ir
from .config import ClientTarget
from .format import format_files
from .ir import Api
from .merge import MergedSpec, load_spec
from .models import generate_models
from .problems import ERROR, Problem, SpecError
from .render import header_text, render_package
from .validate import validate
from .write import MANIFEST, WriteSummary, manifest_bytes, write_package


@dataclass(frozen=True)
class GeneratedPackage:
    api: Api
    files: dict[str, bytes]  # relative to the output folder, manifest included
    warnings: tuple[Problem, ...]


def load_and_validate(spec_path: Path, base: Path | None = None) -> tuple[MergedSpec, list[Problem]]:
    """The merged spec, or SpecError listing every error found. Returns the warnings."""
    spec = load_spec(spec_path, base)
    problems = validate(spec)
    errors = [p for p in problems if p.level == ERROR]
    if errors:
        raise SpecError(problems)
    return spec, problems


def spec_hash(spec: MergedSpec) -> str:
    canonical = json.dumps(spec.document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def build_api(spec: MergedSpec, package: str, distribution: str) -> tuple[Api, str]:
    """The IR and the models module source for a validated spec."""
    header = "# " + header_text(spec.source_name)
    models = generate_models(spec.document, header)
    return build_ir(spec, models, package, distribution), models.source


def build_package(target: ClientTarget, base: Path | None = None) -> GeneratedPackage:
    spec, warnings = load_and_validate(target.spec, base)
    api, models_source = build_api(spec, target.package, target.distribution)
    texts = render_package(api, target.templates)
    texts[f"{target.package}/models.py"] = models_source
    texts = format_files(texts)
    files = {path: text.encode("utf-8") for path, text in texts.items()}
    files[MANIFEST] = manifest_bytes(files, header_text(api.spec_source), __version__, spec_hash(spec))
    return GeneratedPackage(api, files, tuple(warnings))


def generate(target: ClientTarget, base: Path | None = None) -> WriteSummary:
    package = build_package(target, base)
    return write_package(target.output, package.files)
