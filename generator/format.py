"""Format generated Python with black's API, in-process (never a `black` found on PATH)."""

from __future__ import annotations

import black

_MODE = black.Mode(target_versions={black.TargetVersion.PY310}, line_length=100)


def format_python(source: str, path: str) -> str:
    try:
        return black.format_str(source, mode=_MODE)
    except black.InvalidInput as exc:  # a template or generator bug, never the user's spec: say where
        raise RuntimeError(f"generated {path} is not valid Python: {exc}") from exc


def format_files(files: dict[str, str]) -> dict[str, str]:
    return {path: format_python(text, path) if path.endswith(".py") else text for path, text in files.items()}
