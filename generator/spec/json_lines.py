"""Parse JSON as JSON (not as YAML), keeping the line where each JSON pointer starts.

`json.loads` keeps no positions, so this walks the text itself, with the standard library's own string
scanner (escapes, surrogate pairs) and number grammar: what it accepts is exactly what `json` accepts.
"""

from __future__ import annotations

import bisect
import re
from json.decoder import scanstring  # type: ignore[attr-defined]  # the C scanner json itself uses
from typing import Any

from clientsmith.problems import Problem, SpecError, escape_pointer_token

_SPACE = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_LITERALS = {"true": True, "false": False, "null": None}


class _Parser:
    def __init__(self, text: str, display: str) -> None:
        self.text = text
        self.display = display
        self.newlines = [m.start() for m in re.finditer("\n", text)]
        self.lines: dict[str, int] = {}
        self.problems: list[Problem] = []

    def line(self, index: int) -> int:
        return bisect.bisect_left(self.newlines, index) + 1

    def fail(self, index: int, message: str, ptr: str = "") -> SpecError:
        return SpecError([Problem(self.display, self.line(index), ptr, f"JSON does not parse: {message}")])

    def space(self, index: int) -> int:
        return _SPACE.match(self.text, index).end()  # type: ignore[union-attr]

    def value(self, index: int, ptr: str) -> tuple[Any, int]:
        index = self.space(index)
        self.lines.setdefault(ptr, self.line(index))
        char = self.text[index:index + 1]
        if char == "{":
            return self.object(index + 1, ptr)
        if char == "[":
            return self.array(index + 1, ptr)
        if char == '"':
            return self.string(index + 1, ptr)
        number = _NUMBER.match(self.text, index)
        if number and number.end() > index:
            text = number.group()
            return (float(text) if number.group(1) or number.group(2) else int(text)), number.end()
        for word, literal in _LITERALS.items():
            if self.text.startswith(word, index):
                return literal, index + len(word)
        raise self.fail(index, "expected a value" if char else "unexpected end of file", ptr)

    def string(self, index: int, ptr: str) -> tuple[str, int]:
        try:
            text, end = scanstring(self.text, index, True)
        except ValueError as exc:
            raise self.fail(getattr(exc, "pos", index), str(exc).split(":")[0], ptr) from None
        if any("\ud800" <= c <= "\udfff" for c in text):
            raise self.fail(index, "a string holds a lone surrogate escape (\\ud800-\\udfff)", ptr)
        return text, end

    def object(self, index: int, ptr: str) -> tuple[dict[str, Any], int]:
        result: dict[str, Any] = {}
        index = self.space(index)
        if self.text.startswith("}", index):
            return result, index + 1
        while True:
            if not self.text.startswith('"', index):
                raise self.fail(index, "expected a property name in double quotes", ptr)
            key_line = self.line(index)
            key, index = self.string(index + 1, ptr)
            child = f"{ptr}/{escape_pointer_token(key)}"
            if key in result:
                self.problems.append(Problem(self.display, key_line, child, f"duplicate key {key!r}"))
            index = self.space(index)
            if not self.text.startswith(":", index):
                raise self.fail(index, "expected ':' after a property name", child)
            self.lines[child] = key_line
            result[key], index = self.value(index + 1, child)
            index = self.space(index)
            if self.text.startswith("}", index):
                return result, index + 1
            if not self.text.startswith(",", index):
                raise self.fail(index, "expected ',' or '}'", ptr)
            index = self.space(index + 1)

    def array(self, index: int, ptr: str) -> tuple[list[Any], int]:
        result: list[Any] = []
        index = self.space(index)
        if self.text.startswith("]", index):
            return result, index + 1
        while True:
            item, index = self.value(index, f"{ptr}/{len(result)}")
            result.append(item)
            index = self.space(index)
            if self.text.startswith("]", index):
                return result, index + 1
            if not self.text.startswith(",", index):
                raise self.fail(index, "expected ',' or ']'", ptr)
            index += 1


def parse_json(text: str, display: str) -> tuple[Any, dict[str, int]]:
    """(data, line of each pointer). Raises SpecError with located problems."""
    parser = _Parser(text.lstrip("\ufeff"), display)
    try:
        data, end = parser.value(0, "")
    except RecursionError:
        raise SpecError([Problem(display, 1, "", "document is nested too deeply")]) from None
    end = parser.space(end)
    if end != len(parser.text):
        raise parser.fail(end, "extra data after the top-level value")
    if parser.problems:
        raise SpecError(parser.problems)
    return data, parser.lines
