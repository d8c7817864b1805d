"""The peers' documents a user could pass (../shared/real/peers) and the shapes they showed breaking."""

from __future__ import annotations

from pathlib import Path

import yaml

from conftest import FIXTURES, SHARED

PEERS = SHARED / "real" / "peers"
SHAPES = FIXTURES / "peer-shapes"


def documents() -> list[tuple[str, Path]]:
    """Every document a user could pass: each file at the top of a peers folder, and in subfolders each file
    declaring `openapi` (the others are parts those refer to); then the shape fixtures."""
    found: list[tuple[str, Path]] = []
    for folder in ("opc", "dmcg"):
        for path in sorted((PEERS / folder).iterdir()) if (PEERS / folder).is_dir() else ():
            if path.is_file() and path.name not in ("LICENSE", "README.md"):
                found.append((f"{folder}/{path.name}", path))
            elif path.is_dir():
                for part in sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml", ".json")):
                    data = yaml.safe_load(part.read_text(encoding="utf-8"))
                    if isinstance(data, dict) and "openapi" in data:
                        found.append((part.relative_to(PEERS).as_posix(), part))
    return found + [(f"shapes/{p.name}", p) for p in sorted(SHAPES.glob("*.yaml"))]


DOCUMENTS = documents()
