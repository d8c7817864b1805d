"""What clientsmith last wrote, kept beside the manifest: the base of the three-way merge that carries a
user's edits into the next generation (output/edits.py).

One gzip file holds every generated file (the manifest aside) in path order, each as a line
`<length> <path>` followed by its bytes and a newline, so `zcat` shows it and reading it costs next to
nothing. Generated packages repeat themselves, so one compressed stream keeps it to a fraction of the
package. The gzip header is written here, not by the gzip module, so that the bytes do not depend on the
Python version or the platform; they still depend on the zlib library, so two bases are compared by what
they hold (`same_base`), never by their bytes.
"""

from __future__ import annotations

import gzip
import struct
import zlib
from pathlib import Path

BASE = ".clientsmith-base.gz"
FORMAT = b"clientsmith-base 1\n"
LEVEL = 6  # level 9 takes three times as long for 2% less

# magic, deflate, no flags, mtime 0, maximum compression, unknown OS
_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"


def base_payload(files: dict[str, bytes]) -> bytes:
    """The uncompressed record of `files`, in path order: the same files give the same bytes."""
    parts = [FORMAT]
    for path in sorted(files):
        parts += [b"%d %s\n" % (len(files[path]), path.encode("utf-8")), files[path], b"\n"]
    return b"".join(parts)


def base_bytes(files: dict[str, bytes]) -> bytes:
    """The base file for generated `files` (without the manifest)."""
    payload = base_payload(files)
    compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)  # raw deflate: the gzip frame is ours
    body = compressor.compress(payload) + compressor.flush()
    return _GZIP_HEADER + body + struct.pack("<II", zlib.crc32(payload), len(payload) & 0xFFFFFFFF)


def summarises(data: bytes, payload: bytes) -> bool:
    """Whether base file `data` ends with the checksum and size of `payload`: what the committed output's
    reuse checks, without decompressing (a base used in a merge is checked file by file against the
    manifest's hashes)."""
    return len(data) > 18 and data[-8:] == struct.pack("<II", zlib.crc32(payload), len(payload) & 0xFFFFFFFF)


def read_payload(data: bytes) -> bytes | None:
    try:
        return gzip.decompress(data)
    except (OSError, EOFError, zlib.error):
        return None


def base_texts(data: bytes) -> dict[str, bytes]:
    """The files a base file holds; nothing when it is damaged or not one."""
    payload = read_payload(data)
    if payload is None or not payload.startswith(FORMAT):
        return {}
    files, at = {}, len(FORMAT)
    try:
        while at < len(payload):
            end = payload.index(b"\n", at)
            length, path = payload[at:end].split(b" ", 1)
            start, at = end + 1, end + 1 + int(length)
            if payload[at:at + 1] != b"\n":
                return {}
            files[path.decode("utf-8")] = payload[start:at]
            at += 1
    except (ValueError, UnicodeDecodeError):
        return {}
    return files


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
    if one[-8:] != other[-8:]:  # checksum and size of what they hold
        return False
    payload = read_payload(one)
    return payload is not None and payload == read_payload(other)
