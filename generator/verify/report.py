"""Observations grouped into findings (the same disagreement in 40 interactions is one finding with a
count), and the report as text or JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from clientsmith.verify.bodies import shown
from clientsmith.verify.checker import MISMATCH, Observation

FORMATS = ("text", "json")
_SHOWN_VALUES, _SHOWN_SOURCES, _KEPT_VALUES = 5, 3, 200


@dataclass
class Finding:
    kind: str
    category: str
    document_pointer: str  # in the merged document
    message: str
    file: str  # where the pointer is written: the fragment (or referenced file), its line and pointer there
    line: int
    pointer: str
    name: str = ""
    count: int = 0  # interactions it was seen in
    sources: list[str] = field(default_factory=list)
    values: list[Any] = field(default_factory=list)  # distinct observed values (the first _KEPT_VALUES)
    places: list[str] = field(default_factory=list)  # where in the interactions
    evidence: list[Any] = field(default_factory=list)  # what the overlay infers from (statuses: their bodies)
    null_seen: bool = False  # an undocumented field was seen holding null

    def add(self, observation: Observation, source: str) -> None:
        if source not in self.sources:
            self.count += 1
            if len(self.sources) < _SHOWN_SOURCES:
                self.sources.append(source)
        if observation.value is not None and observation.value not in self.values and len(self.values) < _KEPT_VALUES:
            self.values.append(observation.value)
        if observation.value is None and observation.category == "additional":
            self.null_seen = True
        if observation.where not in self.places and len(self.places) < _SHOWN_SOURCES:
            self.places.append(observation.where)
        if observation.fix_schema is not None and len(self.evidence) < _KEPT_VALUES:
            self.evidence.append(observation.fix_schema)


@dataclass
class Report:
    spec: str
    interactions: int = 0
    matched: int = 0
    skipped: dict[str, int] = field(default_factory=dict)  # reason -> count
    findings: list[Finding] = field(default_factory=list)

    def failing(self, fail_on: str | None) -> bool:
        if fail_on is None:
            return False
        return any(fail_on == "any" or f.kind == fail_on for f in self.findings)


def sort_key(finding: Finding) -> tuple[Any, ...]:
    return (finding.kind != MISMATCH, finding.category == "additional", finding.file, finding.line,
            finding.pointer, finding.message)


def render(reports: list[Report], fmt: str) -> str:
    if fmt == "json":
        return json.dumps({"version": 1, "reports": [_json(r) for r in reports]}, indent=2, ensure_ascii=False,
                          default=str) + "\n"
    return "".join(_text(r) for r in reports)


def _json(report: Report) -> dict[str, Any]:
    return {
        "spec": report.spec,
        "interactions": report.interactions,
        "matched": report.matched,
        "skipped": report.skipped,
        "findings": [
            {"kind": f.kind, "category": f.category, "file": f.file, "line": f.line, "pointer": f.pointer,
             "document_pointer": f.document_pointer, "message": f.message, "count": f.count,
             "observed": f.values[:_SHOWN_VALUES], "at": f.places, "interactions": f.sources}
            for f in report.findings
        ],
    }


def _text(report: Report) -> str:
    lines = []
    for f in report.findings:
        noun = "interaction" if f.count == 1 else "interactions"
        lines.append(f"{f.file}:{f.line}: {f.pointer or '/'}: {f.message} [{f.kind}: {f.category}, {f.count} {noun}]")
        observed = ", ".join([shown(v) for v in f.values[:_SHOWN_VALUES]] + ["null"] * f.null_seen)
        more = f" (+{len(f.values) - _SHOWN_VALUES} more)" if len(f.values) > _SHOWN_VALUES else ""
        if f.places != ["request"]:
            lines.append(f"    at {'; '.join(f.places)}" + (f": {observed}{more}" if observed else ""))
        extra = f" (+{f.count - len(f.sources)} more)" if f.count > len(f.sources) else ""
        lines.append(f"    in {f.sources[0]}{extra}" if len(f.sources) == 1 or not f.sources
                     else f"    in {f.sources[0]}" + "".join(f"\n       {s}" for s in f.sources[1:]) + extra)
    mismatches = sum(1 for f in report.findings if f.kind == MISMATCH)
    undocumented = len(report.findings) - mismatches
    skipped = ", ".join(f"{n} {reason}" for reason, n in sorted(report.skipped.items())) or "none"
    lines.append(f"{report.spec}: {report.interactions} interactions, {report.matched} matched, skipped: {skipped}; "
                 f"{mismatches} mismatch{'es' if mismatches != 1 else ''}, {undocumented} undocumented")
    return "\n".join(lines) + "\n"
