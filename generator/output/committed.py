"""The committed output as a cache: what the last run wrote, trusted only where it is still exactly that.

A fresh clone has no `.clientsmith-cache/`, but its `generated/` tree already holds what a cold run would
recompute. The manifest's `reuse` section records what each part was made from: the key of every input
of the whole package, the text each module had before black, and the key of the models' inputs with the
schema-to-class map. A committed file is reused only when its bytes still hash to what the manifest says
was written; for a hand-edited file, the copy of what was written kept in the base of edits (base.py) is
reused when it hashes to that, and otherwise the file is recomputed; every key covers the tool
versions and the generator's own code, so a different black, datamodel-code-generator or template is a
miss. Reuse never changes output: a hit is the bytes a full run writes.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any

from clientsmith.output.base import BASE, base_bytes, base_payload, read_base, summarises
from clientsmith.output.write import MANIFEST, read_manifest, sha256
from clientsmith.problems import Problem

REUSE_VERSION = 1  # bump when the section's keys change: older records are then ignored


class CommittedOutput:
    def __init__(self, output: Path) -> None:
        self.output = output

    @cached_property
    def _manifest(self) -> dict[str, Any]:
        try:
            data = read_manifest(self.output)
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    @cached_property
    def _reuse(self) -> dict[str, Any]:
        reuse = self._manifest.get("reuse")
        return reuse if isinstance(reuse, dict) and reuse.get("version") == REUSE_VERSION else {}

    @cached_property
    def _base(self) -> dict[str, bytes]:
        return read_base(self.output)

    def intact(self, rel: str) -> bytes | None:
        """The bytes clientsmith wrote to `rel` when the committed file, or else the base's copy, is what
        the manifest recorded; else None."""
        recorded = (self._manifest.get("files") or {}).get(rel)
        if not isinstance(recorded, str) or ".." in Path(rel).parts:
            return None
        try:
            data = (self.output / rel).read_bytes()
        except OSError:
            return None
        if sha256(data) == recorded:
            return data
        kept = self._base.get(rel)  # edited by hand: what was written is in the base
        return kept if kept is not None and sha256(kept) == recorded else None

    def package(self, key: str) -> tuple[dict[str, bytes], list[Problem], dict[str, Any]] | None:
        """Every file (manifest included), the warnings and the API surface of a run from inputs `key`."""
        if not key or self._reuse.get("inputs") != key:
            return None
        files: dict[str, bytes] = {}
        for rel in self._manifest.get("files") or {}:
            data = self.intact(rel)
            if data is None:
                return None
            files[rel] = data
        files[BASE] = self._base_of(files)
        try:
            files[MANIFEST] = (self.output / MANIFEST).read_bytes()
            warnings = [Problem(**fields) for fields in self._reuse.get("warnings", [])]
        except (OSError, TypeError):
            return None
        api = self._manifest.get("api")
        return (files, warnings, api) if isinstance(api, dict) else None

    def _base_of(self, files: dict[str, bytes]) -> bytes:
        """The base for `files`: the committed one when it holds them (not compressed again), else made."""
        try:
            committed = (self.output / BASE).read_bytes()
        except OSError:
            committed = b""
        payload = base_payload(files)
        return committed if summarises(committed, payload) else base_bytes(files)

    def referenced(self) -> list[str]:
        """Files outside the spec's own that file refs reached in the last run (relative names)."""
        names = self._reuse.get("referenced")
        return [str(n) for n in names] if isinstance(names, list) else []

    def validation_units(self, key: str) -> dict[str, list[tuple[str, str]]] | None:
        """The schema validator's findings per unit of the last run's spec (spec/validation_units.py)."""
        record = self._reuse.get("validation")
        if not isinstance(record, dict) or record.get("key") != key or not isinstance(record.get("units"), dict):
            return None
        return {k: [tuple(f) for f in v] for k, v in record["units"].items()}

    def formatted(self, rel: str, key: str) -> str | None:
        """The committed text of `rel` when black made it from unformatted text of key `key`."""
        if (self._reuse.get("formatted") or {}).get(rel) != key:
            return None
        data = self.intact(rel)
        return data.decode("utf-8") if data is not None else None

    def models(self, key: str) -> dict[str, Any] | None:
        """The last run's models (class maps, their files' texts and the API surface that describes them)
        when they were made from inputs `key`."""
        record = self._reuse.get("models")
        surface = self._manifest.get("api")
        if not isinstance(record, dict) or record.get("key") != key or not isinstance(surface, dict):
            return None
        texts = {}
        for rel in record.get("files", []):
            data = self.intact(rel)
            if data is None:
                return None
            texts[rel] = data.decode("utf-8")
        return {**record, "texts": texts, "surface": surface}


def reuse_record(inputs: str, referenced: list[str], warnings: list[Problem], validation: dict[str, Any],
                 formatted: dict[str, str], models: dict[str, Any]) -> dict[str, Any]:
    """The manifest's `reuse` section (see the module docstring)."""
    return {
        "version": REUSE_VERSION,
        "inputs": inputs,
        "referenced": referenced,
        "warnings": [{"file": p.file, "line": p.line, "pointer": p.pointer, "message": p.message, "level": p.level}
                     for p in warnings],
        # Per-unit findings sorted: the same units give the same record however they were validated.
        "validation": {"key": validation["key"],
                       "units": {k: sorted(map(list, v)) for k, v in sorted(validation["units"].items())}},
        "formatted": dict(sorted(formatted.items())),
        "models": models,
    }
