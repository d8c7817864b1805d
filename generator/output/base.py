"""What clientsmith last wrote, kept beside the manifest: the base of the three-way merge that carries a
user's edits into the next generation (output/edits.py).

One gzip file holds every generated file's text (the manifest aside) as a JSON object, path -> text.
Generated packages repeat themselves, so one compressed stream keeps it to a fraction of the package.
The gzip header is written here, not by the gzip module, so that the bytes do not depend on the Python
version or the platform; they still depend on the zlib library, so two bases are compared by what they
hold (`same_base`), never by their bytes.
"""

from __future__ import annotations

import gzip
import json
import struct
import zlib
from pathlib import Path

BASE = ".clientsmith-base.json.gz"

# magic, deflate, no flags, mtime 0, maximum compression, unknown OS
_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"


def base_payload(files: dict[str, bytes]) -> bytes:
    """The uncompressed record of `files`: sorted JSON, so the same files give the same bytes."""
    texts = {path: files[path].decode("utf-8") for path in sorted(files)}
    return json.dumps(texts, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def base_bytes(files: dict[str, bytes]) -> bytes:
    """The base file for generated `files` (without the manifest)."""
    payload = base_payload(files)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)  # raw deflate: the gzip frame is ours
    body = compressor.compress(payload) + compressor.flush()
    return _GZIP_HEADER + body + struct.pack("<II", zlib.crc32(payload), len(payload) & 0xFFFFFFFF)


def read_payload(data: bytes) -> bytes | None:
    try:
        return gzip.decompress(data)
    except (OSError, EOFError, zlib.error):
        return None


def base_texts(data: bytes) -> dict[str, bytes]:
    """The files a base file holds; nothing when it is damaged or not one."""
    payload = read_payload(data)
    try:
        texts = json.loads(payload) if payload is not None else {}
    except ValueError:
        return {}
    if not isinstance(texts, dict):
        return {}
    return {str(path): text.encode("utf-8") for path, text in texts.items() if isinstance(text, str)}


def read_base(output: Path) -> dict[str, bytes]:
    """The files the base in `output` holds (nothing when there is none)."""
    try:
        return base_texts((output / BASE).read_bytes())
    except OSError:
        return {}


def same_base(one: bytes, other: bytes) -> bool:
    """Whether two base files hold the same files, whichever zlib compressed them."""
    if one == other:
        return True
    payload = read_payload(one)
    return payload is not None and payload == read_payload(other)
