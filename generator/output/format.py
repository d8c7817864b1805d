"""Format generated Python with black's API, in-process (never a `black` found on PATH).

Large modules are cut between top-level classes into chunks that black formats independently: black
separates top-level classes by exactly two blank lines, so the joined result is what black gives for the
whole module, and each chunk can be cached and formatted in parallel. Chunk boundaries depend on class
names only, so adding one class leaves every other chunk, and its cache entry, as it was.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import os
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


def _collect(keys: list[str], outputs: Iterator[str], formatted: dict[str, str], cache: Cache,
             progress: Progress) -> None:
    for key, output in zip(keys, outputs):
        formatted[key] = output
        cache.put("format", key, output)
        progress.advance()


def format_files(
    files: dict[str, str], cache: Cache | None = None, workers: int | None = None, progress: Progress = SILENT
) -> dict[str, str]:
    cache = cache or NoCache()
    pending: dict[str, str] = {}  # chunk key -> unformatted chunk
    layout: dict[str, list[str]] = {}  # file -> its chunk keys
    result: dict[str, str] = {}
    for path, text in files.items():
        if not path.endswith(".py"):
            result[path] = text
            continue
        whole = cache.get("format-file", format_key(text))
        if isinstance(whole, str):
            result[path] = whole
            continue
        try:
            chunks = split_chunks(text) if len(text) > 50_000 else [text]
        except SyntaxError:
            format_python(text, path)  # raises with black's location
            raise
        keys = []
        for chunk in chunks:
            key = digest(BLACK_KIND, chunk)
            keys.append(key)
            pending[key] = chunk
        layout[path] = keys
    formatted: dict[str, str] = {}
    misses = []
    for key, chunk in pending.items():
        hit = cache.get("format", key)
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
    for path, keys in layout.items():
        result[path] = "\n\n".join(formatted[k].rstrip("\n") + "\n" for k in keys)
        cache.put("format-file", format_key(files[path]), result[path])
    return {path: result[path] for path in files}
