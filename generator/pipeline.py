"""The whole run for one client, as a list of stages: load -> validate -> models -> IR -> render -> format.

Each stage owns its keys and reuse decisions (spec/loading, spec/validation_job, models/reuse,
output/package_cache, output/committed); this module only says in which order they run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from clientsmith import __version__
from clientsmith.cache import Cache, NoCache
from clientsmith.config import ClientTarget
from clientsmith.diff.surface import api_surface, classes_from_surface
from clientsmith.ir.build import build_ir
from clientsmith.ir.nodes import Api
from clientsmith.models.generate import ModelsResult
from clientsmith.models.reuse import cached_models, formatted_models_key, split_models_wanted, split_modules
from clientsmith.output.base import BASE, base_bytes
from clientsmith.output.committed import CommittedOutput, reuse_record
from clientsmith.output.format import BLACK_KIND, format_files, format_key
from clientsmith.output.package_cache import GeneratedPackage, PackageStore
from clientsmith.output.render import header_text, render_package
from clientsmith.output.write import MANIFEST, WriteSummary, manifest_bytes, write_package
from clientsmith.problems import ERROR, Problem
from clientsmith.progress import SILENT, Progress
from clientsmith.spec.bundle import display_path
from clientsmith.spec.loading import load, load_and_validate, spec_hash
from clientsmith.spec.merge import MergedSpec, spec_files
from clientsmith.spec.validation_job import checked, in_background, units_key, validation

__all__ = ["GeneratedPackage", "build_api", "build_package", "generate", "load_and_validate", "spec_surface"]


def generate(target: ClientTarget, base: Path | None = None, cache: Cache | None = None) -> WriteSummary:
    package = build_package(target, base, cache)
    return write_package(target.output, package.files)


def build_package(
    target: ClientTarget, base: Path | None = None, cache: Cache | None = None, progress: Progress = SILENT,
    reuse: bool = False,
) -> GeneratedPackage:
    """The package's files. With `reuse`, what the committed output in `target.output` still holds of an
    earlier run is taken rather than recomputed (see output/committed.py); the bytes are the same."""
    cache = cache or NoCache()
    base = base or Path.cwd()
    committed = CommittedOutput(target.output) if reuse else None
    store = PackageStore(target, base, cache, committed)
    package = store.lookup()
    if package is None:
        package, referenced = _build_package(target, base, cache, progress, committed, store)
        store.keep(package, referenced)
    return package


def _build_package(target: ClientTarget, base: Path, cache: Cache, progress: Progress,
                   committed: CommittedOutput | None, store: PackageStore) -> tuple[GeneratedPackage, list[str]]:
    """The package, and the files file refs reached beyond the spec's own (relative to `base`)."""
    progress.stage("loading")
    spec, validation_key = load(target.spec, base, cache, target.allow_remote_refs, target.overlays, target.lenient)
    own = {path.resolve() for path in spec_files(target.spec)}
    referenced = sorted({display_path(f.path, base) for f in spec.files if f.path.resolve() not in own})
    # Large specs are validated on the other core while the models are made; small ones first.
    background = in_background(spec)
    recorded = committed.validation_units(units_key(spec)) if committed else None
    finish_validation = validation(spec, validation_key, cache, background, recorded)
    warnings: list[Problem] = []
    if not background or any(p.level == ERROR for p in spec.problems):
        progress.stage("validating")
        warnings = checked(finish_validation()[0], target.lenient, spec.problems)

    progress.stage("generating models")
    header = header_text(spec.source_name)
    models_key = formatted_models_key(spec, header, BLACK_KIND, target)
    reused_models = committed.models(models_key) if committed else None
    try:
        models = (ModelsResult("", reused_models["class_by_pointer"], reused_models["kind_by_class"])
                  if reused_models is not None else cached_models(spec, header, cache))
        api = build_ir(spec, models, target.package, target.distribution, target.paging, target.webhook_signature)
    except BaseException:
        if background:  # the problem validation finds is the one to report
            checked(finish_validation()[0], target.lenient, spec.problems)
        raise
    if background:
        progress.stage("validating")
        warnings = checked(finish_validation()[0], target.lenient, spec.problems)

    progress.stage(f"rendering {len(api.operations)} operations in {len(api.resources)} modules")
    texts = render_package(api, target.templates, cache.folder("templates"))
    formatted_keys = {path: format_key(text) for path, text in texts.items() if path.endswith(".py")}
    models_path = f"{target.package}/models.py"
    if reused_models is None:
        texts[models_path] = models.source
    texts = _formatted(texts, formatted_keys, committed, cache, progress)
    classes = None
    if reused_models is not None:
        texts.update(reused_models["texts"])
        classes = classes_from_surface(reused_models["surface"])
    elif split_models_wanted(models, target):
        # Formatted whole (in cached chunks), then split: the modules keep black's layout.
        texts.update(split_modules(texts.pop(models_path), header, target.package, cache))

    files = {path: text.encode("utf-8") for path, text in texts.items()}
    surface = api_surface(api, models, spec.document, classes)
    models_files = sorted(p for p in files if p == models_path or p.startswith(f"{target.package}/models/"))
    reuse = reuse_record(
        store.inputs_key(referenced), referenced, warnings,
        {"key": units_key(spec), "units": finish_validation()[1]}, formatted_keys,
        {"key": models_key, "files": models_files, "class_by_pointer": models.class_by_pointer,
         "kind_by_class": models.kind_by_class})
    files[MANIFEST] = manifest_bytes(files, header_text(api.spec_source), __version__, spec_hash(spec), surface,
                                     reuse)
    files[BASE] = base_bytes({path: data for path, data in files.items() if path != MANIFEST})  # edits' merge base
    return GeneratedPackage(api, files, tuple(warnings), surface), referenced


def _formatted(texts: dict[str, str], keys: dict[str, str], committed: CommittedOutput | None, cache: Cache,
               progress: Progress) -> dict[str, str]:
    """Every module through black, except those the committed output holds formatted from the same text."""
    kept = {path: text for path, key in keys.items()
            if committed is not None and (text := committed.formatted(path, key)) is not None}
    fresh = format_files({p: t for p, t in texts.items() if p not in kept}, cache, progress=progress)
    return {path: kept[path] if path in kept else fresh[path] for path in texts}


def build_api(
    spec: MergedSpec, package: str, distribution: str, cache: Cache | None = None
) -> tuple[Api, ModelsResult]:
    """The IR and the models for a validated spec."""
    models = cached_models(spec, header_text(spec.source_name), cache or NoCache())
    return build_ir(spec, models, package, distribution), models


def spec_surface(
    spec_path: Path, package: str, distribution: str, base: Path | None = None, cache: Cache | None = None,
    lenient: bool = False, allow_remote_refs: bool = False, overlays: tuple[Path, ...] = (),
) -> tuple[MergedSpec, dict[str, Any]]:
    """The public Python API the spec would give, without rendering it: what `clientsmith diff` compares."""
    spec, _ = load_and_validate(spec_path, base, cache, lenient, allow_remote_refs, overlays)
    api, models = build_api(spec, package, distribution, cache)
    return spec, api_surface(api, models, spec.document)
