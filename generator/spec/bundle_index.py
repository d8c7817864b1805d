"""Refs standing for more than one object (Redocly-style layouts): a `$ref` in place of a whole map or list
(`components: {schemas: {$ref: ./schemas/_index.yaml}}`, `paths: {$ref: ./paths/_index.yaml}`,
`tags: {$ref: ./tags.yaml}`), replaced by a copy of its target whose entries are then bundled like any
other, each from the file it came from; and a ref to a file that is neither JSON nor YAML where a string
is expected (a description kept in Markdown), replaced by the file's text. The bundler's guards hold
for both: targets are read through it (confined to the spec's folder, size-bounded), and an index that
refers back to itself is refused."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from clientsmith.problems import Problem, escape_pointer_token
from clientsmith.spec.remote_refs import is_remote
from clientsmith.spec.resolve import UNRESOLVED, lookup
from clientsmith.spec.structure import SECTION

if TYPE_CHECKING:
    from clientsmith.spec.bundle import Bundled
    from clientsmith.spec.loader import LoadedFile


class WholeRefs:
    """The bundler's handling of refs standing for whole maps, lists and texts (mixed into Bundler)."""

    out: Bundled
    inlining: list[tuple[str, str]]

    if TYPE_CHECKING:  # Bundler's own
        def _target(self, ref: str, file: LoadedFile, ref_ptr: str) -> tuple[LoadedFile, str] | None: ...
        def _identity(self, file: LoadedFile) -> str: ...
        def _is_fragment(self, file: LoadedFile) -> bool: ...
        def _walk(self, node: Any, kind: str, file: LoadedFile, file_ptr: str, doc_ptr: str) -> None: ...
        @staticmethod
        def _problem(file: LoadedFile, ptr: str, message: str) -> Problem: ...

    def _stands_for_list(self, holder: dict[str, Any], child: str, file: LoadedFile, here_file: str) -> str | None:
        """"list" when `holder`, a lone ref where one object of kind `child` stands and that kind is never a
        component (tags, servers, security requirements), names a list; "reported" when its target could
        not be read (the problem is said); None otherwise: the ref is an ordinary one."""
        ref = holder["$ref"]
        if set(holder) != {"$ref"} or child in SECTION or child in ("schema", "pathItem", "components") \
                or is_remote(ref) or ref.startswith("#") and self._is_fragment(file):
            return None
        target = self._target(ref, file, f"{here_file}/$ref")
        if target is None:
            holder[UNRESOLVED] = True
            return "reported"
        return "list" if isinstance(lookup(target[0].data, target[1]), list) else None

    def _whole(self, node: dict[str, Any], key: str, shape: str, child: str, file: LoadedFile, here_file: str,
               here_doc: str) -> None:
        """Replace `node[key]`, a ref in place of a map or list, with a copy of its target (the ref's
        siblings added to a map), then walk each entry from the file it came from."""
        holder = node[key]
        ref_ptr = f"{here_file}/$ref"
        target = self._target(holder["$ref"], file, ref_ptr)
        if target is None:
            node[key] = {} if shape == "map" else []  # the problem is reported; the rest is still checked
            return
        target_file, pointer_in = target
        value = lookup(target_file.data, pointer_in)
        wanted = dict if shape == "map" else list
        identity = (self._identity(target_file), pointer_in)
        chain = {identity}
        while isinstance(value, dict) and set(value) == {"$ref"} and isinstance(value["$ref"], str):
            # an index that is itself a ref to another (nested index files): followed, unless it loops
            following = self._target(value["$ref"], target_file, f"{pointer_in}/$ref")
            if following is None or (self._identity(following[0]), following[1]) in chain:
                if following is not None:
                    self.out.problems.append(self._problem(target_file, f"{pointer_in}/$ref", (
                        f"$ref {value['$ref']!r} refers back to itself through other files (index files in a loop)")))
                node[key] = {} if shape == "map" else []
                return
            target_file, pointer_in = following
            value = lookup(target_file.data, pointer_in)
            identity = (self._identity(target_file), pointer_in)
            chain.add(identity)
        if not isinstance(value, wanted) or identity in self.inlining:
            self.out.problems.append(self._problem(file, ref_ptr, (
                f"$ref {holder['$ref']!r} refers back to itself through other files" if identity in self.inlining
                else f"$ref {holder['$ref']!r} stands for a {'map' if wanted is dict else 'list'}: "
                     f"its target is not one")))
            node[key] = {} if shape == "map" else []
            return
        content = copy.deepcopy(value)
        if isinstance(content, dict):
            content.update((name, item) for name, item in holder.items() if name != "$ref")
        node[key] = content
        self.out.origins[here_doc] = (target_file, pointer_in)
        self.inlining.append(identity)
        try:
            entries = content.items() if isinstance(content, dict) else enumerate(content)
            for name, item in list(entries):
                t = escape_pointer_token(name)
                source = (target_file, f"{pointer_in}/{t}") if name in value or isinstance(value, list) \
                    else (file, f"{here_file}/{t}")
                self._walk(item, child, source[0], source[1], f"{here_doc}/{t}")
        finally:
            self.inlining.pop()

    def _text(self, ref: str, file: LoadedFile, ref_ptr: str) -> Any:
        """The text of the file a ref names (where a string is expected); the ref itself after a problem."""
        target = self._target(ref, file, ref_ptr)
        return target[0].data if target is not None else {"$ref": ref, UNRESOLVED: True}

