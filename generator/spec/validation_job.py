"""Validation as a job: its result cached by the spec's bytes, per-unit results kept for the next run, and
for large specs the work started in a forked child so that models are made on the other core meanwhile."""

from __future__ import annotations

from collections.abc import Callable

from clientsmith import tool_versions
from clientsmith.cache import Cache, code_digest, digest
from clientsmith.forked import Forked
from clientsmith.problems import ERROR, Problem, SpecError
from clientsmith.spec.merge import MergedSpec
from clientsmith.spec.validate import apply_leniency, validate_parts
from clientsmith.spec.validation_units import Known

# Past this many path items and components, validation runs on the second core while models are made.
BACKGROUND_VALIDATION_OVER = 300

Validation = Callable[[], tuple[tuple, Known]]


def in_background(spec: MergedSpec) -> bool:
    """Whether the spec is large enough for validation to be worth a forked child."""
    document = spec.document
    size = len(document.get("paths") or {}) + sum(
        len(section) for section in (document.get("components") or {}).values() if isinstance(section, dict))
    return size > BACKGROUND_VALIDATION_OVER


def validation(spec: MergedSpec, key: str, cache: Cache, background: bool,
               recorded: Known | None = None) -> Validation:
    """A function giving the validation result (schema problems, own problems) and the per-unit results
    to keep for the next run; with `background`, the work has started in a forked child when this
    returns. `recorded` holds per-unit results of an earlier version (the committed output's record)."""
    hit = cache.get("validate", key)
    if isinstance(hit, tuple) and len(hit) == 2 and isinstance(hit[1], dict):
        return lambda: hit
    # Per-unit results of this spec's last validation: only changed units are validated again.
    known = cache.get("validate-units", units_key(spec))
    known = known if isinstance(known, dict) else dict(recorded or {})

    def work() -> tuple[tuple, Known]:
        return validate_parts(spec, known), known

    job = Forked(work) if background else None
    done: list[tuple[tuple, Known]] = []

    def finish() -> tuple[tuple, Known]:
        if not done:
            done.append(job.result() if job is not None else work())
            cache.put("validate", key, done[0])
            cache.put("validate-units", units_key(spec), done[0][1])
        return done[0]

    return finish


def units_key(spec: MergedSpec) -> str:
    """What per-unit validation results are valid for: the validator and our code (and this spec)."""
    return digest("validate-units", code_digest(), tool_versions.validator_version(), spec.source_name)


def checked(parts: tuple, lenient: bool, loading: list[Problem]) -> list[Problem]:
    """The warnings, or SpecError listing every problem when there is an error (with those of loading)."""
    problems = sorted(set(apply_leniency(*parts, lenient) + loading))
    if any(p.level == ERROR for p in problems):
        raise SpecError(problems)
    return problems
