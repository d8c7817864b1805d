"""Python source as the parser sees it: its lines as `ast` numbers them, and its syntax tree."""

from __future__ import annotations

import ast
import functools
import re

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")


def code_lines(source: str) -> list[str]:
    """`source` cut where `ast` line numbers advance (keeping line ends): `str.splitlines` also cuts at
    form feeds and Unicode separators, which may sit inside a docstring taken from a spec."""
    return _LINE.findall(source)


@functools.lru_cache(maxsize=1)
def parse_module(source: str) -> ast.Module:
    """The syntax tree of `source`, shared with the next caller that parses the same text.

    The models passes run one after another on one module (a third of a second to parse for a large
    spec), and most leave the text as it was: the next pass reuses the tree. Callers must never modify
    it; `parse_module.cache_clear()` lets the memory go once the module is done."""
    return ast.parse(source)
