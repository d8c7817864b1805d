"""Data checked against the spec's schemas with openapi-schema-validator (jsonschema underneath), one
validator over the whole document so that `$ref`s resolve where they point. Each error becomes an
observation located at the schema keyword that must change, `$ref`s followed to where it is written."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterator

from jsonschema.exceptions import UnknownType
from referencing.exceptions import Unresolvable

from clientsmith.problems import escape_pointer_token, pointer, split_pointer
from clientsmith.spec.resolve import lookup, through_refs

READ, WRITE = "read", "write"  # a response (readOnly allowed), a request (writeOnly allowed)
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:?\d{2})$")


@dataclass(frozen=True)
class SchemaFinding:
    category: str  # type, nullable, required, enum, format, constraint, additional
    pointer: str  # in the merged document: the keyword (or schema, or `properties` map) that must change
    instance_path: str  # JSON pointer into the checked value
    message: str  # what the schema says, without the observed value (findings group by it)
    value: Any = None  # the observed value
    name: str = ""  # for `additional` and `required`: the field


def _format_checker(version: str) -> Any:
    from jsonschema import FormatChecker
    from openapi_schema_validator import oas30_format_checker, oas31_format_checker

    base = oas31_format_checker if version.startswith("3.1") else oas30_format_checker
    checker = FormatChecker(formats=())
    checker.checkers = dict(base.checkers)
    if "date-time" not in checker.checkers:  # jsonschema checks it only with an optional package installed
        checker.checks("date-time")(lambda value: not isinstance(value, str) or bool(_DATE_TIME.match(value)))
    return checker


class SchemaChecker:
    def __init__(self, document: dict[str, Any]) -> None:
        from openapi_schema_validator import OAS30ReadValidator, OAS30WriteValidator, OAS31Validator

        self.document = document
        version = str(document.get("openapi", "3.0"))
        checker = _format_checker(version)
        if version.startswith("3.1"):
            root = OAS31Validator(document, format_checker=checker)
            self._roots = {READ: root, WRITE: root}
        else:
            self._roots = {READ: OAS30ReadValidator(document, format_checker=checker),
                           WRITE: OAS30WriteValidator(document, format_checker=checker)}
        self._validators: dict[tuple[str, str], Any] = {}
        self._resolved_cache: dict[str, tuple[str, Any]] = {}  # the document does not change during a run

    def _validator(self, schema_ptr: str, direction: str) -> Any:
        key = (schema_ptr, direction)
        if key not in self._validators:
            self._validators[key] = self._roots[direction].evolve(schema=lookup(self.document, schema_ptr))
        return self._validators[key]

    def check(self, instance: Any, schema_ptr: str, direction: str) -> list[SchemaFinding]:
        """What the schema at `schema_ptr` finds wrong with `instance`, then the fields it does not list."""
        found: dict[tuple[str, str, str], SchemaFinding] = {}
        base = split_pointer(schema_ptr)
        try:
            errors = list(self._validator(schema_ptr, direction).iter_errors(instance))
        except (UnknownType, Unresolvable, re.error, TypeError, ValueError, KeyError, AttributeError, RecursionError) as exc:
            # a schema the validator cannot apply (`type: 5`, a pattern Python cannot compile): said, not raised
            return [SchemaFinding("schema", schema_ptr, "", f"the schema cannot be applied: {_short(str(exc))}")]
        for error in errors:
            for leaf in _leaves(error):
                finding = self._finding(base, leaf)
                found.setdefault((finding.category, finding.pointer, finding.instance_path + finding.name), finding)
        for finding in self._additional(instance, [schema_ptr], "", direction):
            found.setdefault((finding.category, finding.pointer, finding.instance_path + finding.name), finding)
        return list(found.values())

    def is_valid(self, instance: Any, schema_ptr: str, direction: str) -> bool:
        return bool(self._validator(schema_ptr, direction).is_valid(instance))

    def _finding(self, base: list[str], error: Any) -> SchemaFinding:
        keyword_ptr = pointer(*through_refs(self.document, base + [str(t) for t in error.absolute_schema_path]))
        schema_ptr = keyword_ptr.rsplit("/", 1)[0]
        instance_path = pointer(*error.absolute_path)
        schema = error.schema if isinstance(error.schema, dict) else {}
        kind = error.validator
        if kind == "type" and error.instance is None:
            return SchemaFinding("nullable", schema_ptr, instance_path, f"null where the schema allows only "
                                 f"{_type_text(schema)}", None)
        if kind == "type":
            return SchemaFinding("type", keyword_ptr, instance_path, f"expected {_type_text(schema)}", error.instance)
        if kind == "required":
            name = _quoted_name(error.message)
            return SchemaFinding("required", keyword_ptr, instance_path, f"required field {name!r} missing",
                                 None, name)
        if kind in ("enum", "const"):
            return SchemaFinding("enum", keyword_ptr, instance_path, "value not listed in the enum", error.instance)
        if kind == "format":
            return SchemaFinding("format", keyword_ptr, instance_path, f"not a valid {schema.get('format')!r}",
                                 error.instance)
        if kind == "additionalProperties":
            return SchemaFinding("additional", keyword_ptr, instance_path, "fields the schema forbids", None)
        return SchemaFinding("constraint", keyword_ptr, instance_path, f"fails `{kind}`: {_short(error.message)}",
                             error.instance)

    def _additional(self, instance: Any, schema_ptrs: list[str], path: str, direction: str) -> Iterator[SchemaFinding]:
        """Fields of objects that no applicable schema lists (where the schema does not say whether more
        are allowed: with `additionalProperties: false` the validator reports them already)."""
        applicable = list(self._applicable(instance, schema_ptrs, direction, 0))
        if isinstance(instance, dict):
            declared: dict[str, list[str]] = {}
            extra_schemas: list[str] = []
            owner, open_ended = None, False
            for ptr, schema in applicable:
                properties = schema.get("properties")
                if isinstance(properties, dict):
                    owner = owner or f"{ptr}/properties"
                    for name in properties:
                        declared.setdefault(name, []).append(f"{ptr}/properties/{escape_pointer_token(name)}")
                # A map (`additionalProperties` with a schema of its own) documents its keys; `true` or `{}`
                # beside `properties` only allows more: those fields are still undocumented.
                extra = schema.get("additionalProperties")
                if isinstance(extra, dict) and extra:
                    extra_schemas.append(f"{ptr}/additionalProperties")
                if extra is False or "patternProperties" in schema:
                    open_ended = True  # `false`: the validator reports them already
            for name, value in instance.items():
                child = f"{path}/{escape_pointer_token(name)}"
                if name in declared:
                    yield from self._additional(value, declared[name], child, direction)
                elif extra_schemas:
                    yield from self._additional(value, extra_schemas, child, direction)
                elif owner is not None and not open_ended:
                    yield SchemaFinding("additional", owner, path, f"undocumented field {name!r}", value, name)
        elif isinstance(instance, list):
            items = [f"{ptr}/items" for ptr, schema in applicable if isinstance(schema.get("items"), dict)]
            if items:
                for index, value in enumerate(instance):
                    yield from self._additional(value, items, f"{path}/{index}", direction)

    def _applicable(self, instance: Any, schema_ptrs: list[str], direction: str,
                    depth: int) -> Iterator[tuple[str, dict[str, Any]]]:
        """(pointer, schema) of each schema that applies to `instance`: refs followed, `allOf` members, and
        the `oneOf` / `anyOf` members it is valid under."""
        if depth > 32:
            return
        for ptr in schema_ptrs:
            ptr, schema = self.resolved(ptr)
            if not isinstance(schema, dict):
                continue
            yield ptr, schema
            members = schema.get("allOf")
            if isinstance(members, list):
                yield from self._applicable(instance, [f"{ptr}/allOf/{i}" for i in range(len(members))], direction,
                                            depth + 1)
            for key in ("oneOf", "anyOf"):
                members = schema.get(key)
                if isinstance(members, list):
                    valid = [f"{ptr}/{key}/{i}" for i in range(len(members))
                             if self.is_valid(instance, f"{ptr}/{key}/{i}", direction)]
                    yield from self._applicable(instance, valid, direction, depth + 1)

    def deref(self, node: Any) -> Any:
        for _ in range(64):
            ref = node.get("$ref") if isinstance(node, dict) else None
            if not (isinstance(ref, str) and ref.startswith("#")):
                break
            node = lookup(self.document, ref[1:])
        return node

    def resolved(self, ptr: str) -> tuple[str, Any]:
        """(pointer, node) at the end of the ref chain starting at `ptr`."""
        hit = self._resolved_cache.get(ptr)
        if hit is None:
            hit = self._resolved_cache[ptr] = self._follow(ptr)
        return hit

    def _follow(self, ptr: str) -> tuple[str, Any]:
        schema = lookup(self.document, ptr)
        for _ in range(64):
            ref = schema.get("$ref") if isinstance(schema, dict) else None
            if not (isinstance(ref, str) and ref.startswith("#")):
                break
            ptr, schema = ref[1:], lookup(self.document, ref[1:])
        return ptr, schema


def _leaves(error: Any) -> Iterator[Any]:
    """The errors to report: for a failed `oneOf` / `anyOf`, those of the member that came closest."""
    if error.validator in ("oneOf", "anyOf") and error.context:
        by_member: dict[Any, list[Any]] = {}
        for sub in error.context:
            by_member.setdefault(sub.schema_path[0] if sub.schema_path else 0, []).append(sub)
        closest = min(by_member.values(), key=lambda errors: (len(errors), -max(len(e.absolute_path) for e in errors)))
        for sub in closest:
            yield from _leaves(sub)
        return
    yield error


def _type_text(schema: dict[str, Any]) -> str:
    kind = schema.get("type")
    return " or ".join(map(str, kind)) if isinstance(kind, list) else str(kind)


def _quoted_name(message: str) -> str:
    match = re.match(r"^'(.*)' is a required property", message)
    return match.group(1) if match else message


def _short(message: str, limit: int = 100) -> str:
    return message if len(message) <= limit else message[: limit - 1] + "…"


def infer_schema(value: Any) -> dict[str, Any]:
    """A schema describing one observed value (for the overlay)."""
    if value is None:
        return {}
    if isinstance(value, bool):
        return {"type": "boolean"}
    if isinstance(value, int):
        return {"type": "integer"}
    if isinstance(value, float):
        return {"type": "number"}
    if isinstance(value, str):
        return {"type": "string", "format": "date-time"} if _DATE_TIME.match(value) else {"type": "string"}
    if isinstance(value, list):
        items: dict[str, Any] | None = None
        for item in value:
            items = infer_schema(item) if items is None else merge_inferred(items, infer_schema(item))
        return {"type": "array", "items": items or {}}
    if isinstance(value, dict):
        return {"type": "object", "properties": {k: infer_schema(v) for k, v in value.items()}}
    return {}


def merge_inferred(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """One schema for values seen as `a` and as `b`: the wider type, properties of both."""
    if not a or not b:  # one side only ever null: keep the other, which now may be null
        other = dict(a or b)
        if other:
            other["nullable"] = True
        return other
    if a.get("type") != b.get("type"):
        if {a.get("type"), b.get("type")} == {"integer", "number"}:
            return {"type": "number"}
        return {}
    merged = dict(a)
    if a.get("format") != b.get("format"):
        merged.pop("format", None)
    if a.get("type") == "object":
        props = dict(a.get("properties", {}))
        for key, schema in b.get("properties", {}).items():
            props[key] = merge_inferred(props[key], schema) if key in props else schema
        merged["properties"] = props
    if a.get("type") == "array":
        merged["items"] = merge_inferred(a.get("items", {}), b.get("items", {}))
    if a.get("nullable") or b.get("nullable"):
        merged["nullable"] = True
    return merged
