"""A change report as text, Markdown (for a pull-request comment) or JSON (stable: see the README)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from clientsmith.diff.changes import Change, Report

FORMATS = ("text", "markdown", "json")
REPORT_VERSION = 1

# (side, pointer) -> "file:line", or the pointer itself when no spec is at hand
Locator = Callable[[str, str], str]


def no_locator(side: str, ptr: str) -> str:
    return ptr or "/"


def summary_line(name: str, report: Report) -> str:
    """`datadog-incidents: 1 breaking, 3 compatible changes (major)`."""
    return f"{name}: {report.breaking} breaking, {_changes(report.compatible, 'compatible')} ({report.bump})"


def _changes(count: int, kind: str) -> str:
    return f"{count} {kind} change{'' if count == 1 else 's'}"


def json_data(report: Report, locate: Locator = no_locator) -> dict[str, Any]:
    return {
        "version": REPORT_VERSION,
        "bump": report.bump,
        "breaking": report.breaking,
        "compatible": report.compatible,
        "changes": [
            {"kind": c.kind, "breaking": c.breaking, "python": c.python, "spec": locate(c.side, c.pointer),
             "pointer": c.pointer or "/", "message": c.message}
            for c in _ordered(report)
        ],
    }


def render(report: Report, fmt: str, name: str, locate: Locator = no_locator) -> str:
    if fmt == "json":
        return json.dumps(json_data(report, locate), indent=2, ensure_ascii=False) + "\n"
    if fmt == "markdown":
        return _markdown(report, name, locate)
    return _text(report, name, locate)


def _ordered(report: Report) -> list[Change]:
    """Breaking changes first; otherwise the order the comparison found them in (API order)."""
    return sorted(report.changes, key=lambda c: not c.breaking)


def _text(report: Report, name: str, locate: Locator) -> str:
    lines = [summary_line(name, report) if report.changes else f"{name}: no changes to the Python API (none)"]
    for c in _ordered(report):
        label = "BREAKING" if c.breaking else "ok"
        lines.append(f"  {label:8} {c.kind}: {c.python}: {c.message}  [{locate(c.side, c.pointer)}]")
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("\\", "\\\\").replace("|", "\\|")


def _markdown(report: Report, name: str, locate: Locator) -> str:
    lines = [f"### {name}: suggested version bump **{report.bump}**", ""]
    if not report.changes:
        return "\n".join(lines + ["No changes to the Python API.", ""])
    lines += [f"{report.breaking} breaking, {_changes(report.compatible, 'compatible')}.", "",
              "| | change | Python | spec | what |", "| --- | --- | --- | --- | --- |"]
    for c in _ordered(report):
        mark = ":boom:" if c.breaking else ""
        lines.append(f"| {mark} | {c.kind} | `{_cell(c.python)}` | {_cell(locate(c.side, c.pointer))} | "
                     f"{_cell(c.message)} |")
    return "\n".join(lines) + "\n"
