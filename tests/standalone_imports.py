"""What a generated package may import: the stdlib and its declared dependencies only."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ALLOWED_TOP_LEVEL = {"httpx", "pydantic", "typing_extensions"} | set(sys.stdlib_module_names)


def imported_modules(package_dir: Path) -> set[str]:
    found = set()
    for path in package_dir.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found
