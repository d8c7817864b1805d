"""Where the built-in templates are: a leaf module, so the cache can hash them without importing a stage."""

from __future__ import annotations

from pathlib import Path


def builtin_templates_dir() -> Path:
    """Installed wheels carry the templates inside the package; a source checkout keeps them at the root."""
    package = Path(__file__).resolve().parent
    packaged = package / "templates"
    return packaged if packaged.is_dir() else package.parent / "templates"
