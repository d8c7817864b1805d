"""A content-addressed cache for expensive stages, kept outside the output folder.

Entries are keyed by a hash of everything that determines them (input bytes, tool versions, options), so
a hit is always the same bytes a fresh run would make: output never depends on the cache.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

from clientsmith.templates_dir import builtin_templates_dir

DEFAULT_DIR = ".clientsmith-cache"


def digest(*parts: str | bytes) -> str:
    hasher = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "big"))
        hasher.update(data)
    return hasher.hexdigest()


def code_digest() -> str:
    """Hash of the generator's own code and built-in templates: any change to them invalidates every entry."""
    global _CODE_DIGEST
    if _CODE_DIGEST is None:
        here = Path(__file__).resolve().parent
        code = sorted(here.rglob("*.py"))
        templates = builtin_templates_dir()
        files = [(f.relative_to(here).as_posix(), f) for f in code] + [
            (f.relative_to(templates).as_posix(), f) for f in sorted(templates.rglob("*")) if f.is_file()]
        _CODE_DIGEST = digest(*(part for name, f in files for part in (name, f.read_bytes())))
    return _CODE_DIGEST


_CODE_DIGEST: str | None = None


def user_cache_dir() -> Path:
    """The per-user cache folder, for runs that have no project folder to keep a cache beside."""
    root = os.environ.get("XDG_CACHE_HOME") or (os.environ.get("LOCALAPPDATA") if os.name == "nt" else None)
    return (Path(root) if root else Path.home() / ".cache") / "clientsmith"


class Cache:
    def __init__(self, root: Path) -> None:
        self.root = root
        self._ignored = False

    def _path(self, kind: str, key: str) -> Path:
        return self.root / kind / key[:2] / key

    def get(self, kind: str, key: str) -> Any | None:
        try:
            with open(self._path(kind, key), "rb") as handle:
                return pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            return None

    def put(self, kind: str, key: str, value: Any) -> None:
        path = self._path(kind, key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._ignore_self()
            fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temp, path)
        except OSError:
            pass  # a cache that cannot be written only costs speed


    def folder(self, kind: str) -> Path | None:
        """A folder of the cache for a tool that keeps its own files (keyed by our code); None when it
        cannot be made."""
        path = self.root / kind / code_digest()[:16]
        try:
            path.mkdir(parents=True, exist_ok=True)
            self._ignore_self()
        except OSError:
            return None
        return path

    def _ignore_self(self) -> None:
        """A `.gitignore` of `*` in the cache folder, as pytest's and mypy's have: never committed by mistake."""
        if not self._ignored:
            ignore = self.root / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# made by clientsmith\n*\n", encoding="utf-8")
            self._ignored = True


class NoCache(Cache):
    def __init__(self) -> None:
        super().__init__(Path())

    def get(self, kind: str, key: str) -> Any | None:
        return None

    def put(self, kind: str, key: str, value: Any) -> None:
        return None

    def folder(self, kind: str) -> Path | None:
        return None
