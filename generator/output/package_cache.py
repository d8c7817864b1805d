"""A whole generated package kept by what it is made from, so an unchanged client costs no generation.

Two places hold earlier packages: the committed output (its manifest records the key it was made from)
and the cache folder. Files reached by file refs are known only once the spec is loaded, so the key is
kept in two steps: the inputs known before loading, then those plus the bytes of the files last reached.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clientsmith import tool_versions
from clientsmith.cache import Cache, NoCache, code_digest, digest
from clientsmith.config import ClientTarget
from clientsmith.ir.nodes import Api
from clientsmith.output.committed import CommittedOutput
from clientsmith.output.format import BLACK_KIND
from clientsmith.problems import Problem
from clientsmith.spec.loading import overlays_key_parts
from clientsmith.spec.merge import display_path, spec_files


@dataclass(frozen=True)
class GeneratedPackage:
    api: Api | None  # None when the whole package was reused from the committed output
    files: dict[str, bytes]  # relative to the output folder, manifest included
    warnings: tuple[Problem, ...]
    surface: dict[str, Any]  # the public Python API (generator.diff.surface), also kept in the manifest


class PackageStore:
    """Looks a target's package up in the committed output and the cache, and keeps a new one."""

    def __init__(self, target: ClientTarget, base: Path, cache: Cache, committed: CommittedOutput | None) -> None:
        self._base, self._cache, self._committed = base, cache, committed
        # Remote documents are not content-addressed by the package key: such specs skip the package cache.
        self.key = package_key(target, base) if target.spec.exists() and not target.allow_remote_refs else ""

    def lookup(self) -> GeneratedPackage | None:
        if not self.key:
            return None
        # Files reached by file refs are known once loaded: the last build of this key recorded them.
        if self._committed is not None:
            inputs = with_files(self.key, self._committed.referenced(), self._base)
            reused = self._committed.package(inputs) if inputs else None
            if reused is not None:
                files, warnings, surface = reused
                return GeneratedPackage(None, files, tuple(warnings), surface)
        if isinstance(self._cache, NoCache):
            return None
        referenced = self._cache.get("package-refs", self.key)
        full_key = with_files(self.key, referenced, self._base) if isinstance(referenced, list) else None
        hit = self._cache.get("package", full_key) if full_key else None
        return hit if isinstance(hit, GeneratedPackage) else None

    def inputs_key(self, referenced: list[str]) -> str:
        """The key with the referenced files' bytes, as the manifest records it ("" when there is none)."""
        return (with_files(self.key, referenced, self._base) or "") if self.key else ""

    def keep(self, package: GeneratedPackage, referenced: list[str]) -> None:
        full_key = self.inputs_key(referenced)
        if full_key:
            self._cache.put("package-refs", self.key, referenced)
            self._cache.put("package", full_key, package)


def package_key(target: ClientTarget, base: Path) -> str:
    """Everything a package is made from: spec file names and bytes, templates, names, generator code."""
    parts: list[str | bytes] = ["package", code_digest(), tool_versions.validator_version(),
                                tool_versions.models_version(), BLACK_KIND, tool_versions.python_version(),
                                target.package, target.distribution, display_path(target.spec, base),
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


def with_files(key: str, names: list[str], base: Path) -> str | None:
    """`key` extended with the bytes of the files `names` (relative to `base`); None when one cannot be read."""
    try:
        return digest(key, *(part for name in names for part in (name, (base / name).read_bytes())))
    except OSError:
        return None
