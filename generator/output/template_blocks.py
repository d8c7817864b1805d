"""A user's template that extends another may only fill blocks that exist: Jinja silently ignores a block
the parent lacks, so a misspelt name (`class_bdy`) would leave the override doing nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import jinja2
from jinja2 import nodes

from clientsmith.problems import TemplateError


def check_override_blocks(env: jinja2.Environment, user_folder: Path, display: Callable[[str], str]) -> None:
    """TemplateError naming the template, the line and the blocks that exist, for the first unknown block."""
    for path in sorted(user_folder.rglob("*.jinja")):
        try:
            tree = env.parse(path.read_text(encoding="utf-8"))
            parent = _extended(tree)
            known = _blocks_of(env, parent, set()) if parent is not None else set()
        except (jinja2.TemplateSyntaxError, jinja2.TemplateNotFound):
            continue  # rendering reports these, located
        if parent is None:
            continue
        for block in tree.body:  # top-level blocks override; blocks nested in them are new ones
            if isinstance(block, nodes.Block) and block.name not in known:
                raise TemplateError(display(str(path)), block.lineno,
                                    f"block {block.name!r} is not a block of {parent!r}: it would be ignored; "
                                    f"its blocks are {', '.join(sorted(known)) or 'none'}")


def _extended(tree: nodes.Template) -> str | None:
    for node in tree.find_all(nodes.Extends):
        return node.template.value if isinstance(node.template, nodes.Const) else None
    return None


def _blocks_of(env: jinja2.Environment, name: str, seen: set[str]) -> set[str]:
    """Every block `name` and the templates it extends define, nested ones included."""
    if name in seen or env.loader is None:
        return set()
    seen.add(name)
    source, _, _ = env.loader.get_source(env, name)
    tree = env.parse(source)
    found = {block.name for block in tree.find_all(nodes.Block)}
    parent = _extended(tree)
    return found | (_blocks_of(env, parent, seen) if parent else set())
