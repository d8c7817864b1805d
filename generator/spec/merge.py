"""Merge a folder of fragment files into one OpenAPI document, remembering where each part came from."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clientsmith.cache import Cache
from clientsmith.spec.bundle import Bundled, Bundler, display_path, file_refs
from clientsmith.spec.loader import SPEC_SUFFIXES, LoadedFile, load_file
from clientsmith.spec.remote_refs import RemoteDocuments
from clientsmith.problems import ERROR, WARNING, Problem, SpecError, SpecMissing, escape_pointer_token

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# A file of a folder with none of these at its top level is not an OpenAPI fragment.
OPENAPI_FIELDS = ("openapi", "swagger", "info", "paths", "components", "webhooks", "servers", "security", "tags",
                  "externalDocs", "jsonSchemaDialect")


@dataclass
class MergedSpec:
    """The merged document plus where each part came from: the fragment that defined a pointer prefix
    (`owners`), or the file and pointer a bundled object was taken from (`origins`)."""

    document: dict[str, Any]
    files: list[LoadedFile]
    owners: dict[str, LoadedFile] = field(default_factory=dict)
    source_name: str = ""
    origins: dict[str, tuple[LoadedFile, str]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)  # found while loading, bundling and merging
    written: dict[str, str] = field(default_factory=dict)  # pointer -> "written by"/"removed by" an overlay action

    def where(self, ptr: str) -> tuple[str, int, str]:
        """File, line and the pointer within that file, for a pointer into the merged document."""
        probe = ptr
        while True:
            origin = self.origins.get(probe)
            if origin is not None:
                file, start = origin
                inner = start + ptr[len(probe):]
                return file.display, file.line_of(inner), inner
            owner = self.owners.get(probe)
            if owner is not None:
                return owner.display, owner.line_of(ptr), ptr
            if not probe:
                break
            probe = probe.rsplit("/", 1)[0]
        first = self.files[0]
        return first.display, first.line_of(ptr), ptr

    def locate(self, ptr: str) -> tuple[str, int]:
        """File and line for a pointer into the merged document."""
        return self.where(ptr)[:2]

    def problem(self, ptr: str, message: str, level: str = "error") -> Problem:
        file, line, inner = self.where(ptr)
        note = self.written_by(ptr)
        return Problem(file, line, inner, f"{message} ({note})" if note else message, level)

    def written_by(self, ptr: str) -> str | None:
        """The overlay action that wrote or removed the value at `ptr` (or around it, or a key of it), if one did."""
        if not self.written:
            return None
        probe = ptr
        while probe:
            if probe in self.written:
                return self.written[probe]
            probe = probe.rsplit("/", 1)[0]
        # A finding on an object (an unexpected key, say) may be about a key an action added to it.
        children = sorted(w for w in self.written if w.rsplit("/", 1)[0] == ptr)
        return self.written[children[0]] if children else None


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


def load_spec(spec: Path, base: Path | None = None, cache: Cache | None = None,
              keep_going: bool = False, remote: RemoteDocuments | None = None) -> MergedSpec:
    """Load a single spec file or a folder of fragments, bundle what their file `$ref`s reach (and remote
    ones, given `remote`), and merge.

    Problems found on the way raise SpecError; with `keep_going`, they are kept in `problems` and the spec
    is made of what could be read, so that validation can list everything else too."""
    base = base or Path.cwd()
    if not spec.exists():
        raise SpecMissing([Problem(spec.as_posix(), 0, "", "no such file or folder")])
    paths = spec_files(spec)
    if not paths:
        raise SpecError([Problem(spec.as_posix(), 0, "", "folder holds no .yaml, .yml or .json files")])
    loaded: dict[Path, LoadedFile] = {}
    problems: list[Problem] = []
    for path in paths:
        try:
            loaded[Path(os.path.abspath(path))] = load_file(path, display_path(path, base), cache)
        except SpecError as exc:
            problems.extend(exc.problems)
    fragments, skipped = _fragments(spec, loaded)
    problems += [Problem(f.display, 1, "", "holds no OpenAPI field at its top level and no file refers to it: "
                         "not part of the spec", WARNING) for f in skipped]
    if not fragments:
        raise SpecError(problems or [Problem(spec.as_posix(), 0, "", "no OpenAPI fragment found")])
    bundled = Bundler(spec if spec.is_dir() else spec.parent, fragments, base, cache, loaded, remote).bundle()
    problems += bundled.problems
    merged = merge_files(fragments, bundled)
    if any(p.level == ERROR for p in problems) and "openapi" not in merged.document:
        merged.problems = [p for p in merged.problems if p.pointer or "`openapi`" not in p.message]  # a file unread
    merged.problems = sorted(set(problems + merged.problems))
    # Generated files name their source; an absolute path would differ from machine to machine.
    source = display_path(spec, base)
    merged.source_name = spec.name if Path(source).is_absolute() else source
    if not keep_going and any(p.level == ERROR for p in merged.problems):
        raise SpecError(merged.problems)
    return merged


def _fragments(spec: Path, loaded: dict[Path, LoadedFile]) -> tuple[list[LoadedFile], list[LoadedFile]]:
    """(the fragments to merge, files skipped). In a folder, a file another file refers to by a file ref is
    not a fragment: only what the refs reach is taken from it. Nor is a file with no OpenAPI field."""
    if spec.is_file():
        return list(loaded.values()), []
    referenced = set().union(*(file_refs(f) for f in loaded.values()))
    # An overlay kept beside the fragments is applied by name (spec/overlay.py), never merged.
    candidates = [f for path, f in loaded.items() if path not in referenced and "overlay" not in f.data]
    fragments = [f for f in candidates if any(key in f.data for key in OPENAPI_FIELDS)]
    return fragments, [f for f in candidates if f not in fragments]


def merge_files(files: list[LoadedFile], bundled: Bundled | None = None) -> MergedSpec:
    """The merged document; what conflicts is in its `problems` (the first definition is kept)."""
    # The file that declares `openapi` is the shared one: its keys come first; then the least nested.
    files = sorted(files, key=lambda f: ("openapi" not in f.data, len(Path(f.display).parts)))
    merger = _Merger(files)
    for loaded in files:
        merger.add(loaded)
    if len(files) > 1:
        _sort_merged(merger.document)
    if "openapi" not in merger.document and "swagger" not in merger.document:
        first = files[0]
        merger.problems.append(Problem(first.display, 1, "", "no file declares `openapi` (the shared file must)"))
    merged = MergedSpec(merger.document, files, merger.owners, problems=merger.problems)
    if bundled is not None:
        _add_bundled(merged, bundled)
    return merged


def _add_bundled(merged: MergedSpec, bundled: Bundled) -> None:
    """Bundled objects join the components, each remembering the file and pointer it came from."""
    components = merged.document.setdefault("components", {}) if bundled.components or bundled.claimed else {}
    for (section, name), content in bundled.claimed.items():
        if isinstance(components.get(section), dict):
            components[section][name] = content
    for section, entries in sorted(bundled.components.items()):
        target = components.setdefault(section, {})
        if isinstance(target, dict):
            for name in sorted(entries):
                target[name] = entries[name]
    merged.origins.update(bundled.origins)
    merged.files = merged.files + bundled.files
    # Merging recorded the fragment as owner of what was inlined into it: the inlined file is the origin.
    for key in list(merged.owners):
        probe = key
        while probe:
            probe = probe.rsplit("/", 1)[0]
            if probe in merged.origins:
                if _owner(merged.owners, probe) is merged.owners[key]:
                    del merged.owners[key]
                break


def _owner(owners: dict[str, LoadedFile], ptr: str) -> LoadedFile | None:
    while True:
        if ptr in owners:
            return owners[ptr]
        if not ptr:
            return None
        ptr = ptr.rsplit("/", 1)[0]


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
            if key == "info" and "info" in self.document:
                continue  # several files may carry their own `info`: the first file's is the document's
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
