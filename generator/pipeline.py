"""The whole run for one client: load -> validate -> models -> IR -> render -> format, all in memory."""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clientsmith import __version__
from clientsmith.ir.build import build_ir
from clientsmith.cache import Cache, NoCache, code_digest, digest
from clientsmith.config import SPLIT_MODELS_OVER, ClientTarget
from clientsmith.forked import Forked
from clientsmith.output.committed import CommittedOutput, reuse_record
from clientsmith.output.format import BLACK_KIND, format_files, format_key
from clientsmith.ir.nodes import Api
from clientsmith.spec.bundle import display_path
from clientsmith.spec.merge import MergedSpec, load_spec, spec_files
from clientsmith.models.generate import ModelsError, ModelsResult, generate_models
from clientsmith.diff.surface import api_surface, classes_from_surface
from clientsmith.problems import ERROR, Problem, SpecError
from clientsmith.progress import SILENT, Progress
from clientsmith.spec.overlay import apply_overlays
from clientsmith.spec.overlay import library_version as overlay_library_version
from clientsmith.spec.remote_refs import RemoteDocuments
from clientsmith.output.render import header_text, render_package
from clientsmith.models.split import split_models
from clientsmith.spec.validate import apply_leniency, validate_parts
from clientsmith.spec.validation_units import Known
from clientsmith.output.write import MANIFEST, WriteSummary, manifest_bytes, write_package
from clientsmith.output.base import BASE, base_bytes


@dataclass(frozen=True)
class GeneratedPackage:
    api: Api | None  # None when the whole package was reused from the committed output
    files: dict[str, bytes]  # relative to the output folder, manifest included
    warnings: tuple[Problem, ...]
    surface: dict[str, Any]  # the public Python API (generator.diff.surface), also kept in the manifest


def load_and_validate(
    spec_path: Path,
    base: Path | None = None,
    cache: Cache | None = None,
    lenient: bool = False,
    allow_remote_refs: bool = False,
    overlays: tuple[Path, ...] = (),
) -> tuple[MergedSpec, list[Problem]]:
    """The merged spec (overlays applied), or SpecError listing every error found. Returns the warnings."""
    cache = cache or NoCache()
    spec, key = _load(spec_path, base, cache, allow_remote_refs, overlays, lenient)
    return spec, _checked(_validation(spec, key, cache, in_background=False)()[0], lenient, spec.problems)


# Past this many path items and components, validation runs on the second core while models are made.
BACKGROUND_VALIDATION_OVER = 300


def _load(spec_path: Path, base: Path | None, cache: Cache, allow_remote_refs: bool,
          overlays: tuple[Path, ...] = (), lenient: bool = False) -> tuple[MergedSpec, str]:
    """The merged spec, overlays applied, and the key of its validation result."""
    remote = RemoteDocuments() if allow_remote_refs else None
    spec = load_spec(spec_path, base, cache, keep_going=True, remote=remote)
    fetched = remote.fetched_text if remote else []
    apply_overlays(spec, overlays, base or Path.cwd(), lenient, cache)
    # Problems (with their files and lines) depend only on the files' names and bytes (and what was fetched).
    key = digest("validate", code_digest(), _validator_version(),
                 *(part for f in spec.files for part in (f.display, f.digest)), *fetched,
                 *overlays_key_parts(overlays, base or Path.cwd()))
    return spec, key


def overlays_key_parts(overlays: tuple[Path, ...], base: Path) -> list[str | bytes]:
    """The overlays' names and bytes, and the JSONPath library that selects: inputs like the spec's files."""
    if not overlays:
        return []
    parts: list[str | bytes] = ["overlays", overlay_library_version()]
    for path in overlays:
        try:
            data = path.read_bytes()
        except OSError:
            data = b"\0missing"  # reported when the overlay is read; the key must only differ
        parts += [display_path(path, base), data]
    return parts


def _validation(spec: MergedSpec, key: str, cache: Cache, in_background: bool,
                recorded: Known | None = None) -> Callable[[], tuple[tuple, Known]]:
    """A function giving the validation result (schema problems, own problems) and the per-unit results
    to keep for the next run; with `in_background`, the work has started in a forked child when this
    returns. `recorded` holds per-unit results of an earlier version (the committed output's record)."""
    hit = cache.get("validate", key)
    if isinstance(hit, tuple) and len(hit) == 2 and isinstance(hit[1], dict):
        return lambda: hit
    # Per-unit results of this spec's last validation: only changed units are validated again.
    known = cache.get("validate-units", units_key(spec))
    known = known if isinstance(known, dict) else dict(recorded or {})

    def work() -> tuple[tuple, Known]:
        return validate_parts(spec, known), known

    job = Forked(work) if in_background else None
    done: list[tuple[tuple, Known]] = []

    def finish() -> tuple[tuple, Known]:
        if not done:
            done.append(job.result() if job is not None else work())
            cache.put("validate", key, done[0])
            cache.put("validate-units", units_key(spec), done[0][1])
        return done[0]

    return finish


def units_key(spec: MergedSpec) -> str:
    """What per-unit validation results are valid for: the validator and our code (and this spec)."""
    return digest("validate-units", code_digest(), _validator_version(), spec.source_name)


def _checked(parts: tuple, lenient: bool, loading: list[Problem]) -> list[Problem]:
    """The warnings, or SpecError listing every problem when there is an error (with those of loading)."""
    problems = sorted(set(apply_leniency(*parts, lenient) + loading))
    if any(p.level == ERROR for p in problems):
        raise SpecError(problems)
    return problems


def spec_hash(spec: MergedSpec) -> str:
    """Hash of the merged document: fragment file names and order do not change it (merging sorts)."""
    canonical = json.dumps(spec.document, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def build_api(
    spec: MergedSpec, package: str, distribution: str, cache: Cache | None = None
) -> tuple[Api, ModelsResult]:
    """The IR and the models for a validated spec."""
    models = _models(spec, cache or NoCache())
    return build_ir(spec, models, package, distribution), models


def models_key(spec: MergedSpec) -> str:
    """Everything the models are made from (operation prose, tags and security do not count)."""
    return digest("models", code_digest(), _models_version(), _python_version(),
                  "# " + header_text(spec.source_name), json.dumps(model_inputs(spec.document), default=str))


def _models(spec: MergedSpec, cache: Cache) -> ModelsResult:
    key = models_key(spec)
    models = cache.get("models", key)
    if not isinstance(models, ModelsResult):
        try:
            models = generate_models(spec.document, "# " + header_text(spec.source_name))
        except ModelsError as exc:
            raise SpecError([spec.problem("/components/schemas", str(exc))]) from None
        cache.put("models", key, models)
    return models


def model_inputs(document: dict) -> dict:
    """The parts of a document the models depend on: operation prose, tags and security do not count."""
    kept = ("operationId", "parameters", "requestBody", "responses")
    paths = {
        path: {
            method: {k: v for k, v in op.items() if k in kept} if isinstance(op, dict) else op
            for method, op in item.items()
        }
        if isinstance(item, dict)
        else item
        for path, item in (document.get("paths") or {}).items()
    }
    return {**document, "paths": paths, "info": {}, "tags": [], "servers": []}


def _validator_version() -> str:
    from importlib.metadata import version

    return version("openapi-spec-validator")


def _models_version() -> str:
    from importlib.metadata import version

    return version("datamodel-code-generator")


def _python_version() -> str:
    return "python-%d.%d" % sys.version_info[:2]


def package_key(target: ClientTarget, base: Path | None) -> str:
    """Everything a package is made from: spec file names and bytes, templates, names, generator code."""
    from clientsmith.spec.merge import display_path

    base = base or Path.cwd()
    parts: list[str | bytes] = ["package", code_digest(), _validator_version(), _models_version(), BLACK_KIND,
                                _python_version(), target.package, target.distribution, display_path(target.spec, base),
                                str(target.lenient), target.models, target.paging,
                                *overlays_key_parts(target.overlays, base)]
    if target.webhook_signature is not None:  # only when set: other packages' keys (in manifests) stay as they were
        parts += ["webhook_signature", json.dumps(target.webhook_signature.value, sort_keys=True, default=str),
                  target.webhook_signature.file, str(target.webhook_signature.line)]
    for path in spec_files(target.spec):
        parts += [display_path(path, base), path.read_bytes()]
    if target.templates is not None:
        for path in sorted(p for p in target.templates.rglob("*") if p.is_file()):
            parts += [path.relative_to(target.templates).as_posix(), path.read_bytes()]
    return digest(*parts)


def build_package(
    target: ClientTarget, base: Path | None = None, cache: Cache | None = None, progress: Progress = SILENT,
    reuse: bool = False,
) -> GeneratedPackage:
    """The package's files. With `reuse`, what the committed output in `target.output` still holds of an
    earlier run is taken rather than recomputed (see output/committed.py); the bytes are the same."""
    cache = cache or NoCache()
    base = base or Path.cwd()
    committed = CommittedOutput(target.output) if reuse else None
    key = ""
    # Remote documents are not content-addressed by the package key: such specs skip the package cache.
    if target.spec.exists() and not target.allow_remote_refs:
        key = package_key(target, base)
        # Files reached by file refs are known once loaded: the last build of this key recorded them.
        if committed is not None:
            inputs = _with_files(key, committed.referenced(), base)
            reused = committed.package(inputs) if inputs else None
            if reused is not None:
                files, warnings, surface = reused
                return GeneratedPackage(None, files, tuple(warnings), surface)
    if key and not isinstance(cache, NoCache):
        referenced = cache.get("package-refs", key)
        full_key = _with_files(key, referenced, base) if isinstance(referenced, list) else None
        hit = cache.get("package", full_key) if full_key else None
        if isinstance(hit, GeneratedPackage):
            return hit
    package, referenced = _build_package(target, base, cache, progress, committed, key)
    full_key = _with_files(key, referenced, base) if key else None
    if key and full_key:
        cache.put("package-refs", key, referenced)
        cache.put("package", full_key, package)
    return package


def _with_files(key: str, names: list[str], base: Path) -> str | None:
    """`key` extended with the bytes of the files `names` (relative to `base`); None when one cannot be read."""
    try:
        return digest(key, *(part for name in names for part in (name, (base / name).read_bytes())))
    except OSError:
        return None


def _build_package(target: ClientTarget, base: Path, cache: Cache, progress: Progress,
                   committed: CommittedOutput | None, key: str) -> tuple[GeneratedPackage, list[str]]:
    """The package, and the files file refs reached beyond the spec's own (relative to `base`)."""
    progress.stage("loading")
    spec, validation_key = _load(target.spec, base, cache, target.allow_remote_refs, target.overlays, target.lenient)
    document = spec.document
    own = {path.resolve() for path in spec_files(target.spec)}
    referenced = sorted({display_path(f.path, base) for f in spec.files if f.path.resolve() not in own})
    size = len(document.get("paths") or {}) + sum(
        len(section) for section in (document.get("components") or {}).values() if isinstance(section, dict))
    background = size > BACKGROUND_VALIDATION_OVER
    recorded = committed.validation_units(units_key(spec)) if committed else None
    finish_validation = _validation(spec, validation_key, cache, background, recorded)
    if not background:  # small specs: nothing is generated from an invalid one
        progress.stage("validating")
        warnings = _checked(finish_validation()[0], target.lenient, spec.problems)
    elif any(p.level == ERROR for p in spec.problems):
        _checked(finish_validation()[0], target.lenient, spec.problems)
    progress.stage("generating models")
    header = header_text(spec.source_name)
    # Formatted (and split) models are reusable when the models' inputs, black and the layout are the same.
    models_output_key = digest(models_key(spec), BLACK_KIND, target.models, target.package)
    reused_models = committed.models(models_output_key) if committed else None
    try:
        if reused_models is not None:
            models = ModelsResult("", reused_models["class_by_pointer"], reused_models["kind_by_class"])
        else:
            models = _models(spec, cache)
        api = build_ir(spec, models, target.package, target.distribution, target.paging, target.webhook_signature)
    except BaseException:
        if background:
            _checked(finish_validation()[0], target.lenient, spec.problems)  # the problem validation finds is the one
        raise
    if background:
        progress.stage("validating")
        warnings = _checked(finish_validation()[0], target.lenient, spec.problems)
    progress.stage(f"rendering {len(api.operations)} operations in {len(api.resources)} modules")
    texts = render_package(api, target.templates, cache.folder("templates"))
    formatted_keys = {path: format_key(text) for path, text in texts.items() if path.endswith(".py")}
    models_path = f"{target.package}/models.py"
    if reused_models is None:
        texts[models_path] = models.source
    kept = {path: text for path, k in formatted_keys.items()
            if committed is not None and (text := committed.formatted(path, k)) is not None}
    fresh = format_files({p: t for p, t in texts.items() if p not in kept}, cache, progress=progress)
    texts = {path: kept[path] if path in kept else fresh[path] for path in texts}
    if reused_models is not None:
        texts.update(reused_models["texts"])
        classes = classes_from_surface(reused_models["surface"])
    else:
        classes = None
        if split_models_wanted(models, target):
            # Formatted whole (in cached chunks), then split: the modules keep black's layout.
            texts.update(split_modules(texts.pop(models_path), header, target.package, cache))
    files = {path: text.encode("utf-8") for path, text in texts.items()}
    surface = api_surface(api, models, document, classes)
    models_files = sorted(p for p in files if p == models_path or p.startswith(f"{target.package}/models/"))
    reuse = reuse_record(
        _with_files(key, referenced, base) or "" if key else "", referenced, warnings,
        {"key": units_key(spec), "units": finish_validation()[1]}, formatted_keys,
        {"key": models_output_key, "files": models_files, "class_by_pointer": models.class_by_pointer,
         "kind_by_class": models.kind_by_class})
    files[MANIFEST] = manifest_bytes(files, header_text(api.spec_source), __version__, spec_hash(spec), surface,
                                     reuse)
    files[BASE] = base_bytes({path: data for path, data in files.items() if path != MANIFEST})  # edits' merge base
    return GeneratedPackage(api, files, tuple(warnings), surface), referenced


def split_models_wanted(models: ModelsResult, target: ClientTarget) -> bool:
    """A `models/` package rather than `models.py`: when asked, or for specs with many models."""
    return target.models == "package" or (target.models == "auto" and len(models.kind_by_class) > SPLIT_MODELS_OVER)


def split_modules(source: str, header: str, package: str, cache: Cache) -> dict[str, str]:
    key = digest("split", code_digest(), header, source)
    modules = cache.get("split", key)
    if not isinstance(modules, dict):
        modules = split_models(source, "# " + header)
        cache.put("split", key, modules)
    return {f"{package}/models/{name}": text for name, text in modules.items()}


def spec_surface(
    spec_path: Path, package: str, distribution: str, base: Path | None = None, cache: Cache | None = None,
    lenient: bool = False, allow_remote_refs: bool = False, overlays: tuple[Path, ...] = (),
) -> tuple[MergedSpec, dict[str, Any]]:
    """The public Python API the spec would give, without rendering it: what `clientsmith diff` compares."""
    spec, _ = load_and_validate(spec_path, base, cache, lenient, allow_remote_refs, overlays)
    api, models = build_api(spec, package, distribution, cache)
    return spec, api_surface(api, models, spec.document)


def generate(target: ClientTarget, base: Path | None = None, cache: Cache | None = None) -> WriteSummary:
    package = build_package(target, base, cache)
    return write_package(target.output, package.files)
