"""Component schemas that extend each other through `allOf` in a ring (A's `allOf` names B, B's names A):
a model is a subclass of each schema its `allOf` names, and no class hierarchy has a ring. Found without
recursion (a spec's rings can be long), and refused where the ring closes, before models are made."""

from __future__ import annotations

from typing import Any

from clientsmith.problems import escape_pointer_token

_PREFIX = "#/components/schemas/"


def _parents(schema: Any, names: dict[str, Any]) -> list[tuple[int, str]]:
    """(index in `allOf`, schema name) of each component schema `schema`'s `allOf` names."""
    members = schema.get("allOf") if isinstance(schema, dict) else None
    found = []
    for index, member in enumerate(members if isinstance(members, list) else ()):
        ref = member.get("$ref") if isinstance(member, dict) else None
        if isinstance(ref, str) and ref.startswith(_PREFIX):
            name = ref[len(_PREFIX):].replace("~1", "/").replace("~0", "~")
            if name in names:
                found.append((index, name))
    return found


def allof_rings(document: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """(pointer of the `$ref` closing the ring, the ring's names from its first to that one again), one per
    ring, in the order of the schemas."""
    components = document.get("components")
    schemas = components.get("schemas") if isinstance(components, dict) else None
    if not isinstance(schemas, dict):
        return []
    edges = {name: _parents(schema, schemas) for name, schema in schemas.items()}
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    rings: list[tuple[str, list[str]]] = []
    for start in schemas:
        if start in state:
            continue
        path: list[str] = [start]
        stack = [iter(edges[start])]
        state[start] = 1
        while stack:
            step = next(stack[-1], None)
            if step is None:
                state[path.pop()] = 2
                stack.pop()
                continue
            index, parent = step
            if state.get(parent) == 1:  # back to a schema on the path: a ring
                ring = path[path.index(parent):] + [parent]
                where = f"/components/schemas/{escape_pointer_token(path[-1])}/allOf/{index}/$ref"
                rings.append((where, ring))
            elif parent not in state:
                state[parent] = 1
                path.append(parent)
                stack.append(iter(edges[parent]))
    return rings


def allof_ring_messages(document: dict[str, Any]) -> list[tuple[str, str]]:
    """(pointer, message) for each ring."""
    return [(where, "schemas extending each other through `allOf` in a ring (" + " -> ".join(ring)
             + "): no class can be a subclass of itself") for where, ring in allof_rings(document)]
