"""Write a generated package: only changed files, all or nothing, never touching files we did not make."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clientsmith.output.base import BASE, same_base

MANIFEST = ".clientsmith-manifest.json"


@dataclass
class WriteSummary:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def line(self, name: str) -> str:
        return (
            f"{name}: {len(self.added)} added, {len(self.changed)} changed, "
            f"{len(self.removed)} removed, {len(self.unchanged)} unchanged"
        )


class OutputConflict(Exception):
    """The output folder holds a file we would overwrite but did not make."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# A large client's manifest is megabytes of JSON that one run reads from several stages (reuse, edits,
# the change report, the write plan): parsed once while the file is unchanged.
_MANIFESTS: dict[Path, tuple[tuple[int, int, int], Any]] = {}


def read_manifest(output: Path) -> Any:
    """The parsed manifest in `output` (shared: do not modify it); raises OSError or ValueError as json does."""
    path = (output / MANIFEST).absolute()
    stat = path.stat()
    stamp = (stat.st_ino, stat.st_mtime_ns, stat.st_size)  # a rewrite replaces the file: a new inode
    kept = _MANIFESTS.get(path)
    if kept is None or kept[0] != stamp:
        kept = (stamp, json.loads(path.read_text(encoding="utf-8")))
        _MANIFESTS[path] = kept
    return kept[1]


def manifest_bytes(files: dict[str, bytes], header: str, generator_version: str, spec_hash: str,
                   api: dict[str, Any] | None = None, reuse: dict[str, Any] | None = None) -> bytes:
    """The manifest; `api` is the package's public Python API, what the next regeneration compares with;
    `reuse` what makes the written files serve as a cache for the next run (output/committed.py)."""
    manifest = {
        "comment": header,
        "generator_version": generator_version,
        "spec_sha256": spec_hash,
        "files": {path: sha256(files[path]) for path in sorted(files)},
        **({"api": api} if api is not None else {}),
        **({"reuse": reuse} if reuse is not None else {}),
    }
    return (json.dumps(manifest, indent=2, sort_keys=False) + "\n").encode("utf-8")


def _recorded(output: Path) -> dict[str, str] | None:
    try:
        files = read_manifest(output).get("files", {})
        return {str(p): h for p, h in files.items() if isinstance(h, str)}
    except (OSError, ValueError, AttributeError):
        return None


def recorded_hashes(output: Path) -> dict[str, str]:
    """Each file a previous run wrote, with the hash of what it wrote."""
    return _recorded(output) or {}


def owned_files(output: Path) -> set[str]:
    """The files a previous run recorded as its own (the manifest and the base of edits with them)."""
    recorded = _recorded(output)
    return set() if recorded is None else set(recorded) | {MANIFEST, BASE}


def previous_api(output: Path) -> dict[str, Any] | None:
    """The public API a previous run recorded, or None (no previous run, or one from before surfaces)."""
    try:
        api = read_manifest(output).get("api")
    except (OSError, ValueError, AttributeError):
        return None
    return api if isinstance(api, dict) else None


def _safe_relative(path: str) -> str:
    pure = Path(path)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts:
        raise ValueError(f"refusing to write outside the output folder: {path!r}")
    return pure.as_posix()


def plan(output: Path, files: dict[str, bytes], keep: frozenset[str] = frozenset()) -> WriteSummary:
    """What writing `files` (which include the manifest) would do, without doing it. `keep`: files of
    the previous run left in place though no longer generated."""
    owned = owned_files(output)
    summary = WriteSummary()
    for rel in sorted(files):
        target = output / _safe_relative(rel)
        if not target.exists():
            summary.added.append(rel)
        elif target.is_file() and _same(rel, target.read_bytes(), files[rel]):
            summary.unchanged.append(rel)
        elif rel in owned:
            summary.changed.append(rel)
        else:
            raise OutputConflict(f"{target}: exists and was not made by clientsmith; move it or choose another output")
    summary.removed = sorted(p for p in owned - keep if p not in files and (output / _safe_relative(p)).is_file())
    return summary


def _same(rel: str, old: bytes, new: bytes) -> bool:
    """The base is the same when it holds the same files (another zlib may compress them differently)."""
    return old == new or (rel == BASE and same_base(old, new))


def write_package(output: Path, files: dict[str, bytes], keep: frozenset[str] = frozenset()) -> WriteSummary:
    summary = plan(output, files, keep)
    staged: list[tuple[Path, Path]] = []
    try:
        # Stage every new file beside its target first; only then swap them in.
        for rel in summary.added + summary.changed:
            target = output / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            temp = target.with_name(f".{target.name}.clientsmith-tmp")
            temp.write_bytes(files[rel])
            staged.append((temp, target))
    except BaseException:
        for temp, _ in staged:
            temp.unlink(missing_ok=True)
        raise
    # The manifest goes last, so an interrupted swap still lists every file it may have placed.
    staged.sort(key=lambda pair: pair[1].name == MANIFEST)
    for temp, target in staged:
        os.replace(temp, target)
    for rel in summary.removed:
        (output / rel).unlink(missing_ok=True)
        _prune_empty_dirs((output / rel).parent, output)
    return summary


def _prune_empty_dirs(folder: Path, stop: Path) -> None:
    while folder != stop and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
