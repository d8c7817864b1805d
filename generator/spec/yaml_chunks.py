"""Piecewise YAML parsing: a changed operation re-parses only its own part of a large spec file.

A YAML file whose top level is a block mapping is cut at its keys, and the values that are block mappings
again at theirs, down to `MAX_DEPTH` levels (`paths` -> each path item -> each operation; `components` ->
`schemas` -> each schema). Each leaf chunk is parsed on its own, as an indented mapping, and its data and
the lines of its JSON pointers are kept, keyed by the chunk's pointer and bytes; the next parse of the
file takes every chunk whose bytes are unchanged from there, shifting its lines when text above it grew
or shrank.

Whatever a chunk cannot say alone makes the whole file fall back to one full parse (`Unsplittable`):
directives and `---` / `...` document markers, flow-style or sequence roots, anchors, tags or complex
keys on the lines cut at, an alias to an anchor in another chunk, line breaks other than `\\n` and `\\r\\n`,
a chunk that does not parse or gives anything but one key, a duplicate key across chunks. The full parse
then gives the data, or the located problem, exactly as before.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from clientsmith.problems import escape_pointer_token

MAX_DEPTH = 3
# Characters that, starting a line cut at, make its meaning depend on more than the chunk: a sequence,
# flow collection, complex key, tag, anchor, alias, block scalar, directive or reserved indicator.
_UNSAFE_STARTS = frozenset("-[{?!&*|>%@`\t,]}")

# parse(text, pointer) -> (data, lines): `text` is one chunk, `pointer` where its mapping stands; lines
# are 1-based within the chunk. Raises on any problem (the caller then parses the file whole).
ParseChunk = Callable[[str, str], tuple[Any, dict[str, int]]]
# chunk key -> (data, absolute 1-based lines of its pointers, 0-based line the chunk started at)
Store = dict[str, tuple[Any, dict[str, int], int]]


class Unsplittable(Exception):
    """This text must be parsed whole."""


@dataclass
class _Part:
    start: int  # 0-based line of the key
    end: int  # exclusive
    children: list[_Part] | None  # None: parsed as one chunk


def parse_chunked(text: str, parse: ParseChunk, known: Store) -> tuple[dict[str, Any], dict[str, int], Store]:
    """The data and lines a full parse gives, and the chunks to keep for the next parse. Chunks found in
    `known` are not parsed again. Raises Unsplittable when the text must be parsed whole."""
    if "\x85" in text or "\u2028" in text or "\u2029" in text or text.count("\r") != text.count("\r\n"):
        raise Unsplittable("line breaks the chunks would count differently")
    if text.startswith("\ufeff"):
        raise Unsplittable("byte order mark")
    lines = text.split("\n")
    lines = [line + "\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])
    columns = [_column(line) for line in lines]
    parts = _parts(lines, columns, 0, len(lines), 0, 1)
    if not parts:
        raise Unsplittable("no mapping at the top level")
    data: dict[str, Any] = {}
    found: dict[str, int] = {"": parts[0].start + 1}
    kept: Store = {}
    _assemble(parts, lines, "", data, found, parse, known, kept)
    return data, found, kept


def _column(line: str) -> int:
    """The column a line's content starts at; -1 for a blank or comment line."""
    stripped = line.lstrip(" ")
    if not stripped.strip() or stripped.startswith("#"):
        return -1
    return len(line) - len(stripped)


def _parts(lines: list[str], columns: list[int], lo: int, hi: int, indent: int, depth: int) -> list[_Part]:
    """The keys of the block mapping at column `indent` in lines[lo:hi]."""
    starts: list[int] = []
    for number in range(lo, hi):
        column = columns[number]
        if column == indent:
            line = lines[number]
            first = line[column]
            if starts and line[column:column + 2].rstrip("\r\n") in ("-", "- "):
                continue  # a sequence written at its key's column: the previous key's value
            if first in _UNSAFE_STARTS or line.startswith(("---", "...")):
                raise Unsplittable(f"line {number + 1} starts with {first!r}")
            starts.append(number)
        elif column > indent:
            if not starts:
                raise Unsplittable(f"line {number + 1} is indented more than the first key")
        elif column >= 0:
            raise Unsplittable(f"line {number + 1} is indented less than its mapping")
    parts: list[_Part] = []
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else hi
        # Comments and blank lines below a key stay in its chunk; those above the first key in none.
        children = _children(lines, columns, start, end, indent, depth) if depth < MAX_DEPTH else None
        parts.append(_Part(start, end, children))
    return parts


def _children(lines: list[str], columns: list[int], start: int, end: int, indent: int,
              depth: int) -> list[_Part] | None:
    """The parts of the block mapping that is this key's value, or None when the value is anything else."""
    header = lines[start].rstrip("\r\n")
    if "#" in header:
        header = header.split(" #", 1)[0]
    if not header.rstrip().endswith(":") or "'" in header or '"' in header:
        return None  # a value on the key's line, or a quoted key: parsed whole
    body = next((n for n in range(start + 1, end) if columns[n] >= 0), None)
    if body is None:
        return None
    column = columns[body]
    if column <= indent or lines[body][column] == "-":
        return None
    return _parts(lines, columns, start + 1, end, column, depth + 1)


def _chunk_key(pointer: str, text: str) -> str:
    return hashlib.sha256(f"{pointer}\0{text}".encode("utf-8", "surrogatepass")).hexdigest()


def _assemble(parts: list[_Part], lines: list[str], pointer: str, into: dict[str, Any], found: dict[str, int],
              parse: ParseChunk, known: Store, kept: Store) -> None:
    for part in parts:
        text = "".join(lines[part.start:part.start + 1] if part.children is not None else lines[part.start:part.end])
        key = _chunk_key(pointer, text)
        hit = known.get(key)
        if hit is None:
            value, relative = _parse(parse, text, pointer)
            hit = (value, {ptr: line + part.start for ptr, line in relative.items()}, part.start)
        kept[key] = hit
        value, chunk_lines, parsed_at = hit
        (name, item), = value.items()
        if name in into:
            raise Unsplittable(f"duplicate key {name!r}")
        if parsed_at == part.start:
            found.update(chunk_lines)
        else:
            shift = part.start - parsed_at
            found.update({ptr: line + shift for ptr, line in chunk_lines.items()})
        if part.children is None:
            into[name] = item
            continue
        if item is not None:
            raise Unsplittable(f"key {name!r} has a value on its own line")
        child: dict[str, Any] = {}
        into[name] = child
        _assemble(part.children, lines, f"{pointer}/{escape_pointer_token(name)}", child, found, parse, known, kept)


def _parse(parse: ParseChunk, text: str, pointer: str) -> tuple[dict[str, Any], dict[str, int]]:
    try:
        value, relative = parse(text, pointer)
    except Exception as exc:  # the full parse reports it, with the file's lines
        raise Unsplittable(f"chunk does not parse alone: {exc}") from None
    if not isinstance(value, dict) or len(value) != 1 or not isinstance(next(iter(value)), str):
        raise Unsplittable("chunk is not one key")
    relative = {ptr: line for ptr, line in relative.items() if ptr != pointer}  # the parent's line is its key's
    return value, relative
