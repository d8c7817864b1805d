"""A models module's text and syntax tree, with the edits a pass places by that tree.

Each models pass reads the tree, queues its edits as spans of the text (positions as `ast` gives them:
1-based lines, columns in UTF-8 bytes) and their replacements, and `apply` makes them all at once, so
every position a pass reads stays valid until its edits are made. The tree is parsed when first asked
for and kept until the text changes: a pass that edits nothing leaves the next one the same tree (a
third of a second to parse for a large spec).
"""

from __future__ import annotations

import ast
from typing import NamedTuple

from clientsmith.source_lines import code_lines

Position = tuple[int, int]  # line (from 1), column (UTF-8 bytes), as `ast` numbers them


class _Edit(NamedTuple):
    start: int  # character offsets into the text
    end: int
    text: str


class EditBuffer:
    def __init__(self, source: str) -> None:
        self._source = source
        self._tree: ast.Module | None = None
        self._lines: list[str] | None = None
        self._line_starts: list[int] | None = None
        self._edits: list[_Edit] = []

    @property
    def source(self) -> str:
        """The text as the last `apply` left it (queued edits not yet made)."""
        return self._source

    @property
    def tree(self) -> ast.Module:
        """The text's syntax tree, shared by every reader until the text changes: never modify it."""
        if self._tree is None:
            self._tree = ast.parse(self._source)
        return self._tree

    @property
    def lines(self) -> list[str]:
        """The text's lines as `ast` numbers them, each with its line end (read-only)."""
        if self._lines is None:
            self._lines = code_lines(self._source)
        return self._lines

    def replace(self, start: Position, end: Position, text: str) -> None:
        """Queue `text` in place of the span from `start` to `end` (equal for an insertion)."""
        self._queue(self._offset(start), self._offset(end), text)

    def replace_node(self, node: ast.expr | ast.stmt, text: str) -> None:
        """Queue `text` in place of the node's source."""
        end = (node.end_lineno or node.lineno, node.end_col_offset or node.col_offset)
        self.replace((node.lineno, node.col_offset), end, text)

    def replace_lines(self, first: int, last: int, text: str) -> None:
        """Queue `text` (whole lines with their ends, or "" to delete) in place of lines `first` to `last`."""
        self._queue(self._offset((first, 0)), self._offset((last + 1, 0)), text)

    def insert_line(self, before: int, text: str) -> None:
        """Queue `text` (whole lines) at the start of line `before` (past the last line: at the end)."""
        self.replace_lines(before, before - 1, text)

    def apply(self, by: str = "a models pass") -> bool:
        """Make the queued edits, in the order of the text (insertions at one place in the order queued),
        and whether the text changed. Two edits of one span are a bug in the pass (`by`) that queued them."""
        edits, self._edits = sorted(self._edits, key=lambda edit: (edit.start, edit.end)), []
        if not edits:
            return False
        pieces: list[str] = []
        done = 0
        for previous, edit in zip([None, *edits], edits):
            assert previous is None or edit.start >= previous.end, (
                f"{by}: overlapping edits of the models module: {previous} and {edit}")
            pieces += [self._source[done : edit.start], edit.text]
            done = edit.end
        source = "".join(pieces) + self._source[done:]
        if source == self._source:
            return False
        self.reset(source)
        return True

    def reset(self, source: str) -> None:
        """Replace the whole text, dropping any queued edits."""
        self._source = source
        self._tree = self._lines = self._line_starts = None
        self._edits = []

    def _queue(self, start: int, end: int, text: str) -> None:
        assert start <= end, f"an edit of the models module ends before it starts ({start} > {end})"
        self._edits.append(_Edit(start, end, text))

    def _offset(self, position: Position) -> int:
        line, column = position
        lines = self.lines
        if self._line_starts is None:
            starts = [0]
            for text in lines:
                starts.append(starts[-1] + len(text))
            self._line_starts = starts
        if line > len(lines):
            return len(self._source)
        text = lines[line - 1]
        if column and not text.isascii():
            column = len(text.encode("utf-8")[:column].decode("utf-8"))
        return self._line_starts[line - 1] + column
