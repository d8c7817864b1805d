"""`clientsmith verify`: load the specs and the traffic, verify, render, and write the overlay."""

from __future__ import annotations

import sys
from pathlib import Path

from clientsmith.config import ConfigError
from clientsmith.problems import SpecError
from clientsmith.spec.merge import MergedSpec, load_spec
from clientsmith.spec.overlay import apply_overlays
from clientsmith.spec.resolve import Resolver
from clientsmith.verify.overlay import overlay_text
from clientsmith.verify.report import render
from clientsmith.verify.run import verify
from clientsmith.verify.traffic import read_traffic


def run_verify(specs: list[tuple[Path, tuple[Path, ...]]], base: Path, traffic: list[Path], fmt: str, fail_on: str | None,
               ignore: frozenset[str], overlay: Path | None) -> tuple[str, bool]:
    """(the report, whether a finding of the `fail_on` kind was found). Everything is read before anything
    is written: a bad spec, overlay or traffic file raises SpecError and writes nothing. Each spec is checked
    with its overlays applied, as the client is generated from it."""
    loaded = [_spec(path, overlays, base) for path, overlays in specs]
    interactions, warnings = read_traffic(traffic, base)
    for warning in warnings:
        print(warning, file=sys.stderr)
    reports = [verify(spec, interactions, ignore) for spec in loaded]
    if overlay is not None:
        texts = [(spec, text) for spec, report in zip(loaded, reports)
                 if (text := overlay_text(report, spec.document, _title(spec))) is not None]
        if len(texts) > 1:
            raise ConfigError("--write-overlay: the traffic disagrees with several specs; verify one spec at a time")
        if texts:
            overlay.parent.mkdir(parents=True, exist_ok=True)
            temp = overlay.with_name(overlay.name + ".tmp")
            temp.write_text(texts[0][1], encoding="utf-8")
            temp.replace(overlay)
    return render(reports, fmt), any(r.failing(fail_on) for r in reports)


def _spec(path: Path, overlays: tuple[Path, ...], base: Path) -> MergedSpec:
    """The merged, overlaid spec with every `$ref` checked (validation proper is `clientsmith validate`'s job)."""
    spec = load_spec(path, base)
    apply_overlays(spec, overlays, base)
    errors = [p for p in spec.problems if p.level == "error"]
    if errors:
        raise SpecError(errors)
    broken = Resolver(spec).check()
    if broken:
        raise SpecError(broken)
    return spec


def _title(spec: MergedSpec) -> str:
    info = spec.document.get("info")
    title = info.get("title") if isinstance(info, dict) else None
    return str(title) if title else spec.source_name
