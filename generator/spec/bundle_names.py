"""Names of bundled objects: each target is named after its pointer's last token or its file, prefixed with
its file's name and folders where that name is taken, and every placeholder ref is rewritten to it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from clientsmith.problems import escape_pointer_token, split_pointer
from clientsmith.spec.loader import LoadedFile


def rename_refs(node: Any, final: dict[str, str]) -> None:
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            ref = current.get("$ref")
            if isinstance(ref, str) and "\x00" in ref:
                section, _, placeholder = ref[len("#/components/"):].partition("/")
                current["$ref"] = f"#/components/{section}/{escape_pointer_token(final[placeholder])}"
            discriminator = current.get("discriminator")
            if isinstance(discriminator, dict) and isinstance(discriminator.get("mapping"), dict):
                for key, value in discriminator["mapping"].items():
                    if isinstance(value, str) and "\x00" in value:
                        section, _, placeholder = value[len("#/components/"):].partition("/")
                        discriminator["mapping"][key] = f"#/components/{section}/{final[placeholder]}"
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _clean(text: str) -> str:
    return _UNSAFE.sub("_", text).strip("_") or "Object"


def base_name(file: LoadedFile, pointer_in: str) -> str:
    """The readable name of a target: the last pointer token, or the file's name for a whole file."""
    tokens = split_pointer(pointer_in)
    if not tokens:
        return _clean(Path(file.path).name.rsplit(".", 1)[0])
    if tokens[-1].isdigit() and len(tokens) > 1:
        return _clean(f"{tokens[-2]}_{tokens[-1]}")
    return _clean(tokens[-1])


def free_name(base: str, display: str, used: set[str]) -> str:
    """`base`, or `base` prefixed with its file's name, then folders, until free (then numbered); a name
    that repeats `base` (`metric.yaml#/Metric`) is skipped."""
    parts = [_clean(p.rsplit(".", 1)[0] if i == 0 else p) for i, p in enumerate(reversed(display.split("/")))]
    parts = [p for p in parts if p.lower() != base.lower()]
    candidates = [base] + [f"{'_'.join(reversed(parts[:n]))}_{base}" for n in range(1, len(parts) + 1)]
    for candidate in candidates:
        if candidate not in used:
            return candidate
    n = 2
    while f"{candidates[-1]}_{n}" in used:
        n += 1
    return f"{candidates[-1]}_{n}"
