"""The spec as the later stages take it: fragments merged, overlays applied, and the key of its validation."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from clientsmith import tool_versions
from clientsmith.cache import Cache, NoCache, code_digest, digest
from clientsmith.problems import Problem
from clientsmith.spec.bundle import display_path
from clientsmith.spec.merge import MergedSpec, load_spec
from clientsmith.spec.overlay import apply_overlays
from clientsmith.spec.overlay import library_version as overlay_library_version
from clientsmith.spec.remote_refs import RemoteDocuments
from clientsmith.spec.validation_job import checked, validation


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
    spec, key = load(spec_path, base, cache, allow_remote_refs, overlays, lenient)
    return spec, checked(validation(spec, key, cache, background=False)()[0], lenient, spec.problems)


def load(spec_path: Path, base: Path | None, cache: Cache, allow_remote_refs: bool,
         overlays: tuple[Path, ...] = (), lenient: bool = False) -> tuple[MergedSpec, str]:
    """The merged spec, overlays applied, and the key of its validation result."""
    remote = RemoteDocuments() if allow_remote_refs else None
    spec = load_spec(spec_path, base, cache, keep_going=True, remote=remote)
    fetched = remote.fetched_text if remote else []
    apply_overlays(spec, overlays, base or Path.cwd(), lenient, cache)
    # Problems (with their files and lines) depend only on the files' names and bytes (and what was fetched).
    key = digest("validate", code_digest(), tool_versions.validator_version(),
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


def spec_hash(spec: MergedSpec) -> str:
    """Hash of the merged document: fragment file names and order do not change it (merging sorts)."""
    canonical = json.dumps(spec.document, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
