"""Format generated Python with black's API, in-process (never a `black` found on PATH).

Large modules are cut between top-level classes into chunks that black formats independently: black
separates top-level classes by exactly two blank lines, so the joined result is what black gives for the
whole module, and each chunk can be cached and formatted in parallel. Chunk boundaries depend on class
names only, so adding one class leaves every other chunk, and its cache entry, as it was.

A module's leading comment lines (the generated header, which names the spec) are kept as they are and
only what follows them is formatted: black leaves such lines unchanged, and the runtime modules, the same
text in every package but for that header, then share one key. Formatted chunks are also remembered for
the rest of the process, so a run that builds several packages formats each runtime module once.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import os
import re
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from importlib.metadata import version
from typing import Any

from clientsmith.cache import Cache, NoCache, digest
from clientsmith.progress import SILENT, Progress
from clientsmith.source_lines import code_lines

# Keys of formatted text name the black that made it; black itself is imported only when something is
# formatted, so a run that reuses every module does not pay for loading it.
BLACK_KIND = "black-" + version("black")
# Worth a process pool only past this much unformatted code.
PARALLEL_MIN_CHARS = 400_000
# Comment lines black never rewrites: "# " and text without trailing blanks, and no directive it obeys
# (fmt: off/skip, type: comments); a lone "#" too.
_PLAIN_COMMENT = re.compile(r"#(?: (?!fmt:|type:)\S(?:.*\S)?)?\n")


class _Remembered(dict[str, str]):
    """Formatted chunks of this process, by key; dropped whole past `limit` characters (a long-lived
    process, such as a test run or an editor integration, must not grow without end)."""

    def __init__(self, limit: int = 64_000_000) -> None:
        super().__init__()
        self.limit, self.chars = limit, 0

    def keep(self, key: str, output: str) -> None:
        if self.chars + len(output) > self.limit:
            self.clear()
            self.chars = 0
        self[key] = output
        self.chars += len(output)


_REMEMBERED = _Remembered()


def format_key(text: str) -> str:
    """The key of black's output for unformatted `text` (what the cache and the manifest record)."""
    return digest(BLACK_KIND, text)


@functools.cache
def black_mode() -> Any:
    """black's settings for generated code (black is imported on first use)."""
    import black

    return black.Mode(target_versions={black.TargetVersion.PY310}, line_length=100)


def format_python(source: str, path: str = "<generated>") -> str:
    import black

    try:
        return black.format_str(source, mode=black_mode())
    except black.InvalidInput as exc:  # a template or generator bug, never the user's spec: say where
        raise RuntimeError(f"generated {path} is not valid Python: {exc}") from exc


def _boundary(name: str) -> bool:
    return hashlib.sha256(name.encode()).digest()[0] < 8  # about one class in 32


def split_chunks(source: str) -> list[str]:
    """The module cut before top-level classes that follow another top-level class."""
    lines = code_lines(source)
    cuts = []
    body = ast.parse(source).body
    for previous, node in zip(body, body[1:]):
        if isinstance(previous, ast.ClassDef) and isinstance(node, ast.ClassDef) and not node.decorator_list:
            if _boundary(previous.name):
                cuts.append(node.lineno - 1)
    chunks, start = [], 0
    for cut in cuts:
        chunks.append("".join(lines[start:cut]))
        start = cut
    chunks.append("".join(lines[start:]))
    return chunks


def _format_chunk(chunk: str) -> str:
    return format_python(chunk)


def split_header(text: str) -> tuple[str, str]:
    """(leading plain comment lines, the rest), split only where the rest starts a top-level statement:
    black then gives the header followed by its own output for the rest."""
    end = 0
    while (match := _PLAIN_COMMENT.match(text, end)) is not None:
        end = match.end()
    rest = text[end:]
    if not end or not rest or rest[0] in " \t\r\n#\\":
        return "", text
    return text[:end], rest


def _collect(keys: list[str], outputs: Iterator[str], formatted: dict[str, str], cache: Cache,
             progress: Progress) -> None:
    for key, output in zip(keys, outputs):
        formatted[key] = output
        _REMEMBERED.keep(key, output)
        cache.put("format", key, output)
        progress.advance()


def format_files(
    files: dict[str, str], cache: Cache | None = None, workers: int | None = None, progress: Progress = SILENT
) -> dict[str, str]:
    cache = cache or NoCache()
    pending: dict[str, str] = {}  # chunk key -> unformatted chunk
    layout: dict[str, tuple[str, list[str]]] = {}  # file -> its header and its chunk keys
    result: dict[str, str] = {}
    for path, text in files.items():
        if not path.endswith(".py"):
            result[path] = text
            continue
        whole = cache.get("format-file", format_key(text))
        if isinstance(whole, str):
            result[path] = whole
            continue
        header, body = split_header(text)
        try:
            chunks = split_chunks(body) if len(body) > 50_000 else [body]
        except SyntaxError:
            format_python(text, path)  # raises with black's location
            raise
        keys = []
        for chunk in chunks:
            key = digest(BLACK_KIND, chunk)
            keys.append(key)
            pending[key] = chunk
        layout[path] = (header, keys)
    formatted: dict[str, str] = {}
    misses = []
    for key, chunk in pending.items():
        hit = _REMEMBERED[key] if key in _REMEMBERED else cache.get("format", key)
        if isinstance(hit, str):
            formatted[key] = hit
        else:
            misses.append(key)
    total = sum(len(pending[k]) for k in misses)
    workers = workers or min(os.cpu_count() or 1, 8)
    progress.stage("formatting chunks with black", len(misses))
    if workers > 1 and total > PARALLEL_MIN_CHARS and len(misses) > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            # Largest first, one at a time, so a big module does not end up last on one worker; only
            # thousands of small chunks go in batches, to save round trips.
            misses.sort(key=lambda k: -len(pending[k]))
            batch = 1 if len(misses) < 1000 else min(64, len(misses) // (workers * 8))
            outputs = pool.map(_format_chunk, [pending[k] for k in misses], chunksize=batch)
            _collect(misses, outputs, formatted, cache, progress)
    else:
        _collect(misses, map(_format_chunk, [pending[k] for k in misses]), formatted, cache, progress)
    for path, (header, keys) in layout.items():
        result[path] = header + "\n\n".join(formatted[k].rstrip("\n") + "\n" for k in keys)
        cache.put("format-file", format_key(files[path]), result[path])
    return {path: result[path] for path in files}
