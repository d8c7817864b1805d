"""Local `$ref` resolution over the merged document: every ref checked, cycles found, targets fetched."""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING, Any, Iterator

if TYPE_CHECKING:  # merge bundles with this module's lookups
    from clientsmith.spec.merge import MergedSpec
from clientsmith.problems import Problem, escape_pointer_token, split_pointer


def iter_refs(node: Any, ptr: str = "") -> Iterator[tuple[str, Any]]:
    """Every (pointer of the object holding `$ref`, ref value) in document order."""
    stack: list[tuple[str, Any]] = [(ptr, node)]
    while stack:
        here, value = stack.pop()
        if isinstance(value, dict):
            ref = value.get("$ref")
            if ref is not None and (isinstance(ref, str) or not isinstance(ref, dict)):
                yield here, ref
            for key in reversed(list(value)):
                child = value[key]
                if isinstance(child, (dict, list)):
                    stack.append((f"{here}/{escape_pointer_token(key)}", child))
        elif isinstance(value, list):
            for index in range(len(value) - 1, -1, -1):
                if isinstance(value[index], (dict, list)):
                    stack.append((f"{here}/{index}", value[index]))


_MISSING = object()
# Marks a ref that bundling could not follow and reported: validation leaves out what reaches it, silently.
UNRESOLVED = "x-clientsmith-unresolved"


def nearest_ref(document: Any, ptr: str, file_part: str = "") -> str:
    """For a ref to `ptr` that does not resolve: "; did you mean '...'?" naming the closest existing name
    beside the missing one (a misspelt schema name, most often), or "" when none is close."""
    tokens = split_pointer(ptr)
    # The deepest part of the pointer that exists, and the first name below it that does not.
    for depth in range(len(tokens) - 1, -1, -1):
        parent = lookup(document, "/" + "/".join(escape_pointer_token(t) for t in tokens[:depth]) if depth else "")
        if isinstance(parent, dict):
            break
    else:
        return ""
    close = difflib.get_close_matches(tokens[depth], [str(k) for k in parent], n=1, cutoff=0.6)
    if not close:
        return ""
    found = "/".join(escape_pointer_token(t) for t in [*tokens[:depth], close[0]])
    return f"; did you mean '{file_part}#/{found}'?"


def lookup(document: Any, ptr: str) -> Any:
    """The value at a JSON pointer, or _MISSING."""
    node = document
    for token in split_pointer(ptr):
        if isinstance(node, dict):
            node = node.get(token, _MISSING)
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return _MISSING
        if node is _MISSING:
            return _MISSING
    return node


def through_refs(document: Any, path: list[Any]) -> list[Any]:
    """Where a path that may pass through `$ref`s really leads: `/paths/~1a/get/.../schema/type` becomes
    `/components/schemas/A/type` when that schema is a ref to A. The path as given where it leads nowhere."""
    node, out = document, []
    for index, token in enumerate(path):
        for _ in range(64):  # ref chains, bounded against cycles
            ref = node.get("$ref") if isinstance(node, dict) and token not in node else None
            if not (isinstance(ref, str) and ref.startswith("#")):
                break
            target = lookup(document, ref[1:])
            if target is _MISSING:
                return list(path)
            node, out = target, split_pointer(ref[1:]) if ref[1:] else []
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and str(token).isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return out + list(path[index:])
        out.append(token)
    return out


class Resolver:
    """Follows local refs (`#/...`) in the merged document."""

    def __init__(self, spec: MergedSpec) -> None:
        self.spec = spec
        self.document = spec.document

    def check(self) -> list[Problem]:
        """Every ref that cannot be followed, and every ref chain that loops with no object between."""
        return [self.spec.problem(f"{holder}/$ref", message) for holder, message in self.broken() if message]

    def broken(self) -> list[tuple[str, str]]:
        """(pointer of the object holding a ref that cannot be followed, what is wrong). File refs left in
        the document could not be bundled and were reported then: they are listed without a message."""
        found: list[tuple[str, str]] = []
        for holder, ref in iter_refs(self.document):
            if not isinstance(ref, str):
                found.append((holder, "$ref must be a string"))
                continue
            node = lookup(self.document, holder)
            if isinstance(node, dict) and node.get(UNRESOLVED) is True:
                found.append((holder, ""))
                continue
            if ref.startswith(("http://", "https://", "//")):
                found.append((holder, f"remote $ref {ref!r} is not followed"))
                continue
            if not ref.startswith("#"):
                found.append((holder, ""))
                continue
            target = lookup(self.document, ref[1:])
            if target is _MISSING:
                found.append((holder, f"$ref {ref!r} does not resolve{nearest_ref(self.document, ref[1:])}"))
                continue
            chain = [ref]
            while isinstance(target, dict) and isinstance(target.get("$ref"), str) and target["$ref"].startswith("#"):
                nxt = target["$ref"]
                if nxt in chain:
                    found.append((holder, "$ref cycle with no schema in between: " + " -> ".join(chain + [nxt])))
                    break
                chain.append(nxt)
                target = lookup(self.document, nxt[1:])
        return found

    def deref(self, node: Any) -> Any:
        """`node` with any chain of refs followed (refs are checked beforehand)."""
        return self._follow(node)[1]

    def ref_target(self, node: Any) -> str | None:
        """The final pointer a schema ref chain lands on (e.g. "#/components/schemas/X"), or None."""
        return self._follow(node)[0]

    def _follow(self, node: Any) -> tuple[str | None, Any]:
        """(the last ref of the chain, the node it lands on); a missing target leaves the node holding it."""
        last = None
        seen: set[str] = set()
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if ref in seen or not ref.startswith("#"):
                break
            seen.add(ref)
            last = ref
            target = lookup(self.document, ref[1:])
            if target is _MISSING:
                break
            node = target
        return last, node
