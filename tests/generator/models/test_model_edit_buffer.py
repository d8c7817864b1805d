"""The buffer the models passes edit datamodel-code-generator's module through."""

import ast

import pytest

from clientsmith.models.edit_buffer import EditBuffer

SOURCE = 'from __future__ import annotations\n\n\nclass Pet(ApiModel):\n    name: str\n    tags: list = ["é", "x"]\n'


def test_several_edits_are_made_at_once_by_the_positions_the_tree_gave():
    buffer = EditBuffer(SOURCE)
    pet = buffer.tree.body[1]
    assert isinstance(pet, ast.ClassDef)
    name, tags = pet.body
    assert isinstance(name, ast.AnnAssign) and isinstance(tags, ast.AnnAssign) and tags.value is not None
    # queued out of order; the column after the non-ASCII literal counts UTF-8 bytes, as `ast` does
    buffer.replace_node(tags.value, "Field(default_factory=list)")
    buffer.replace_node(tags.annotation, "list[str]")
    buffer.replace_lines(name.lineno, name.lineno, "    name: str | None = None\n")
    buffer.insert_line(2, "from pydantic import Field\n")
    assert buffer.source == SOURCE  # nothing changes before `apply`
    assert buffer.apply()
    assert buffer.source == ('from __future__ import annotations\nfrom pydantic import Field\n\n\nclass Pet(ApiModel):\n'
                             '    name: str | None = None\n    tags: list[str] = Field(default_factory=list)\n')


def test_insertions_at_one_place_keep_the_order_they_were_queued_in():
    buffer = EditBuffer("b = 1\n")
    buffer.insert_line(1, "first = 1\n")
    buffer.replace((1, 0), (1, 1), "c")  # an edit starting where the insertions are comes after them
    buffer.insert_line(1, "second = 1\n")
    buffer.apply()
    assert buffer.source == "first = 1\nsecond = 1\nc = 1\n"


def test_lines_past_the_last_one_are_the_end_of_the_text():
    buffer = EditBuffer("a = 1\nb = 2")
    buffer.replace_lines(2, 2, "")
    buffer.insert_line(5, "c = 3\n")
    buffer.apply()
    assert buffer.source == "a = 1\nc = 3\n"


def test_overlapping_edits_are_refused_and_the_text_is_left_as_it_was():
    buffer = EditBuffer(SOURCE)
    pet = buffer.tree.body[1]
    assert isinstance(pet, ast.ClassDef)
    buffer.replace_lines(pet.lineno, pet.end_lineno or pet.lineno, "")
    buffer.replace_node(pet.body[0], "    name: int")  # inside the class deleted above
    with pytest.raises(AssertionError, match="overlapping edits"):
        buffer.apply()
    assert buffer.source == SOURCE


def test_the_tree_is_parsed_again_only_after_the_text_changes():
    buffer = EditBuffer(SOURCE)
    tree = buffer.tree
    assert not buffer.apply()  # nothing queued
    buffer.replace((1, 0), (1, 0), "")  # an edit that changes nothing
    assert not buffer.apply()
    assert buffer.tree is tree
    buffer.replace_lines(5, 5, "    name: bytes\n")
    assert buffer.apply()
    assert buffer.tree is not tree
    assert ast.unparse(buffer.tree).endswith("name: bytes\n    tags: list = ['é', 'x']")


def test_unused_imports_are_dropped_and_used_ones_kept():
    """The last models pass: a name nothing uses leaves its import (the statement when none is left); names
    used in code, in quoted annotations or in `__all__` stay."""
    from clientsmith.models.module_imports import drop_unused_imports

    source = ('from __future__ import annotations\n\n'
              'from typing import Any, Optional\n'
              'from ._base import (\n    ApiModel,\n    RootModel,\n)\n'
              'from pydantic import Field as F\n'
              'from enum import Enum\n\n'
              '__all__ = ["Later"]\n\n'
              'class A(ApiModel):\n    x: "Optional[Later]" = F(None)\n\n'
              'from .later import Later\n')
    buffer = EditBuffer(source)
    drop_unused_imports(buffer)
    buffer.apply(by="unused imports")
    assert buffer.source == ('from __future__ import annotations\n\n'
                             'from typing import Optional\n'
                             'from ._base import ApiModel\n'
                             'from pydantic import Field as F\n\n'
                             '__all__ = ["Later"]\n\n'
                             'class A(ApiModel):\n    x: "Optional[Later]" = F(None)\n\n'
                             'from .later import Later\n')
