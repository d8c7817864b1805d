"""Schema validation one unit at a time, so that a changed operation re-validates only what it touches.

The document is cut into units: each path item, each named component, and the root (everything else).
A unit's key hashes its content with the content of every unit its `$ref`s reach, directly or not, so
equal keys mean the validator sees the same thing. Units whose key has a known result are not validated
again; the others are validated together, with what they refer to, in a smaller document of the same
shape, so pointers in its errors are pointers into the whole document.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from clientsmith.problems import escape_pointer_token

ROOT = ""
Finding = tuple[str, str]  # (JSON pointer, message)
Known = dict[str, list[Finding]]  # unit key -> what the validator found in that unit


def validate_by_units(
    document: dict[str, Any], check: Callable[[dict[str, Any]], list[Finding]], known: Known, salt: str = ""
) -> tuple[list[Finding], Known]:
    """Findings for the whole document, and the results to keep for the next run (current units only)."""
    if not _splittable(document):
        return check(document), {}
    parts = _units(document)
    edges = {unit: _refs(node) & parts.keys() for unit, node in parts.items()}
    keys = _keys(parts, edges, salt)
    dirty = [unit for unit, key in keys.items() if key not in known]
    if dirty:
        chosen = _reach(dirty, edges) | {ROOT}
        found: dict[str, list[Finding]] = {unit: [] for unit in chosen}
        findings = check(_sub_document(document, chosen))
        for ptr, message in findings:
            found.setdefault(unit_of(ptr), []).append((ptr, message))
        if any(unit_of(ptr) == ROOT and ptr.split("/")[1] not in document for ptr, _ in findings if ptr):
            # A finding the validator could not place belongs to no unit we can name: keep nothing.
            return findings + [f for unit in parts if unit not in chosen for f in known[keys[unit]]], {}
        known = {**known, **{keys[unit]: found[unit] for unit in chosen}}
    kept = {keys[unit]: known[keys[unit]] for unit in parts}
    return [finding for unit in parts for finding in kept[keys[unit]]], kept


def unit_of(ptr: str) -> str:
    tokens = ptr.split("/")
    if len(tokens) >= 3 and tokens[1] == "paths":
        return "/".join(tokens[:3])
    if len(tokens) >= 4 and tokens[1] == "components":
        return "/".join(tokens[:4])
    return ROOT


def _splittable(document: dict[str, Any]) -> bool:
    paths, components = document.get("paths", {}), document.get("components", {})
    return (isinstance(paths, dict) and isinstance(components, dict)
            and all(isinstance(section, dict) for section in components.values()))


def _units(document: dict[str, Any]) -> dict[str, Any]:
    # The root unit records which sections exist: the validator checks their presence at the root.
    parts: dict[str, Any] = {ROOT: {k: (v if k not in ("paths", "components") else True) for k, v in document.items()}}
    for path, item in document.get("paths", {}).items():
        parts[f"/paths/{escape_pointer_token(path)}"] = item
    for section, entries in document.get("components", {}).items():
        for name, node in entries.items():
            parts[f"/components/{escape_pointer_token(section)}/{escape_pointer_token(name)}"] = node
    return parts


def _refs(node: Any) -> set[str]:
    """The units a node's local `$ref`s point into."""
    found: set[str] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            ref = current.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/"):
                found.add(unit_of(ref[1:]))
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)
    found.discard(ROOT)
    return found


def _reach(start: list[str], edges: dict[str, set[str]]) -> set[str]:
    seen = set(start)
    stack = list(start)
    while stack:
        for target in edges[stack.pop()]:
            if target not in seen:
                seen.add(target)
                stack.append(target)
    return seen


def _keys(parts: dict[str, Any], edges: dict[str, set[str]], salt: str) -> dict[str, str]:
    own = {unit: hashlib.sha256(json.dumps(node, sort_keys=True, default=str).encode()).hexdigest()
           for unit, node in parts.items()}
    keys = {}
    for unit in parts:
        reached = sorted(_reach([unit], edges))
        keys[unit] = hashlib.sha256("\0".join([salt, unit, *(f"{u}={own[u]}" for u in reached)]).encode()).hexdigest()
    return keys


def _sub_document(document: dict[str, Any], chosen: set[str]) -> dict[str, Any]:
    """The document with only the chosen path items and components; the root as it is."""
    sub = {k: v for k, v in document.items() if k not in ("paths", "components")}
    if "paths" in document:
        sub["paths"] = {path: item for path, item in document["paths"].items()
                        if f"/paths/{escape_pointer_token(path)}" in chosen}
    if "components" in document:
        sub["components"] = {
            section: {name: node for name, node in entries.items()
                      if f"/components/{escape_pointer_token(section)}/{escape_pointer_token(name)}" in chosen}
            for section, entries in document["components"].items()
        }
    return sub


def without_units(document: dict[str, Any], broken: set[str]) -> dict[str, Any] | None:
    """The document without the units in `broken` and every unit that refers to them, directly or not;
    None when the root itself is broken (or the document cannot be cut into units)."""
    if not broken:
        return document
    if ROOT in broken or not _splittable(document):
        return None
    parts = _units(document)
    edges = {unit: _refs(node) & parts.keys() for unit, node in parts.items()}
    dropped = {unit for unit in parts if _reach([unit], edges) & broken}
    if ROOT in dropped:
        return None
    return _sub_document(document, set(parts) - dropped)
