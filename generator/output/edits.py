"""Carry a user's edits to generated files into the next generation by a three-way merge (merge3).

Base: what clientsmith last wrote (output/base.py, verified against the manifest's hashes); ours: the
file as the user left it; theirs: the newly generated file. A file is edited when its bytes no longer hash
to what the manifest recorded. The manifest and the base always describe the generated files themselves,
so an edit carried once is found again, and merged again, by every later generation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from merge3 import Merge3

from clientsmith.output.base import BASE, read_base
from clientsmith.output.write import MANIFEST, recorded_hashes, sha256

MERGE, MARKERS, DISCARD = "merge", "markers", "discard"
EDIT_MODES = (MERGE, MARKERS, DISCARD)
START, MIDDLE, END = b"<<<<<<< yours", b"=======", b">>>>>>> regenerated"


@dataclass(frozen=True)
class Conflict:
    """Lines the user changed where the generator changed them too: 0-based half-open ranges."""

    ours: tuple[int, int]  # in the user's file
    theirs: tuple[int, int]  # in the newly generated file
    ours_lines: tuple[bytes, ...]
    theirs_lines: tuple[bytes, ...]
    marked: tuple[int, int] = (0, 0)  # where the markers stand in the file written with --edits=markers


@dataclass(frozen=True)
class EditedFile:
    rel: str
    merged: bytes | None  # None: the file is no longer generated
    conflicts: tuple[Conflict, ...]
    has_base: bool  # False: no record of what was last written (an older clientsmith made the output)


@dataclass
class EditPlan:
    """What writing a generation over edited files does, per `mode`."""

    mode: str
    files: dict[str, bytes]  # what to write: the generated files, edited ones merged
    edited: list[EditedFile] = field(default_factory=list)
    keep: set[str] = field(default_factory=set)  # edited files no longer generated, left as the user's

    @property
    def conflicted(self) -> list[EditedFile]:
        return [e for e in self.edited if e.conflicts]

    @property
    def refused(self) -> bool:
        return self.mode == MERGE and bool(self.conflicted)


def edited_files(output: Path) -> dict[str, bytes]:
    """The generated files in `output` whose bytes are no longer what clientsmith wrote, with those bytes.
    A deleted file is not an edit: it is generated again."""
    found = {}
    for rel, recorded in recorded_hashes(output).items():
        if rel in (MANIFEST, BASE) or ".." in Path(rel).parts:
            continue
        try:
            data = (output / rel).read_bytes()
        except OSError:
            continue
        if sha256(data) != recorded:
            found[rel] = data
    return found


def plan_edits(output: Path, files: dict[str, bytes], mode: str = MERGE) -> EditPlan:
    """The files to write for generated `files` (manifest and base included) over `output`."""
    edits = edited_files(output)
    plan = EditPlan(mode, dict(files))
    if not edits:
        return plan
    recorded = recorded_hashes(output)
    bases = {rel: data for rel, data in read_base(output).items() if recorded.get(rel) == sha256(data)}
    for rel in sorted(edits):
        ours, base = edits[rel], bases.get(rel)
        theirs = files.get(rel)
        if base is None and theirs is not None and sha256(theirs) == recorded[rel]:
            base = theirs  # no base file, but the file is generated as it was: that is the base
        edited = merge_file(rel, base, ours, theirs)
        plan.edited.append(edited)
        if mode == DISCARD:
            continue
        if theirs is None:
            plan.keep.add(rel)  # with markers: the user's file stays, no longer generated
        elif edited.merged is not None and (mode == MARKERS or not edited.conflicts):
            plan.files[rel] = edited.merged
    return plan


def merge_file(rel: str, base: bytes | None, ours: bytes, theirs: bytes | None) -> EditedFile:
    """Merge one edited file. With no base nothing tells the user's lines from the generator's, so the
    file conflicts as a whole unless both sides are the same; so does a file no longer generated."""
    ours_lines = _lines(ours)
    if theirs is None:
        whole = Conflict((0, len(ours_lines)), (0, 0), tuple(ours_lines), ())
        return EditedFile(rel, None, (whole,), base is not None)
    theirs_lines = _lines(theirs)
    merge = Merge3(_lines(base or b""), ours_lines, theirs_lines)
    out: list[bytes] = []
    conflicts = []
    for region in merge.merge_regions():
        if len(region) == 3:
            kind, begin, end = region
            side = {"unchanged": merge.base, "a": ours_lines, "same": ours_lines, "b": theirs_lines}[kind]
            out += side[begin:end]
        else:  # a conflict: (kind, base start, base end, ours start, ours end, theirs start, theirs end)
            _, _, _, a0, a1, b0, b1 = region
            _end_line(out)
            start = len(out)
            out += [START + b"\n", *ours_lines[a0:a1]]
            _end_line(out)
            out += [MIDDLE + b"\n", *theirs_lines[b0:b1]]
            _end_line(out)
            out.append(END + b"\n")
            conflicts.append(Conflict((a0, a1), (b0, b1), tuple(ours_lines[a0:a1]), tuple(theirs_lines[b0:b1]),
                                      (start, len(out))))
    return EditedFile(rel, b"".join(out), tuple(conflicts), base is not None)


def _lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True)


def _end_line(out: list[bytes]) -> None:
    """A marker must start a line even after a last line without its newline."""
    if out and not out[-1].endswith((b"\n", b"\r")):
        out[-1] += b"\n"


def line_range(span: tuple[int, int]) -> str:
    """1-based lines, as editors number them; an empty range names the line it stands after."""
    start, end = span
    if end <= start:
        return f"none (after line {start})"
    return f"{start + 1}" if end == start + 1 else f"{start + 1}-{end}"


def conflict_report(output: Path, edited: EditedFile) -> list[str]:
    """One heading per conflict, `file:lines: ...`, with the user's and the new text indented under it."""
    path = (output / edited.rel).as_posix()
    report = []
    for conflict in edited.conflicts:
        if edited.merged is None:
            report.append(f"{path}:{line_range(conflict.ours)}: edited by hand, and no longer generated")
        else:
            why = "" if edited.has_base else f" (no copy of what clientsmith last wrote in {BASE} to merge with)"
            report.append(f"{path}:{line_range(conflict.ours)}: your edit conflicts with the regenerated code "
                          f"({_lines_word(conflict.theirs)} of the regenerated file){why}")
        report.append("  yours:")
        report += _quoted(conflict.ours_lines)
        if edited.merged is not None:
            report.append("  regenerated:")
            report += _quoted(conflict.theirs_lines)
    return report


def _lines_word(span: tuple[int, int]) -> str:
    text = line_range(span)
    return text if text.startswith("none") else ("lines " if "-" in text else "line ") + text


QUOTED_LINES = 40  # per side: enough to recognise an edit, short enough to read a whole-file conflict


def _quoted(lines: tuple[bytes, ...]) -> list[str]:
    shown = ["  | " + line.decode("utf-8", "replace").rstrip("\r\n") for line in lines[:QUOTED_LINES]]
    if len(lines) > QUOTED_LINES:
        shown.append(f"  ... ({len(lines) - QUOTED_LINES} more lines)")
    return shown or ["  (nothing)"]


def unresolved_markers(data: bytes) -> list[int]:
    """1-based lines where conflict markers written by `--edits=markers` still stand."""
    return [n for n, line in enumerate(_lines(data), 1) if line.rstrip(b"\r\n") in (START, END)]


def outcome(output: Path, edited: EditedFile, mode: str) -> str:
    """What a generation in `mode` did with one edited file, in one line."""
    path = (output / edited.rel).as_posix()
    if mode == DISCARD:
        return f"{path}: your edits discarded" + (" and the file removed" if edited.merged is None else "")
    if edited.merged is None:
        return f"{path}: edited by hand and no longer generated: left as your file"
    if edited.conflicts:
        lines = ", ".join(line_range(c.marked) for c in edited.conflicts)
        return f"{path}: your edits kept, with conflict markers at lines {lines}"
    markers = unresolved_markers(edited.merged)
    left = f" (conflict markers still stand at lines {', '.join(map(str, markers))})" if markers else ""
    return f"{path}: your edits carried into the regenerated file{left}"
