"""Changes to the models: kinds, enum values, fields (judged by whether callers send or receive the model)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from clientsmith.diff.changes import DOCS, Change, add, pairs
from clientsmith.diff.surface import REQUEST, RESPONSE
from clientsmith.ir.annotations import Annotation, parse_annotation
from clientsmith.problems import pointer


def compare_models(old: dict[str, Any], new: dict[str, Any], out: list[Change]) -> None:
    removed, added, renamed = pairs(old, new, lambda a, b: a["pointer"] == b["pointer"] and a["kind"] == b["kind"])
    for name in removed:
        add(out, "model-removed", _reached(old[name]), f"models.{name}", old[name],
            f"model {name} removed{_UNREACHED if not _reached(old[name]) else ''}", "old")
    for name in added:
        add(out, "model-added", False, f"models.{name}", new[name], f"new {new[name]['kind']} {name}")
    for before, after in renamed:
        add(out, "model-renamed", _reached(old[before]), f"models.{after}", new[after],
            f"model {before} is now {after}{_UNREACHED if not _reached(old[before]) else ''}")
        _model(after, old[before], new[after], out)
    for name in [n for n in new if n in old and old[n] != new[n]]:  # an equal record has nothing to report
        _model(name, old[name], new[name], out)


# A model no method takes or returns, at any depth (a response wrapper the methods unwrap, a schema the spec
# only declares): callers never hand one to the client nor get one back, so no change to it breaks them.
_UNREACHED = " (no method takes or returns it)"


def _reached(model: dict[str, Any]) -> bool:
    return bool(model["directions"])


def _model(name: str, old: dict[str, Any], new: dict[str, Any], out: list[Change]) -> None:
    if not _reached(old) and not _reached(new):
        unreached: list[Change] = []
        _judged_model(name, old, new, unreached)
        out.extend(replace(c, breaking=False) for c in unreached)
        return
    _judged_model(name, old, new, out)


def _judged_model(name: str, old: dict[str, Any], new: dict[str, Any], out: list[Change]) -> None:
    python = f"models.{name}"
    if old["kind"] != new["kind"]:
        add(out, "model-kind-changed", True, python, new, f"{name} is now a {new['kind']} (was a {old['kind']})")
        return
    directions = set(old["directions"]) | set(new["directions"]) or {REQUEST, RESPONSE}
    if "values" in new:
        _enum(python, old["values"], new["values"], new, directions, out)
    elif "fields" in new:
        _fields(python, _located(old), _located(new), directions, out)
        if old["bases"] != new["bases"]:
            add(out, "model-bases-changed", True, python, new, f"bases {old['bases']} -> {new['bases']}")
    elif old.get("root") != new.get("root"):
        add(out, "model-retyped", True, python, new, f"{name} wraps {new['root']} (was {old['root']})")
    if old["docs"] != new["docs"]:
        add(out, DOCS, False, python, new, f"description of {name} changed")


def _enum(python: str, old: dict[str, Any], new: dict[str, Any], item: dict[str, Any], directions: set[str],
          out: list[Change]) -> None:
    where = {"pointer": item.get("value_pointer", item["pointer"])}
    old_by_value = {v: k for k, v in old.items()}
    new_by_value = {v: k for k, v in new.items()}
    for value, member in old_by_value.items():
        if value not in new_by_value:
            # The member disappears from the class: code naming it breaks, whichever way it travels.
            sent = REQUEST in directions
            add(out, "enum-value-removed", True, f"{python}.{member}", where,
                f"value {value!r} removed" + (": the server no longer accepts it" if sent else ""))
    for value, member in new_by_value.items():
        if value not in old_by_value:
            # Responses are forward-compatible (unknown values parse); requests gain an option.
            add(out, "enum-value-added", False, f"{python}.{member}", where, f"new value {value!r}")
        elif old_by_value[value] != member:
            add(out, "enum-member-renamed", True, f"{python}.{member}", where,
                f"member {old_by_value[value]} is now {member}")


def _located(model: dict[str, Any]) -> dict[str, Any]:
    """The model's fields with their pointers: the property of the model's schema (a field that comes from
    elsewhere, such as an allOf member, is located at the nearest part of it the spec has)."""
    return {name: {**field, "pointer": model["pointer"] + pointer("properties", field["alias"])}
            for name, field in model["fields"].items()}


def _fields(model: str, old: dict[str, Any], new: dict[str, Any], directions: set[str], out: list[Change]) -> None:
    sent, received = REQUEST in directions, RESPONSE in directions
    use = "/".join(sorted(directions))
    removed, added, renamed = pairs(old, new, lambda a, b: a["alias"] == b["alias"],
                                    lambda a, b: (a["type"], a["required"]) == (b["type"], b["required"]))
    for name in removed:
        add(out, "field-removed", True, f"{model}.{name}", old[name], f"field {name} removed", "old")
    for name in added:
        f = new[name]
        add(out, "field-added", f["required"] and sent, f"{model}.{name}", f,
            f"new {'required' if f['required'] else 'optional'} field {name}: {f['type']} ({use})")
    for before, after in renamed:
        add(out, "field-renamed", True, f"{model}.{after}", new[after],
            f"field {before} is now {after} (wire name {new[after]['alias']!r})")
        _field(f"{model}.{after}", {**old[before], "alias": new[after]["alias"]}, new[after], sent, received, use, out)
    for name in [n for n in new if n in old]:
        _field(f"{model}.{name}", old[name], new[name], sent, received, use, out)


def _nullable(field: dict[str, Any]) -> bool:
    """A required field shows it in its type; an optional one is `X | None` anyway, so the spec says."""
    return parse_annotation(field["type"]).nullable if field["required"] else bool(field.get("nullable"))


def _field(python: str, old: dict[str, Any], new: dict[str, Any], sent: bool, received: bool, use: str,
           out: list[Change]) -> None:
    if old["alias"] != new["alias"]:
        add(out, "field-alias-changed", False, python, new, f"wire name {new['alias']!r} (was {old['alias']!r})")
    if old["required"] != new["required"]:
        if new["required"]:  # callers building it must now set it
            add(out, "field-required", sent, python, new, f"now required ({use})")
        else:  # callers reading it may now get None
            add(out, "field-optional", received, python, new, f"now optional ({use})")
    elif _nullable(old) != _nullable(new):
        if _nullable(new):  # an optional field could be None (absent) before: only a required one breaks readers
            add(out, "field-nullable", received and new["required"], python, new, f"may now be None ({use})")
        else:
            add(out, "field-not-nullable", sent, python, new, f"no longer accepts None ({use})")
    # None is judged above (nullability); the other members decide the type.
    before, after = parse_annotation(old["type"]).without_none(), parse_annotation(new["type"]).without_none()
    if set(before.members) != set(after.members):
        widened, narrowed = after.accepts(before), before.accepts(after)
        breaking = (sent and not widened) or (received and not narrowed)
        add(out, "field-retyped", breaking, python, new, f"{_listed(after)} (was {_listed(before)}; {use})")
    if old["docs"] != new["docs"]:
        add(out, DOCS, False, python, new, "description changed")


def _listed(annotation: Annotation) -> str:
    return " | ".join(sorted({member.render() for member in annotation.members}))
