"""Load a YAML or JSON spec file into plain data, remembering the line of every JSON pointer."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import partial
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from clientsmith.cache import Cache, NoCache, code_digest, digest
from clientsmith.problems import Problem, SpecError, escape_pointer_token
from clientsmith.spec.json_lines import parse_json
from clientsmith.spec.yaml_chunks import Unsplittable, parse_chunked

# The C parser is several times faster on large specs; fall back to the pure-Python one.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_FLOAT_TAG = "tag:yaml.org,2002:float"


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """YAML 1.1 reads `1e-08` (no dot, or no sign in the exponent) as a string; YAML 1.2 and JSON, which
    OpenAPI means, read it as a number. Only the resolver changes, so the C parser is still used."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _FLOAT_TAG]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    _FLOAT_TAG,
    re.compile(r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
                  |[-+]?\.[0-9][0-9_]*(?:[eE][-+]?[0-9]+)?
                  |[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+
                  |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
                  |[-+]?\.(?:inf|Inf|INF)
                  |\.(?:nan|NaN|NAN))$""", re.X),
    list("-+0123456789."),
)
_constructor = yaml.constructor.SafeConstructor()
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"

# Alias expansion is bounded so that a "billion laughs" document is refused, not expanded.
SPEC_SUFFIXES = (".yaml", ".yml", ".json")
MAX_NODES = 5_000_000
MAX_FILE_BYTES = 64 * 1024 * 1024


@dataclass
class LoadedFile:
    """One spec file: its data and the 1-based line where each JSON pointer starts."""

    path: Path
    display: str
    data: Any
    lines: dict[str, int] = field(default_factory=dict)
    digest: str = ""  # sha256 of the file's bytes

    def line_of(self, ptr: str) -> int:
        """The line of `ptr`, or of its nearest ancestor that has one."""
        while ptr:
            if ptr in self.lines:
                return self.lines[ptr]
            ptr = ptr.rsplit("/", 1)[0]
        return self.lines.get("", 1)


def _expanded_sizes(root: yaml.Node) -> dict[int, int] | None:
    """Each node's size once its aliases are expanded (itself, its keys and values), by node id, counting
    each shared node once; None when an alias refers to a node that contains it."""
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(node: yaml.Node) -> int:
        known = sizes.get(id(node))
        if known is not None:
            return known
        if id(node) in active:
            raise RecursionError
        active.add(id(node))
        total = 1
        if isinstance(node, yaml.SequenceNode):
            total += sum(size(item) for item in node.value)
        elif isinstance(node, yaml.MappingNode):
            total += sum(size(value) + (0 if key.tag == "tag:yaml.org,2002:merge" else size(key))
                         for key, value in node.value)
        active.discard(id(node))
        sizes[id(node)] = total
        return total

    try:
        size(root)
    except RecursionError:  # a recursive alias, or nesting deeper than building allows: building says which
        return None
    return sizes


class _Builder:
    def __init__(self, display: str) -> None:
        self.display = display
        self.lines: dict[str, int] = {}
        self.nodes = 0
        self.problems: list[Problem] = []

    def _too_large(self, node: yaml.Node, ptr: str) -> SpecError:
        return SpecError([Problem(self.display, node.start_mark.line + 1, ptr,
                                  f"document expands to more than {MAX_NODES:,} nodes (YAML alias bomb?); refused")])

    def refuse_alias_bomb(self, root: yaml.Node, ptr: str) -> None:
        """Refuse a document whose aliases expand it past MAX_NODES before building any of it, at the node
        where building would have stopped: sizes are counted once per node, not once per alias."""
        sizes = _expanded_sizes(root)
        if sizes is None or sizes[id(root)] <= MAX_NODES:
            return  # within bounds, or a recursive alias that building reports
        node: yaml.Node | None = root
        while node is not None:  # into the one child in which the count passes the limit, in build order
            self.nodes += 1
            if self.nodes > MAX_NODES:
                raise self._too_large(node, ptr)
            parent, node = (node, ptr), None
            for child, child_ptr in self._children(*parent):
                if self.nodes + sizes[id(child)] > MAX_NODES:
                    node, ptr = child, child_ptr
                    break
                self.nodes += sizes[id(child)]

    def _children(self, node: yaml.Node, ptr: str) -> Iterator[tuple[yaml.Node, str]]:
        """A node's keys and values with their pointers, in the order building visits them; a key is made
        only once passed, to name its value as building does."""
        if isinstance(node, yaml.SequenceNode):
            yield from ((item, f"{ptr}/{i}") for i, item in enumerate(node.value))
        elif isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    yield value_node, ptr
                    continue
                yield key_node, ptr
                key = _Builder(self.display).build(key_node, ptr, set())
                yield value_node, f"{ptr}/{escape_pointer_token(str(key))}"

    def build(self, node: yaml.Node, ptr: str, active: set[int]) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise self._too_large(node, ptr)
        self.lines.setdefault(ptr, node.start_mark.line + 1)
        if isinstance(node, yaml.ScalarNode):
            if node.tag == _TIMESTAMP_TAG:  # OpenAPI dates are strings, not datetime objects
                return node.value
            return _constructor.yaml_constructors.get(node.tag, type(_constructor).construct_undefined)(
                _constructor, node
            )
        if id(node) in active:
            raise SpecError([Problem(self.display, node.start_mark.line + 1, ptr, "recursive YAML alias")])
        active.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                return [self.build(item, f"{ptr}/{i}", active) for i, item in enumerate(node.value)]
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    merged = self.build(value_node, ptr, active)
                    for part in merged if isinstance(merged, list) else [merged]:
                        for k, v in part.items():
                            result.setdefault(k, v)
                    continue
                key = self.build(key_node, ptr, active)
                if type(key) is int:
                    key = str(key)  # response codes written unquoted: `200:`
                if not isinstance(key, str):
                    self.problems.append(
                        Problem(self.display, key_node.start_mark.line + 1, ptr, f"mapping key {key!r} is not a string")
                    )
                    key = str(key)
                child = f"{ptr}/{escape_pointer_token(key)}"
                if key in result:
                    self.problems.append(
                        Problem(self.display, key_node.start_mark.line + 1, child, f"duplicate key {key!r}")
                    )
                self.lines[child] = key_node.start_mark.line + 1
                result[key] = self.build(value_node, child, active)
            return result
        finally:
            active.discard(id(node))


def is_text_file(path: Path) -> bool:
    """A file a `$ref` takes as plain text (Markdown, HTML, ...): one named as neither YAML nor JSON."""
    return path.suffix != "" and path.suffix.lower() not in SPEC_SUFFIXES


def load_file(path: Path, display: str | None = None, cache: Cache | None = None,
              any_top_level: bool = False, as_text: bool = False) -> LoadedFile:
    """Parse one YAML or JSON file. Raises SpecError with a located problem on failure.

    A spec file holds a mapping; a file reached by a `$ref` (`any_top_level`) may hold any value, and a
    file that is neither YAML nor JSON (a Markdown description) is read `as_text`: its data is its text."""
    display = display or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise SpecError([Problem(display, 1, "", f"file is {size:,} bytes, over the {MAX_FILE_BYTES:,} limit")])
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SpecError([Problem(display, 1, "", f"not UTF-8 text: {exc.reason}")]) from None
    except OSError as exc:
        raise SpecError([Problem(display, 1, "", f"cannot read file: {exc.strerror}")]) from None
    file_digest = digest(raw)
    if as_text:
        return LoadedFile(path, display, text, {"": 1}, file_digest)
    if cache is not None and not isinstance(cache, NoCache) and path.suffix.lower() != ".json":
        chunked = _load_chunked(path, display, text, file_digest, cache)
        if chunked is not None:
            return chunked
    key = digest("load", code_digest(), file_digest, path.suffix.lower())
    cached = cache.get("load", key) if cache else None
    if isinstance(cached, tuple) and len(cached) == 2 and (any_top_level or isinstance(cached[0], dict)):
        return LoadedFile(path, display, cached[0], cached[1], file_digest)
    loaded = load_text(text, display, path, any_top_level)
    loaded.digest = file_digest
    if cache:
        cache.put("load", key, (loaded.data, loaded.lines))
    return loaded


def _load_chunked(path: Path, display: str, text: str, file_digest: str, cache: Cache) -> LoadedFile | None:
    """The file parsed chunk by chunk, taking unchanged chunks from its last parse (see yaml_chunks.py);
    None when it must be parsed whole."""
    store_key = digest("load-chunks", code_digest(), display)
    known = cache.get("load-chunks", store_key)
    try:
        data, lines, kept = parse_chunked(text, partial(_parse_chunk, display), known if isinstance(known, dict) else {})
    except Unsplittable:
        return None
    if not isinstance(known, dict) or kept.keys() != known.keys():
        cache.put("load-chunks", store_key, kept)  # before the caller's stages touch the shared data
    return LoadedFile(path, display, data, lines, file_digest)


def _parse_chunk(display: str, text: str, pointer: str) -> tuple[Any, dict[str, int]]:
    node = yaml.compose(text, Loader=_Loader)
    if node is None:
        raise ValueError("empty chunk")
    builder = _Builder(display)
    if "*" in text:  # only an alias (`*name`) can make the document larger than its text
        builder.refuse_alias_bomb(node, pointer)
    data = builder.build(node, pointer, set())
    if builder.problems:
        raise SpecError(builder.problems)
    return data, builder.lines


def load_text(text: str, display: str, path: Path | None = None, any_top_level: bool = False) -> LoadedFile:
    """Parse spec text: JSON when the file's name ends in .json, YAML otherwise."""
    if (path or Path(display)).suffix.lower() == ".json":
        data, lines = parse_json(text, display)
        return _checked_top(LoadedFile(path or Path(display), display, data, lines), any_top_level)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        reason = " ".join(str(exc.problem or exc.context or "invalid YAML").split())
        raise SpecError([Problem(display, line, "", f"YAML does not parse: {reason}")]) from None
    except yaml.YAMLError as exc:
        raise SpecError([Problem(display, 1, "", f"YAML does not parse: {exc}")]) from None
    if node is None:
        raise SpecError([Problem(display, 1, "", "file is empty")])
    builder = _Builder(display)
    try:
        if "*" in text:  # only an alias (`*name`) can make the document larger than its text
            builder.refuse_alias_bomb(node, "")
        data = builder.build(node, "", set())
    except yaml.constructor.ConstructorError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else 1
        raise SpecError([Problem(display, line, "", f"YAML value not allowed: {exc.problem}")]) from None
    except RecursionError:
        raise SpecError([Problem(display, 1, "", "document is nested too deeply")]) from None
    if builder.problems:
        raise SpecError(builder.problems)
    return _checked_top(LoadedFile(path or Path(display), display, data, builder.lines), any_top_level)


def _checked_top(loaded: LoadedFile, any_top_level: bool) -> LoadedFile:
    if not any_top_level and not isinstance(loaded.data, dict):
        raise SpecError([Problem(loaded.display, 1, "", "a spec file must hold a mapping at the top level")])
    return loaded
