"""A change a caller of the client would notice, the report of them, and the helpers every comparison uses."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from clientsmith.ir.annotations import parse_annotation

MAJOR, MINOR, PATCH, NONE = "major", "minor", "patch", "none"
DOCS = "docs-changed"


@dataclass(frozen=True)
class Change:
    kind: str  # e.g. "parameter-added"; the README lists every kind
    breaking: bool
    python: str  # the Python name a caller writes, e.g. "client.incidents.get_incident(include=)"
    pointer: str  # JSON pointer into the spec that holds the item (the old spec for removals)
    message: str
    side: str = "new"  # which spec `pointer` points into: "old" or "new"


@dataclass(frozen=True)
class Report:
    changes: tuple[Change, ...]

    @property
    def breaking(self) -> int:
        return sum(c.breaking for c in self.changes)

    @property
    def compatible(self) -> int:
        return len(self.changes) - self.breaking

    @property
    def bump(self) -> str:
        if self.breaking:
            return MAJOR
        if any(c.kind != DOCS for c in self.changes):
            return MINOR
        return PATCH if self.changes else NONE


def add(out: list[Change], kind: str, breaking: bool, python: str, item: dict[str, Any], message: str,
        side: str = "new") -> None:
    out.append(Change(kind, breaking, python, str(item.get("pointer", "")), message, side))


def accepts(wide: str, narrow: str) -> bool:
    """Whether every value of annotation `narrow` is a value of `wide` (surfaces keep types as their text)."""
    return parse_annotation(wide).accepts(parse_annotation(narrow))


def pairs(old: dict[str, Any], new: dict[str, Any], same: Callable[[dict[str, Any], dict[str, Any]], bool],
          alike: Callable[[dict[str, Any], dict[str, Any]], bool] | None = None,
          ) -> tuple[list[str], list[str], list[tuple[str, str]]]:
    """(removed, added, renamed pairs): a removed and an added name whose items `same` matches are a rename;
    so is the only removed and the only added item left when `alike` matches them (a wire name changed too)."""
    removed = [n for n in old if n not in new]
    added = [n for n in new if n not in old]
    renamed = []
    for name in list(removed):
        match = next((a for a in added if same(old[name], new[a])), None)
        if match is not None:
            renamed.append((name, match))
            removed.remove(name)
            added.remove(match)
    if alike is not None and len(removed) == 1 and len(added) == 1 and alike(old[removed[0]], new[added[0]]):
        renamed.append((removed.pop(), added.pop()))
    return removed, added, renamed

