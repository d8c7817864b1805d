"""Counting what a run computes (datamodel-code-generator runs, black calls), to tell reuse from recomputation."""

from __future__ import annotations

import pytest

COUNTING: list[Work] = []  # started and not stopped: a test that fails stops them (see its autouse fixture)


class Work:
    """Counts what a run computes: datamodel-code-generator runs and black calls, from nothing formatted
    yet in the process (as a fresh `clientsmith` process starts)."""

    def __init__(self) -> None:
        import clientsmith.output.format as format_module
        import clientsmith.models.reuse as models_reuse

        self.models = 0
        self.formatted: list[str] = []
        generate_models, format_python = models_reuse.generate_models, format_module.format_python

        def counted_models(*args, **kwargs):
            self.models += 1
            return generate_models(*args, **kwargs)

        def counted_format(source, path="<generated>"):
            self.formatted.append(source)
            return format_python(source, path)

        self.patch = pytest.MonkeyPatch()
        self.patch.setattr(models_reuse, "generate_models", counted_models)
        self.patch.setattr(format_module, "format_python", counted_format)
        self.patch.setattr(format_module, "_REMEMBERED", format_module._Remembered())
        COUNTING.append(self)

    def stop(self) -> None:
        self.patch.undo()
