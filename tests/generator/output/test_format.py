"""Chunked, cached, parallel black gives exactly what black gives for the whole module."""

from __future__ import annotations

import black
import pytest

from conftest import ROOT

from clientsmith.cache import Cache
from clientsmith.output.format import black_mode, format_files, split_chunks
from clientsmith.config import load_targets


def big_module(classes: int) -> str:
    parts = ["from __future__ import annotations\nfrom pydantic import BaseModel,Field\nfrom typing import Annotated\n"]
    for i in range(classes):
        parts.append(
            f"class Model{i}(BaseModel):\n    '''Doc {i} with a long description that goes on and on and on and on and on "
            f"and on.'''\n    field_{i}: Annotated[str|None,Field(alias='field-{i}', description='a field description "
            f"long enough to need wrapping by black when it formats this line of code')]=None\n    other: list[int]=[]\n"
        )
    parts.append("Model1.model_rebuild()\n")
    return "\n".join(parts)


def test_chunks_joined_equal_black_on_the_whole_module(tmp_path):
    source = big_module(400)
    assert len(split_chunks(source)) > 3
    expected = black.format_str(source, mode=black_mode())
    files = {"pkg/models.py": source, "README.md": "# x\n"}
    assert format_files(files, workers=1) == {"pkg/models.py": expected, "README.md": "# x\n"}
    assert format_files(files, workers=2)["pkg/models.py"] == expected  # the process pool path
    cache = Cache(tmp_path)
    assert format_files(files, cache=cache)["pkg/models.py"] == expected
    assert format_files(files, cache=cache)["pkg/models.py"] == expected  # served from the cache


def test_adding_a_class_keeps_other_chunks(tmp_path):
    before = split_chunks(big_module(300))
    after = split_chunks(big_module(300).replace("class Model150(", "class Extra(BaseModel):\n    x: int\n\n\nclass Model150("))
    assert len(set(before) & set(after)) >= len(before) - 2


TARGETS = load_targets(ROOT / "pyproject.toml")


@pytest.mark.parametrize("target", TARGETS, ids=[t.distribution for t in TARGETS])
def test_committed_python_is_black_stable(target):
    for path in sorted((target.output / target.package).rglob("*.py")):
        text = path.read_text()
        assert black.format_str(text, mode=black_mode()) == text, path
