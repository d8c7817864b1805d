"""The last regeneration's change report, kept beside the manifest: `clientsmith diff --last` lists it after
the old spec is gone (a summary line says "4 breaking"; this file says which four)."""

from __future__ import annotations

import json
from pathlib import Path

from clientsmith.diff.changes import Change, Report

LAST_REPORT = ".clientsmith-changes.json"
_VERSION = 1


def save_last(output: Path, distribution: str, report: Report) -> None:
    """Written only when the API changed: a regeneration that changes nothing for callers keeps the report
    of the one that did."""
    data = {
        "comment": "What the last regeneration that changed the API changed for callers: `clientsmith diff --last`.",
        "version": _VERSION,
        "distribution": distribution,
        "changes": [{"kind": c.kind, "breaking": c.breaking, "python": c.python, "pointer": c.pointer,
                     "side": c.side, "message": c.message} for c in report.changes],
    }
    temp = output / f".{LAST_REPORT}.clientsmith-tmp"
    temp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    temp.replace(output / LAST_REPORT)


def load_last(output: Path) -> tuple[str, Report] | None:
    """(distribution, report), or None when no regeneration into `output` has changed the API (or the file
    is from a clientsmith that kept it in another format)."""
    try:
        data = json.loads((output / LAST_REPORT).read_text(encoding="utf-8"))
        if data.get("version") != _VERSION:
            return None
        changes = tuple(Change(c["kind"], bool(c["breaking"]), c["python"], c["pointer"], c["message"], c["side"])
                        for c in data["changes"])
        return str(data["distribution"]), Report(changes)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
