"""Validation: openapi-spec-validator on the merged document, plus the checks a client generator needs."""

from __future__ import annotations

import re
from contextlib import contextmanager
from typing import Any, Iterator

from clientsmith.spec.allof_cycles import allof_ring_messages
from clientsmith.spec.generator_options import generator_option_warnings
from clientsmith.spec.merge import HTTP_METHODS, MergedSpec
from clientsmith.naming import snake_case
from clientsmith.problems import ERROR, WARNING, Problem, pointer
from clientsmith.spec.resolve import Resolver, through_refs
from clientsmith.spec.validation_units import Finding, Known, unit_of, validate_by_units, without_units
from clientsmith.spec.meta_checks import crawled_meta_schemas
from clientsmith.spec.validator_safety import checkable_document, cycle_safe_keywords, stopped_finding

_PATH_PARAM = re.compile(r"{([^{}]+)}")
QUERYSTRING = "querystring"  # OpenAPI 3.2's parameter that is the whole query string
_FORM = "application/x-www-form-urlencoded"


def validate(spec: MergedSpec, lenient: bool = False) -> list[Problem]:
    """Every problem found, schema errors first, then our own checks. Empty means valid.

    With `lenient`, what the OpenAPI schema validator finds becomes warnings: real specs are often
    slightly invalid in ways that do not stop a client from being built. Broken refs, clashing
    operation ids and undeclared path parameters stay errors.
    """
    return apply_leniency(*validate_parts(spec), lenient)


def apply_leniency(schema: list[Problem], own: list[Problem], lenient: bool) -> list[Problem]:
    if lenient:
        schema = [_downgrade(p) for p in schema]
    return sorted(schema + own)


def _downgrade(problem: Problem) -> Problem:
    return Problem(problem.file, problem.line, problem.pointer, problem.message, WARNING)


def validate_parts(spec: MergedSpec, known: Known | None = None) -> tuple[list[Problem], list[Problem]]:
    """(what the OpenAPI schema validator finds, what our own checks find).

    `known` holds the schema validator's results for units of an earlier version of this document (see
    validation_units); it is replaced in place with this one's (left empty where none were found), so
    that what it holds depends on this document only.
    """
    previous = dict(known or {})
    if known is not None:
        known.clear()
    document = spec.document
    version = document.get("openapi")
    if version is None and "swagger" not in document and any(p.level == ERROR for p in spec.problems):
        return [], []  # the file that declares `openapi` could not be read: said already
    if "swagger" in document and version is None:
        return [], [spec.problem("/swagger", "Swagger 2.0 is not supported: convert the spec to OpenAPI 3.x "
                                   "first (`npx swagger2openapi spec.yaml -o openapi.yaml`, or the Swagger Editor's "
                                   "Edit > Convert to OpenAPI 3)")]
    if not isinstance(version, str) or not re.match(r"^3\.[01]\.\d+", version):
        return [], [spec.problem("/openapi", f"unsupported OpenAPI version {version!r}: 3.0.x and 3.1.x are supported")]
    broken = Resolver(spec).broken()
    ref_problems = [spec.problem(f"{holder}/$ref", message) for holder, message in broken if message]
    # The schema validator would follow broken refs: it checks every part that does not reach one.
    checkable = without_units(spec.document, {unit_of(holder) for holder, _ in broken})
    if checkable is None:
        return [], sorted(set(ref_problems + _generator_problems(spec)))
    findings, kept = validate_by_units(checkable, lambda doc: _schema_findings(doc, version), previous,
                                       salt=version)
    if known is not None:
        known.update(kept)
    schema = {spec.problem(ptr, message) for ptr, message in findings}
    return sorted(schema), sorted(set(ref_problems + _generator_problems(spec)))


def _schema_findings(document: dict[str, Any], version: str) -> list[Finding]:
    from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator
    from openapi_spec_validator.validation.exceptions import (
        DuplicateOperationIDError,
        ExtraParametersError,
        UnresolvableParameterError,
    )

    # These carry no location; _generator_problems reports the same findings with file and line.
    located_elsewhere = (DuplicateOperationIDError, ExtraParametersError, UnresolvableParameterError)
    validator_class = OpenAPIV31SpecValidator if version.startswith("3.1") else OpenAPIV30SpecValidator
    findings: list[Finding] = []
    with _located_keyword_errors(), cycle_safe_keywords(), crawled_meta_schemas():
        try:
            for error in validator_class(checkable_document(document, version)).iter_errors():
                if isinstance(error, located_elsewhere):
                    continue
                error, message = _real_problem(error)
                path = list(getattr(error, "absolute_path", []) or getattr(error, "path", []) or [])
                if "propertyNames" in getattr(error, "schema_path", ()) and isinstance(error.instance, str):
                    path.append(error.instance)  # a name that is not allowed: point at it, in the file that has it
                # Keyword errors are found where a schema is first reached, maybe through a ref: name the schema itself.
                findings.append((pointer(*through_refs(document, path)), _short(message)))
        except (Exception, RecursionError) as exc:  # the validator's own failure: see validator_safety
            findings += stopped_finding(exc, len(findings))
    return findings


def _real_problem(error: Any) -> tuple[Any, str]:
    """The error that says what is wrong, and its message. Where an object may also be a Reference, the
    Reference branch's "'$ref' is a required property" says nothing when the object has no `$ref`; where
    every branch wants another value of one field, all the values allowed are named at once."""
    from jsonschema.exceptions import relevance

    message = str(getattr(error, "message", error))
    while getattr(error, "context", None):
        candidates = [e for e in error.context if not _wants_ref(e)] or list(error.context)
        enums = [e for e in candidates if e.validator == "enum"]
        if enums and len({tuple(e.absolute_path) for e in enums}) == 1 and len(enums) > 1:
            allowed = [v for e in enums for v in e.validator_value]
            return enums[0], f"{enums[0].instance!r} is not one of {allowed!r}"
        error = max(candidates, key=relevance)
        message = error.message
    return error, message


def _wants_ref(error: Any) -> bool:
    return (error.validator == "required" and error.validator_value == ["$ref"]
            and isinstance(error.instance, dict) and "$ref" not in error.instance)


@contextmanager
def _located_keyword_errors():
    """Errors in schemas and `default` values come with a path relative to the schema; make it absolute."""
    from openapi_spec_validator.validation.keywords import SchemaValidator, ValueValidator

    original_value, original_schema = ValueValidator.__call__, SchemaValidator.__call__

    def locate(error: Any, prefix: list[Any]) -> Any:
        # the library re-wraps errors, keeping only their path: put the location there, once (schemas nest)
        if not getattr(error, "clientsmith_located", False):
            error.path.extendleft(reversed(prefix))
            error.clientsmith_located = True
        return error

    def located_value(self: Any, schema: Any, value: Any) -> Iterator[Any]:
        for error in original_value(self, schema, value):
            yield locate(error, [*schema.parts, "default"])

    def located_schema(self: Any, schema: Any, *args: Any, **kwargs: Any) -> Iterator[Any]:
        for error in original_schema(self, schema, *args, **kwargs):
            yield locate(error, list(schema.parts))

    ValueValidator.__call__ = located_value  # type: ignore[method-assign]
    SchemaValidator.__call__ = located_schema  # type: ignore[method-assign]
    try:
        yield
    finally:
        ValueValidator.__call__ = original_value  # type: ignore[method-assign]
        SchemaValidator.__call__ = original_schema  # type: ignore[method-assign]


def _short(message: str, limit: int = 200) -> str:
    message = " ".join(message.split())
    return message if len(message) <= limit else message[: limit - 3] + "..."


def iter_operations(document: dict[str, Any]):
    """(path, method, operation, pointer) for every operation, in document order."""
    for path, item in (document.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        for method in item:
            if method in HTTP_METHODS and isinstance(item[method], dict):
                yield path, method, item[method], pointer("paths", path, method)


def _generator_problems(spec: MergedSpec) -> list[Problem]:
    """What a valid spec can still get wrong for a client: ids that clash, path params not declared; and
    the options of another generator it ignores."""
    resolver = Resolver(spec)
    problems: list[Problem] = generator_option_warnings(spec)
    problems += [spec.problem(where, message) for where, message in allof_ring_messages(spec.document)]
    seen_ids: dict[str, str] = {}
    seen_methods: dict[tuple[str, str], str] = {}
    for path, method, operation, op_ptr in iter_operations(spec.document):
        op_id = operation.get("operationId")
        if isinstance(op_id, str):
            if op_id in seen_ids:
                problems.append(spec.problem(f"{op_ptr}/operationId", f"operationId {op_id!r} also used at {seen_ids[op_id]}"))
            seen_ids[op_id] = op_ptr
            tag = (operation.get("tags") or ["default"])[0]
            key = (str(tag), snake_case(op_id))
            if key in seen_methods and seen_methods[key] != op_id:
                problems.append(
                    spec.problem(f"{op_ptr}/operationId",
                                 f"operationId {op_id!r} gives method name {key[1]!r}, as does {seen_methods[key]!r}")
                )
            seen_methods[key] = op_id
        item = spec.document["paths"][path]
        declared = set()
        for index, param in enumerate(list(item.get("parameters") or []) + list(operation.get("parameters") or [])):
            param = resolver.deref(param)
            if isinstance(param, dict) and param.get("in") == "path":
                declared.add(param.get("name"))
            if isinstance(param, dict) and param.get("in") == QUERYSTRING and list(param.get("content") or {}) != [_FORM]:
                where = f"{op_ptr}/parameters" if index >= len(item.get("parameters") or []) else pointer("paths", path, "parameters")
                problems.append(spec.problem(where, f"an `in: {QUERYSTRING}` parameter is supported with "
                                                    f"`{_FORM}` content only (its fields become query pairs)"))
        for name in _PATH_PARAM.findall(path):
            if name not in declared:
                problems.append(
                    spec.problem(op_ptr, f"path parameter {name!r} of {path!r} is not declared")
                )
        for name in sorted(n for n in declared if isinstance(n, str) and "{" + n + "}" not in path):
            problems.append(spec.problem(f"{op_ptr}/parameters", f"path parameter {name!r} is not in the path {path!r}"))
    return problems
