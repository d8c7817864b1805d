"""Python source as the parser sees it: its lines as `ast` numbers them."""

from __future__ import annotations

import re

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")


def code_lines(source: str) -> list[str]:
    """`source` cut where `ast` line numbers advance (keeping line ends): `str.splitlines` also cuts at
    form feeds and Unicode separators, which may sit inside a docstring taken from a spec."""
    return _LINE.findall(source)
