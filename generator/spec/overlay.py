"""OpenAPI Overlay 1.0: documents of ordered actions that change a spec after it is merged and bundled.

Each action's `target` is an RFC 9535 JSONPath (evaluated by jsonpath-rfc9535) against the document as
the earlier actions left it. `update` merges into every node selected (objects key by key, recursively;
arrays get the update's items appended), `remove: true` deletes them. Every pointer an action writes is
noted on the spec (and every pointer it removes), so that a later problem at that place names the action
as well as the pointer.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clientsmith.cache import Cache
from clientsmith.problems import ERROR, WARNING, Problem, SpecError, escape_pointer_token, pointer
from clientsmith.spec.bundle import display_path
from clientsmith.spec.loader import LoadedFile, load_file
from clientsmith.spec.merge import MergedSpec

_VERSION = re.compile(r"^1\.0\.\d+$")
_ACTION_KEYS = ("target", "description", "update", "remove")
_TOP_KEYS = ("overlay", "info", "extends", "actions")


@dataclass(frozen=True)
class Action:
    index: int
    target: str
    query: Any  # the compiled JSONPath
    update: Any
    remove: bool


@dataclass(frozen=True)
class Overlay:
    file: LoadedFile
    actions: tuple[Action, ...]

    def problem(self, ptr: str, message: str, level: str = ERROR) -> Problem:
        return Problem(self.file.display, self.file.line_of(ptr), ptr, message, level)


def library_version() -> str:
    """What selects the nodes: part of every key over an overlaid spec."""
    from importlib.metadata import version

    return version("jsonpath-rfc9535")


def apply_overlays(spec: MergedSpec, paths: tuple[Path, ...] | list[Path], base: Path, lenient: bool = False,
                   cache: Cache | None = None) -> None:
    """Apply the overlays in `paths` to `spec.document`, in order. Problems join `spec.problems` (a target
    selecting nothing is a warning with `lenient`); a malformed overlay is left out entirely."""
    for path in paths:
        try:
            overlay = read_overlay(path, display_path(path, base), cache)
        except SpecError as exc:
            spec.problems = sorted(set(spec.problems + exc.problems))
            continue
        problems = [problem for action in overlay.actions for problem in _apply(spec, overlay, action, lenient)]
        spec.problems = sorted(set(spec.problems + problems))


def read_overlay(path: Path, display: str, cache: Cache | None = None) -> Overlay:
    """The overlay file, its structure checked against Overlay 1.0. Raises SpecError listing what is wrong."""
    if not path.is_file():
        raise SpecError([Problem(display, 0, "", "no such overlay file")])
    loaded = load_file(path, display, cache)
    data = loaded.data
    problems: list[Problem] = []

    def wrong(ptr: str, message: str) -> None:
        problems.append(Problem(display, loaded.line_of(ptr), ptr, message))

    version = data.get("overlay")
    if not isinstance(version, str) or not _VERSION.match(version):
        wrong("/overlay", f"not an Overlay 1.0 document: `overlay` must be a version 1.0.x, not {version!r}")
    info = data.get("info")
    if not isinstance(info, dict):
        wrong("/info", "`info` must be an object with `title` and `version`")
    else:
        for key in ("title", "version"):
            if not isinstance(info.get(key), str):
                wrong(f"/info/{key}" if key in info else "/info", f"`info.{key}` must be a string")
    if "extends" in data and not isinstance(data["extends"], str):
        wrong("/extends", "`extends` must be a URL or path (it is not followed: overlays apply to the client's spec)")
    for key in data:
        if key not in _TOP_KEYS and not str(key).startswith("x-"):
            wrong(pointer(key), f"unknown field {key!r} (Overlay 1.0 has {', '.join(_TOP_KEYS)} and x-*)")
    raw_actions = data.get("actions")
    actions: list[Action] = []
    if not isinstance(raw_actions, list) or not raw_actions:
        wrong("/actions", "`actions` must be a non-empty list")
    else:
        for index, raw in enumerate(raw_actions):
            action = _action(index, raw, wrong)
            if action is not None:
                actions.append(action)
    if problems:
        raise SpecError(problems)
    return Overlay(loaded, tuple(actions))


def _action(index: int, raw: Any, wrong: Any) -> Action | None:
    ptr = f"/actions/{index}"
    if not isinstance(raw, dict):
        wrong(ptr, "an action must be an object with `target` and `update` or `remove`")
        return None
    failures = []

    def fail(at: str, message: str) -> None:
        failures.append(at)
        wrong(at, message)

    for key in raw:
        if key not in _ACTION_KEYS and not str(key).startswith("x-"):
            fail(f"{ptr}/{escape_pointer_token(key)}", f"unknown field {key!r} in an action")
    target = raw.get("target")
    query = None
    if not isinstance(target, str):
        fail(f"{ptr}/target" if "target" in raw else ptr, "an action needs a `target`: a JSONPath string")
    else:
        import jsonpath_rfc9535 as jsonpath  # loaded with the first overlay: most runs have none

        try:
            query = jsonpath.compile(target)
        except jsonpath.JSONPathError as exc:
            fail(f"{ptr}/target", f"invalid JSONPath {target!r}: {exc}")
    remove = raw.get("remove", False)
    if not isinstance(remove, bool):
        fail(f"{ptr}/remove", "`remove` must be true or false")
    elif remove and "update" in raw:
        fail(ptr, "an action has `update` or `remove: true`, not both")
    elif not remove and "update" not in raw:
        fail(ptr, "an action needs `update` or `remove: true`")
    if failures or not isinstance(target, str):
        return None
    return Action(index, target, query, raw.get("update"), remove is True)


def _apply(spec: MergedSpec, overlay: Overlay, action: Action, lenient: bool) -> list[Problem]:
    import jsonpath_rfc9535 as jsonpath

    ptr = f"/actions/{action.index}"
    try:
        nodes = list(action.query.find(spec.document))
    except (jsonpath.JSONPathError, RecursionError) as exc:
        return [overlay.problem(f"{ptr}/target", f"target {action.target!r} cannot be evaluated: {exc}")]
    if not nodes:
        level = WARNING if lenient else ERROR
        return [overlay.problem(f"{ptr}/target", f"target {action.target!r} selects nothing", level)]
    note = f"{overlay.file.display}:{overlay.file.line_of(ptr)} action {action.index}"
    if action.remove:
        return _remove(spec, overlay, action, nodes, f"removed by {note}")
    note = f"written by {note}"
    problems = []
    for node in nodes:
        target, update = node.value, action.update
        if isinstance(target, dict) and isinstance(update, dict):
            _merge(spec, target, update, _pointer(node.location), note)
        elif isinstance(target, list):
            _append(spec, target, update if isinstance(update, list) else [update], _pointer(node.location), note)
        else:
            problems.append(overlay.problem(
                f"{ptr}/update",
                f"target {action.target!r} selects {_kind(target)} at {_pointer(node.location) or '/'}: "
                + ("an update merges into an object or appends to an array" if isinstance(update, dict)
                   else f"only an object can be merged into it, not {_kind(update)}")))
    return problems


def _merge(spec: MergedSpec, target: dict[str, Any], update: dict[str, Any], at: str, note: str) -> None:
    for key, value in update.items():
        ptr = f"{at}/{escape_pointer_token(key)}"
        current = target.get(key)
        if isinstance(current, dict) and isinstance(value, dict):
            _merge(spec, current, value, ptr, note)
        elif isinstance(current, list) and isinstance(value, list):
            _append(spec, current, value, ptr, note)
        else:
            _forget_writes(spec, ptr)
            target[key] = copy.deepcopy(value)
            spec.written[ptr] = note


def _append(spec: MergedSpec, target: list[Any], items: list[Any], at: str, note: str) -> None:
    for item in items:
        spec.written[f"{at}/{len(target)}"] = note
        target.append(copy.deepcopy(item))


def _remove(spec: MergedSpec, overlay: Overlay, action: Action, nodes: list[Any], note: str) -> list[Problem]:
    # Deepest and last first, so that removing one node never moves another still to be removed.
    locations = sorted({tuple(node.location) for node in nodes}, reverse=True)
    if () in locations:
        return [overlay.problem(f"/actions/{action.index}/target", "the whole document cannot be removed")]
    for location in locations:
        parent: Any = spec.document
        for token in location[:-1]:
            parent = parent[token]
        del parent[location[-1]]
        _forget_writes(spec, _pointer(location))
        if isinstance(location[-1], str):  # a required field gone is found at it or its parent (an array
            spec.written[_pointer(location)] = note  # item's index is taken by the next one: noted nowhere)
    return []


def _forget_writes(spec: MergedSpec, ptr: str) -> None:
    """What an earlier action wrote at or under `ptr` is gone (replaced or removed)."""
    for written in [w for w in spec.written if w == ptr or w.startswith(ptr + "/")]:
        del spec.written[written]


def _pointer(location: tuple[Any, ...]) -> str:
    return pointer(*location)


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "an object"
    return "an array" if isinstance(value, list) else "a string"
