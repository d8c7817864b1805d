"""An OpenAPI Overlay 1.0 document with the changes that make the spec agree with the traffic, for the
simple cases: a missing status (with a schema inferred from its bodies), a field made nullable, an enum
value added, an undocumented field added with its inferred type. Each action says its evidence, as a
comment and in its `description`. Targets are RFC 9535 JSONPath into the merged document."""

from __future__ import annotations

import re
from typing import Any

import yaml

from clientsmith.problems import split_pointer
from clientsmith.spec.resolve import lookup
from clientsmith.verify.bodies import shown
from clientsmith.verify.report import Finding, Report
from clientsmith.verify.schemas import infer_schema, merge_inferred

_SHORTHAND = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def json_path(document: Any, ptr: str) -> str:
    """`/components/schemas/Foo/properties/bar` -> `$.components.schemas.Foo.properties.bar`: member-name
    shorthand where RFC 9535 allows it, `['...']` otherwise, `[n]` into arrays."""
    out, node = "$", document
    for token in split_pointer(ptr):
        if isinstance(node, list):
            out += f"[{int(token)}]"
            node = node[int(token)]
            continue
        out += f".{token}" if _SHORTHAND.match(token) else "['" + token.replace("\\", "\\\\").replace("'", "\\'") + "']"
        node = node.get(token) if isinstance(node, dict) else None
    return out


def overlay_actions(report: Report, document: dict[str, Any]) -> list[tuple[list[str], dict[str, Any]]]:
    """(comment lines, action) for each finding the overlay can settle."""
    version_31 = str(document.get("openapi", "")).startswith("3.1")
    actions: list[tuple[list[str], dict[str, Any]]] = []
    for finding in report.findings:
        made = _action(finding, document, version_31)
        for action in made:
            comments = [f"{finding.file}:{finding.line}: {finding.pointer}: {finding.message}",
                        f"seen in {finding.count} interaction{'s' if finding.count != 1 else ''}, e.g. "
                        f"{finding.sources[0]}" if finding.sources else ""]
            if finding.values:
                comments.append("observed: " + ", ".join(shown(v, 60) for v in finding.values[:5]))
            description = f"{finding.message} (seen in {finding.count} recorded interaction" \
                          f"{'s' if finding.count != 1 else ''})"
            ordered = {"target": action["target"], "description": description, "update": action["update"]}
            actions.append(([c for c in comments if c], ordered))
    return actions


def _action(finding: Finding, document: dict[str, Any], version_31: bool) -> list[dict[str, Any]]:
    ptr = finding.document_pointer
    target = lookup(document, ptr)
    if finding.category == "status" and isinstance(target, dict):
        response: dict[str, Any] = {"description": "Observed in recorded traffic."}
        bodies = [(media, body) for media, body, had_body in finding.evidence if had_body and media]
        if bodies:
            schema: dict[str, Any] | None = None
            for _, body in bodies:
                schema = infer_schema(body) if schema is None else merge_inferred(schema, infer_schema(body))
            response["content"] = {bodies[0][0]: {"schema": _for_version(schema or {}, version_31)}}
        return [_update(document, ptr, {finding.name: response})]
    if finding.category == "nullable" and isinstance(target, dict) and "$ref" not in target:
        kind = target.get("type")
        if not version_31 and isinstance(kind, str):
            return [_update(document, ptr, {"nullable": True})]
        if version_31 and isinstance(kind, str):
            return [_update(document, ptr, {"type": [kind, "null"]})]
        if version_31 and isinstance(kind, list):
            return [_update(document, f"{ptr}/type", "null")]
        return []
    if finding.category == "enum" and isinstance(target, list):
        return [_update(document, ptr, value) for value in finding.values if value is not None and value not in target]
    if finding.category == "additional" and isinstance(target, dict) and finding.name:
        schema = None
        for value in finding.values + [None] * (finding.null_seen or not finding.values):
            schema = infer_schema(value) if schema is None else merge_inferred(schema, infer_schema(value))
        return [_update(document, ptr, {finding.name: _for_version(schema or {}, version_31)})]
    return []


def _update(document: dict[str, Any], ptr: str, update: Any) -> dict[str, Any]:
    """An update action; an update of an array appends to it (Overlay 1.0)."""
    return {"target": json_path(document, ptr), "update": update}


def _for_version(schema: dict[str, Any], version_31: bool) -> dict[str, Any]:
    """Inferred schemas say `nullable: true` (3.0); in 3.1 a null member of `type`."""
    if not version_31:
        return schema
    out = {k: (_for_version(v, True) if isinstance(v, dict) and k == "items" else v) for k, v in schema.items()}
    if "properties" in out:
        out["properties"] = {k: _for_version(v, True) for k, v in out["properties"].items()}
    if out.pop("nullable", False) and isinstance(out.get("type"), str):
        out["type"] = [out["type"], "null"]
    return out


def overlay_text(report: Report, document: dict[str, Any], spec_title: str) -> str | None:
    """The overlay document (YAML), or None when no finding has a simple fix."""
    actions = overlay_actions(report, document)
    if not actions:
        return None
    head = {"overlay": "1.0.0", "info": {"title": f"{spec_title}: changes seen in recorded traffic", "version": "1.0.0"}}
    lines = [f"# Written by `clientsmith verify` from recorded traffic against {report.spec}.",
             "# Review each action before applying it: it makes the spec agree with what was recorded.",
             yaml.safe_dump(head, sort_keys=False, allow_unicode=True, width=120).rstrip(), "actions:"]
    for comments, action in actions:
        lines += [f"# {c}" for c in comments]
        lines.append(yaml.safe_dump([action], sort_keys=False, allow_unicode=True, width=120).rstrip())
    return "\n".join(lines) + "\n"
