"""Bundle `$ref`s to other local files into the document's own components, before fragments merge.

Each file is read once. A ref's target is the object at (file, pointer); what kind of object it is (schema,
parameter, response, ...) comes from where the ref stands in the OpenAPI structure, and decides the
`components` section it lands in. Objects with no component slot (path items, operations, anything in a
vendor extension) are inlined. Names are chosen once every target is known, so they do not depend on the
order files are found in (see README, "Specs split into several files").
"""

from __future__ import annotations

import copy
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin

from clientsmith.cache import Cache
from clientsmith.problems import Problem, SpecError, escape_pointer_token, split_pointer
from clientsmith.spec.bundle_index import WholeRefs
from clientsmith.spec.bundle_names import base_name, free_name, rename_refs
from clientsmith.spec.loader import LoadedFile, is_text_file, load_file
from clientsmith.spec.structure import DATA_KINDS, GUESS, SECTION, STRUCTURE
from clientsmith.spec.remote_refs import RemoteDocuments, is_remote
from clientsmith.spec.resolve import _MISSING, UNRESOLVED, lookup, nearest_ref

@dataclass
class Bundled:
    """What bundling adds to the merged document."""

    components: dict[str, dict[str, Any]] = field(default_factory=dict)  # section -> name -> object
    claimed: dict[tuple[str, str], Any] = field(default_factory=dict)  # (section, name) declared by a fragment
    origins: dict[str, tuple[LoadedFile, str]] = field(default_factory=dict)  # document ptr -> (file, file ptr)
    files: list[LoadedFile] = field(default_factory=list)  # referenced files, in the order read
    problems: list[Problem] = field(default_factory=list)


def file_refs(loaded: LoadedFile) -> set[Path]:
    """The files a file's `$ref`s name (resolved lexically, not read)."""
    found: set[Path] = set()
    stack: list[Any] = [loaded.data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and not ref.startswith("#") and not is_remote(ref) and not ref.startswith("//"):
                folder = Path(os.path.abspath(loaded.path)).parent
                found.add(Path(os.path.normpath(folder / unquote(ref.split("#", 1)[0]))))
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


class Bundler(WholeRefs):
    """Rewrites file refs of fragments in place to `#/components/...` refs; collects what they point at."""

    def __init__(self, root: Path, fragments: list[LoadedFile], base: Path, cache: Cache | None,
                 loaded: dict[Path, LoadedFile] | None = None, remote: RemoteDocuments | None = None) -> None:
        self.root = Path(os.path.abspath(root))
        self.real_root = self.root.resolve()
        self.base = base
        self.cache = cache
        self.fragments = {Path(os.path.abspath(f.path)): f for f in fragments}
        self.loaded = dict(loaded or {})  # files already read (a folder's files), by absolute path
        self.out = Bundled()
        self.seen: set[Path] = set()
        # (section, file path, pointer) -> placeholder name, and back
        self.placeholder: dict[tuple[str, str, str], str] = {}
        self.target_of: dict[str, tuple[str, LoadedFile, str]] = {}
        self.claims: dict[tuple[str, str, str], list[str]] = {}
        self.inlining: list[tuple[str, str]] = []
        self.remote = remote  # None: remote refs are left for validation to report
        self.url_of: dict[int, str] = {}  # id of a fetched document -> its URL

    def bundle(self) -> Bundled:
        for path in sorted(self.fragments):
            fragment = self.fragments[path]
            try:
                self._walk(fragment.data, "document", fragment, "", "")
            except RecursionError:
                self.out.problems.append(Problem(fragment.display, 1, "", "refs nest too deeply to bundle"))
        self._finish()
        return self.out

    # -- walking -------------------------------------------------------------------------------------------

    def _walk(self, node: Any, kind: str, file: LoadedFile, file_ptr: str, doc_ptr: str) -> None:
        """Visit `node` (an object of `kind` from `file` at `file_ptr`, placed at `doc_ptr`)."""
        if isinstance(node, list):  # "one|list" items, or a list where an object was expected
            for index, item in enumerate(node):
                self._walk(item, kind, file, f"{file_ptr}/{index}", f"{doc_ptr}/{index}")
            return
        if not isinstance(node, dict):
            return
        if isinstance(node.get("$ref"), str) and kind != "data":
            self._ref(node, kind, file, file_ptr, doc_ptr)
            if kind != "schema" or "$ref" not in node:  # inlined objects were walked where they came from
                return
        if kind == "schema":
            self._mapping(node, file, file_ptr)
        for key, value in list(node.items()):
            if not isinstance(value, (dict, list)) or key == "$ref":
                continue
            shape, child = self._child(kind, key)
            token = escape_pointer_token(key)
            here_file, here_doc = f"{file_ptr}/{token}", f"{doc_ptr}/{token}"
            if kind != "data" and _text_ref(value):  # a description kept in a Markdown file: its text
                node[key] = self._text(value["$ref"], file, f"{here_file}/$ref")
                continue
            if isinstance(value, dict) and isinstance(value.get("$ref"), str) and kind != "data":
                # a ref standing for a whole map or list (Redocly's `_index.yaml`, a list of tags or servers)
                stands_for = shape if shape in ("map", "list") else self._stands_for_list(value, child, file, here_file)
                if stands_for == "reported":  # its problem is said; nothing to walk
                    continue
                if stands_for in ("map", "list"):
                    self._whole(node, key, stands_for, child, file, here_file, here_doc)
                    continue
            if shape == "map" and isinstance(value, dict):
                for name, item in value.items():
                    t = escape_pointer_token(name)
                    self._walk(item, child, file, f"{here_file}/{t}", f"{here_doc}/{t}")
            elif shape == "list" and isinstance(value, list) or shape in ("one", "one|list"):
                self._walk(value, child, file, here_file, here_doc)

    def _child(self, kind: str, key: str) -> tuple[str, str]:
        if kind in ("callback", "content"):
            return "one", "pathItem" if kind == "callback" else "mediaType"
        if kind in DATA_KINDS or kind == "data":
            return "one", "data"
        if kind in ("any", "document") or key.startswith("x-"):
            return STRUCTURE.get(kind, {}).get(key) or GUESS.get(key, ("one", "any"))
        return STRUCTURE.get(kind, {}).get(key, ("one", "data"))

    def _mapping(self, schema: dict[str, Any], file: LoadedFile, file_ptr: str) -> None:
        """Discriminator mapping values that are refs (not bare names) follow their schema."""
        discriminator = schema.get("discriminator")
        mapping = discriminator.get("mapping") if isinstance(discriminator, dict) else None
        if not isinstance(mapping, dict):
            return
        for key, value in mapping.items():
            if isinstance(value, str) and ("#" in value or "/" in value or value.endswith((".yaml", ".yml", ".json"))):
                where = f"{file_ptr}/discriminator/mapping/{escape_pointer_token(key)}"
                holder = {"$ref": value}
                self._ref(holder, "schema", file, where, "", ref_ptr=where)
                mapping[key] = holder["$ref"]

    # -- one ref ---------------------------------------------------------------------------------------------

    def _ref(self, holder: dict[str, Any], kind: str, file: LoadedFile, file_ptr: str, doc_ptr: str,
             ref_ptr: str | None = None) -> None:
        """Rewrite one ref: to the component its target becomes, or by inlining the target in `holder`."""
        ref = holder["$ref"]
        ref_ptr = ref_ptr if ref_ptr is not None else f"{file_ptr}/$ref"
        if is_remote(ref) and self.remote is None:
            return None
        is_fragment = self._is_fragment(file)
        if ref.startswith("#") and is_fragment:
            return None  # a fragment's local refs name the merged document
        target = self._target(ref, file, ref_ptr)
        if target is None:
            holder[UNRESOLVED] = True
            return None
        target_file, pointer_in = target
        if self._is_fragment(target_file) and pointer_in.startswith("/components/"):
            holder["$ref"] = "#" + pointer_in  # a fragment's component is in the merged document already
            return None
        value = lookup(target_file.data, pointer_in)
        section = SECTION.get(kind)
        if section is None:
            self._inline(holder, value, kind, file, ref_ptr, target_file, pointer_in, doc_ptr)
            return None
        key = (section, self._identity(target_file), pointer_in)
        name = self.placeholder.get(key)
        if name is None:
            name = self.placeholder[key] = f"\x00{len(self.placeholder)}"
            self.target_of[name] = (section, target_file, pointer_in)
            content = copy.deepcopy(value)
            self.out.components.setdefault(section, {})[name] = content
            placed = f"/components/{section}/{name}"
            self.out.origins[placed] = (target_file, pointer_in)
            self._walk(content, kind, target_file, pointer_in, placed)
        # A component of the document (declared in a fragment, or in a map a ref stood for) that is only
        # this ref: not a placeholder's content, whose pointer holds the placeholder's \x00
        if len(holder) == 1 and "\x00" not in doc_ptr and re.fullmatch(r"/components/[^/]+/[^/]+", doc_ptr) \
                and doc_ptr.split("/")[2] == section:
            self.claims.setdefault(key, []).append(split_pointer(doc_ptr)[2])
        holder["$ref"] = f"#/components/{section}/{name}"
        return None

    def _inline(self, holder: dict[str, Any], value: Any, kind: str, file: LoadedFile, ref_ptr: str,
                target_file: LoadedFile, pointer_in: str, doc_ptr: str) -> None:
        key = (self._identity(target_file), pointer_in)
        if key in self.inlining:
            self.out.problems.append(self._problem(file, ref_ptr, f"$ref {holder['$ref']!r} refers back to itself "
                                                   "through other files (a cycle that cannot be inlined)"))
            del holder["$ref"]
            return None
        del holder["$ref"]
        if not isinstance(value, dict):
            self.out.problems.append(self._problem(file, ref_ptr, "$ref target is not an object"))
            return None
        content = copy.deepcopy(value)
        for name, item in holder.items():  # siblings of the ref (summary, description) win
            content[name] = item
        holder.clear()
        holder.update(content)
        self.out.origins[doc_ptr] = (target_file, pointer_in)
        self.inlining.append(key)
        try:
            self._walk(holder, kind, target_file, pointer_in, doc_ptr)
        finally:
            self.inlining.pop()
        return None

    def _target(self, ref: str, file: LoadedFile, ref_ptr: str) -> tuple[LoadedFile, str] | None:
        """(file, pointer) a ref names, reading the file if needed; None after a located problem."""
        file_part, _, fragment = ref.partition("#")
        pointer_in = unquote(fragment)
        if pointer_in and not pointer_in.startswith("/"):
            self.out.problems.append(self._problem(file, ref_ptr, f"$ref {ref!r}: the part after '#' must be a "
                                                   "JSON pointer starting with '/'"))
            return None
        base_url = self.url_of.get(id(file))
        target_file: LoadedFile | None
        if (is_remote(file_part) or base_url) and self.remote is not None:
            url = urljoin(base_url or "", file_part) if file_part else base_url or ""
            fetched = self.remote.get(url, self.out.problems, lambda message: self._problem(file, ref_ptr, message))
            if fetched is None:
                return None
            self.url_of[id(fetched)] = url
            target_file = fetched
        elif file_part:
            folder = Path(os.path.abspath(file.path)).parent
            target_file = self._file(Path(os.path.normpath(folder / unquote(file_part))), ref, file, ref_ptr)
            if target_file is None:
                return None
        else:
            target_file = file
        if lookup(target_file.data, pointer_in) is _MISSING:
            hint = nearest_ref(target_file.data, pointer_in, file_part)
            self.out.problems.append(self._problem(file, ref_ptr, f"$ref {ref!r} does not resolve{hint}"))
            return None
        return target_file, pointer_in

    def _file(self, path: Path, ref: str, file: LoadedFile, ref_ptr: str) -> LoadedFile | None:
        if path in self.loaded:
            return self.loaded[path]
        if not _inside(path, self.root):  # the line's file already says where the spec is
            self.out.problems.append(self._problem(file, ref_ptr, f"$ref {ref!r} leads outside the spec's folder; not read"))
            return None
        if not _inside(path.resolve(), self.real_root):
            self.out.problems.append(self._problem(
                file, ref_ptr, f"$ref {ref!r} goes through a symbolic link leading outside the spec's folder; not read"))
            return None
        if not path.is_file():
            self.out.problems.append(self._problem(file, ref_ptr, f"$ref {ref!r}: no such file"))
            return None
        if path in self.seen:  # read before and did not load: its problems are reported already
            return None
        self.seen.add(path)
        try:
            loaded = load_file(path, display_path(path, self.base), self.cache, any_top_level=True,
                               as_text=is_text_file(path))
        except SpecError as exc:
            self.out.problems.extend(exc.problems)
            return None
        self.loaded[path] = loaded
        self.out.files.append(loaded)
        return loaded

    def _is_fragment(self, file: LoadedFile) -> bool:
        return id(file) not in self.url_of and Path(os.path.abspath(file.path)) in self.fragments

    def _identity(self, file: LoadedFile) -> str:
        return self.url_of.get(id(file)) or os.path.abspath(file.path)

    def _display(self, file: LoadedFile) -> str:
        return self.url_of.get(id(file)) or display_path(file.path, self.root)

    @staticmethod
    def _problem(file: LoadedFile, ptr: str, message: str) -> Problem:
        return Problem(file.display, file.line_of(ptr), ptr, message)

    # -- naming ----------------------------------------------------------------------------------------------

    def _finish(self) -> None:
        """Give every bundled object its final name and move it under that name."""
        taken: dict[str, set[str]] = {}
        for fragment in self.fragments.values():
            declared = fragment.data.get("components")
            for section, entries in (declared.items() if isinstance(declared, dict) else ()):
                if isinstance(entries, dict):
                    taken.setdefault(section, set()).update(entries)
        final: dict[str, str] = {}
        # A fragment's component that is only a ref to a file gives that file's object its name.
        for key, names in sorted(self.claims.items(), key=lambda kv: (kv[0][0], min(kv[1]), str(kv[0][1]), kv[0][2])):
            name = min(names)
            if not any(final.get(p) == name and self.target_of[p][0] == key[0] for p in final):
                final[self.placeholder[key]] = name
        wanted = sorted(
            (self.target_of[p][0], base_name(self.target_of[p][1], self.target_of[p][2]),
             self._display(self.target_of[p][1]), self.target_of[p][2], p)
            for p in self.target_of if p not in final)
        for section, readable, display, pointer_in, placeholder in wanted:
            used = taken.setdefault(section, set()) | {n for p, n in final.items() if self.target_of[p][0] == section}
            final[placeholder] = free_name(readable, display, used)
        components: dict[str, dict[str, Any]] = {}
        for section, entries in self.out.components.items():
            for placeholder, content in entries.items():
                name = final[placeholder]
                if name in taken.get(section, set()):
                    self.out.claimed[(section, name)] = content
                else:
                    components.setdefault(section, {})[name] = content
        self.out.components = components
        rename_refs(self.out.components, final)
        rename_refs(list(self.out.claimed.values()), final)
        for fragment in self.fragments.values():
            rename_refs(fragment.data, final)
        origins = {}
        for ptr, origin in self.out.origins.items():
            tokens = ptr.split("/")
            if len(tokens) > 3 and tokens[1] == "components" and tokens[3] in final:
                tokens[3] = escape_pointer_token(final[tokens[3]])
            origins["/".join(tokens)] = origin
        self.out.origins = origins


def _text_ref(value: Any) -> bool:
    """A `{$ref: file}` alone naming a whole file that is neither YAML nor JSON (`./intro.md`)."""
    ref = value.get("$ref") if isinstance(value, dict) and len(value) == 1 else None
    if not isinstance(ref, str) or "#" in ref or is_remote(ref) or ref.startswith("//"):
        return False
    return is_text_file(Path(unquote(ref)))


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def display_path(path: Path, base: Path) -> str:
    """A path for messages and headers, relative to `base` (never to the current folder, so that output made
    from one folder is the same from any other); absolute when the two share nothing but the root."""
    target, root = path.resolve(), base.resolve()
    try:
        return target.relative_to(root).as_posix()
    except ValueError:
        pass
    if Path(os.path.commonpath([target, root])) == Path(target.anchor):
        return target.as_posix()  # absolute: the same whichever folder the path was given from
    return Path(os.path.relpath(target, root)).as_posix()
