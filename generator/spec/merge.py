"""Merge a folder of fragment files into one OpenAPI document, remembering where each part came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.cache import Cache
from generator.spec.loader import LoadedFile, load_file
from generator.problems import Problem, SpecError, escape_pointer_token

SPEC_SUFFIXES = (".yaml", ".yml", ".json")
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@dataclass
class MergedSpec:
    """The merged document plus a map from JSON pointer prefixes to the file that defined them."""

    document: dict[str, Any]
    files: list[LoadedFile]
    owners: dict[str, LoadedFile] = field(default_factory=dict)
    source_name: str = ""

    def locate(self, ptr: str) -> tuple[str, int]:
        """File and line for a pointer into the merged document."""
        probe = ptr
        while True:
            owner = self.owners.get(probe)
            if owner is not None:
                return owner.display, owner.line_of(ptr)
            if not probe:
                break
            probe = probe.rsplit("/", 1)[0]
        first = self.files[0]
        return first.display, first.line_of(ptr)

    def problem(self, ptr: str, message: str, level: str = "error") -> Problem:
        file, line = self.locate(ptr)
        return Problem(file, line, ptr, message, level)


def spec_files(root: Path) -> list[Path]:
    """The spec files of a folder, in a stable order that does not depend on the file system."""
    if root.is_file():
        return [root]
    files = [
        p
        for p in root.rglob("*")
        if p.is_file() and p.suffix in SPEC_SUFFIXES and not any(part.startswith(".") for part in p.relative_to(root).parts)
    ]
    return sorted(files, key=lambda p: p.relative_to(root).as_posix())


def display_path(path: Path, base: Path) -> str:
    """A path for messages and headers: relative to `base` when inside it, never absolute otherwise."""
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def load_spec(spec: Path, base: Path | None = None, cache: Cache | None = None) -> MergedSpec:
    """Load a single spec file or a folder of fragments and merge them."""
    base = base or Path.cwd()
    if not spec.exists():
        raise SpecError([Problem(spec.as_posix(), 0, "", "no such file or folder")])
    paths = spec_files(spec)
    if not paths:
        raise SpecError([Problem(spec.as_posix(), 0, "", "folder holds no .yaml, .yml or .json files")])
    loaded: list[LoadedFile] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            loaded.append(load_file(path, display_path(path, base), cache))
        except SpecError as exc:
            problems.extend(exc.problems)
    if problems:
        raise SpecError(problems)
    merged = merge_files(loaded)
    # Generated files name their source; an absolute path would differ from machine to machine.
    source = display_path(spec, base)
    merged.source_name = spec.name if Path(source).is_absolute() else source
    return merged


def merge_files(files: list[LoadedFile]) -> MergedSpec:
    # The file that declares `openapi` is the shared one: its keys come first.
    files = sorted(files, key=lambda f: ("openapi" not in f.data,))
    merger = _Merger(files)
    for loaded in files:
        merger.add(loaded)
    if merger.problems:
        raise SpecError(merger.problems)
    if len(files) > 1:
        _sort_merged(merger.document)
    if "openapi" not in merger.document and "swagger" not in merger.document:
        first = files[0]
        raise SpecError([Problem(first.display, 1, "", "no file declares `openapi` (the shared file must)")])
    return MergedSpec(merger.document, files, merger.owners)


def _sort_merged(document: dict[str, Any]) -> None:
    """Fragment order must not change the output: paths, methods and components go in name order."""
    if isinstance(document.get("paths"), dict):
        document["paths"] = {
            path: (dict(sorted(item.items(), key=lambda kv: _path_item_key(kv[0]))) if isinstance(item, dict) else item)
            for path, item in sorted(document["paths"].items())
        }
    for top in ("components", "webhooks"):
        if isinstance(document.get(top), dict):
            document[top] = {
                section: dict(sorted(entries.items())) if isinstance(entries, dict) else entries
                for section, entries in document[top].items()
            }
    if isinstance(document.get("tags"), list):
        document["tags"].sort(key=lambda tag: str(tag.get("name")) if isinstance(tag, dict) else "")


def _path_item_key(key: str) -> tuple[int, str]:
    return (HTTP_METHODS.index(key) if key in HTTP_METHODS else -1, key)


class _Merger:
    def __init__(self, files: list[LoadedFile]) -> None:
        self.document: dict[str, Any] = {}
        self.owners: dict[str, LoadedFile] = {}
        self.problems: list[Problem] = []

    def add(self, loaded: LoadedFile) -> None:
        for key, value in loaded.data.items():
            ptr = "/" + escape_pointer_token(key)
            if key in ("paths", "components", "webhooks") and isinstance(value, dict):
                # path items merge by method, component sections by name
                self._merge_two_levels(loaded, key, value)
            elif key == "tags" and isinstance(value, list):
                self._merge_tags(loaded, value)
            else:
                self._put(self.document, key, value, loaded, ptr)

    def _put(self, target: dict[str, Any], key: str, value: Any, loaded: LoadedFile, ptr: str) -> None:
        if key not in target:
            target[key] = value
            self.owners[ptr] = loaded
            return
        if target[key] != value:
            other = self.owners.get(ptr)
            where = f"{other.display}:{other.line_of(ptr)}" if other else "another file"
            self.problems.append(
                Problem(loaded.display, loaded.line_of(ptr), ptr, f"defined differently in {where}")
            )

    def _merge_two_levels(self, loaded: LoadedFile, top: str, section_map: dict[str, Any]) -> None:
        merged = self.document.setdefault(top, {})
        for section, entries in section_map.items():
            section_ptr = f"/{top}/{escape_pointer_token(section)}"
            if not isinstance(entries, dict):
                self._put(merged, section, entries, loaded, section_ptr)
                continue
            target = merged.setdefault(section, {})
            self.owners.setdefault(section_ptr, loaded)
            for name, value in entries.items():
                self._put(target, name, value, loaded, f"{section_ptr}/{escape_pointer_token(name)}")

    def _merge_tags(self, loaded: LoadedFile, tags: list[Any]) -> None:
        merged = self.document.setdefault("tags", [])
        self.owners.setdefault("/tags", loaded)
        by_name = {t.get("name"): t for t in merged if isinstance(t, dict)}
        for index, tag in enumerate(tags):
            name = tag.get("name") if isinstance(tag, dict) else None
            if name in by_name:
                if by_name[name] != tag:
                    self.problems.append(
                        Problem(loaded.display, loaded.line_of(f"/tags/{index}"), f"/tags/{index}",
                                f"tag {name!r} defined differently in another file")
                    )
                continue
            self.owners[f"/tags/{len(merged)}"] = loaded
            merged.append(tag)
            by_name[name] = tag
