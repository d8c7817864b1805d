"""Two API surfaces -> the changes a caller of the client would notice, each judged breaking or not.

The rules are documented in the README ("What changed"); each kind of change is decided in one place here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from clientsmith.problems import pointer
from clientsmith.diff.surface import REQUEST, RESPONSE, accepts, is_nullable, type_members

MAJOR, MINOR, PATCH, NONE = "major", "minor", "patch", "none"
DOCS = "docs-changed"


@dataclass(frozen=True)
class Change:
    kind: str  # e.g. "parameter-added"; the README lists every kind
    breaking: bool
    python: str  # the Python name a caller writes, e.g. "client.incidents.get_incident(include=)"
    pointer: str  # JSON pointer into the spec that holds the item (the old spec for removals)
    message: str
    side: str = "new"  # which spec `pointer` points into: "old" or "new"


@dataclass(frozen=True)
class Report:
    changes: tuple[Change, ...]

    @property
    def breaking(self) -> int:
        return sum(c.breaking for c in self.changes)

    @property
    def compatible(self) -> int:
        return len(self.changes) - self.breaking

    @property
    def bump(self) -> str:
        if self.breaking:
            return MAJOR
        if any(c.kind != DOCS for c in self.changes):
            return MINOR
        return PATCH if self.changes else NONE


def comparable(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """A surface recorded in another format (by another clientsmith) cannot be compared key for key."""
    return old.get("version") == new.get("version")


def compare(old: dict[str, Any], new: dict[str, Any]) -> Report:
    out: list[Change] = []
    _servers(old.get("servers", []), new.get("servers", []), out)
    _credentials(old.get("credentials", {}), new.get("credentials", {}), out)
    _resources(old.get("resources", {}), new.get("resources", {}), out)
    _models(old.get("models", {}), new.get("models", {}), out)
    return Report(tuple(out))


def _add(out: list[Change], kind: str, breaking: bool, python: str, item: dict[str, Any], message: str,
         side: str = "new") -> None:
    out.append(Change(kind, breaking, python, str(item.get("pointer", "")), message, side))


def _pairs(old: dict[str, Any], new: dict[str, Any], same: Callable[[dict[str, Any], dict[str, Any]], bool],
           alike: Callable[[dict[str, Any], dict[str, Any]], bool] | None = None,
           ) -> tuple[list[str], list[str], list[tuple[str, str]]]:
    """(removed, added, renamed pairs): a removed and an added name whose items `same` matches are a rename;
    so is the only removed and the only added item left when `alike` matches them (a wire name changed too)."""
    removed = [n for n in old if n not in new]
    added = [n for n in new if n not in old]
    renamed = []
    for name in list(removed):
        match = next((a for a in added if same(old[name], new[a])), None)
        if match is not None:
            renamed.append((name, match))
            removed.remove(name)
            added.remove(match)
    if alike is not None and len(removed) == 1 and len(added) == 1 and alike(old[removed[0]], new[added[0]]):
        renamed.append((removed.pop(), added.pop()))
    return removed, added, renamed


# -- client constructor: servers and credentials ------------------------------------------------------


def _servers(old: list[dict[str, Any]], new: list[dict[str, Any]], out: list[Change]) -> None:
    """The first server is the client's: its URL is the default and its variables are constructor arguments."""
    before_url, after_url = (old[0]["url"] if old else "/"), (new[0]["url"] if new else "/")
    if before_url != after_url:
        _add(out, "server-changed", False, "Client", new[0] if new else {"pointer": "/servers"},
             f"default server {before_url} -> {after_url}: calls go elsewhere unless base_url= is given")
    old_vars = old[0]["variables"] if old else {}
    new_vars = new[0]["variables"] if new else {}
    for name in sorted(old_vars.keys() - new_vars.keys()):
        _add(out, "server-variable-removed", True, f"Client({name}=)", old_vars[name],
             f"constructor argument {name}= removed", "old")
    for name in sorted(new_vars.keys() - old_vars.keys()):
        _add(out, "server-variable-added", False, f"Client({name}=)", new_vars[name],
             f"new constructor argument {name}= (default {new_vars[name]['default']!r})")
    for name in sorted(old_vars.keys() & new_vars.keys()):
        before, after = old_vars[name], new_vars[name]
        python = f"Client({name}=)"
        if before["enum"] and after["enum"]:
            for value in before["enum"]:
                if value not in after["enum"]:
                    _add(out, "server-variable-value-removed", True, python, after,
                         f"{name}={value!r} is no longer accepted")
            for value in after["enum"]:
                if value not in before["enum"]:
                    _add(out, "server-variable-value-added", False, python, after, f"{name}={value!r} now accepted")
        elif after["enum"] and not before["enum"]:
            _add(out, "server-variable-value-removed", True, python, after,
                 f"{name}= now only accepts {', '.join(after['enum'])}")
        elif before["enum"] and not after["enum"]:
            _add(out, "server-variable-value-added", False, python, after, f"{name}= now accepts any value")
        if before["default"] != after["default"]:
            _add(out, "server-variable-default-changed", False, python, after,
                 f"default {before['default']!r} -> {after['default']!r}")


def _credentials(old: dict[str, Any], new: dict[str, Any], out: list[Change]) -> None:
    removed, added, renamed = _pairs(old, new, lambda a, b: a["scheme"] == b["scheme"])
    for name in removed:
        _add(out, "credential-removed", True, f"Client({name}=)", old[name],
             f"security scheme {old[name]['scheme']} and its argument {name}= removed", "old")
    for name in added:
        _add(out, "credential-added", False, f"Client({name}=)", new[name],
             f"new credential argument {name}= ({new[name]['kind']} {new[name]['scheme']})")
    for before, after in renamed:
        _add(out, "credential-renamed", True, f"Client({after}=)", new[after],
             f"credential argument {before}= is now {after}=")
    for name in sorted(old.keys() & new.keys()):
        before, after = _how_sent(old[name]), _how_sent(new[name])
        if before != after:
            _add(out, "credential-changed", False, f"Client({name}=)", new[name],
                 f"{name}= is now sent as {after} (was {before})")


def _how_sent(credential: dict[str, Any]) -> str:
    keys = ("kind", "location", "parameter_name", "http_scheme")
    return " ".join(str(credential[k]) for k in keys if credential[k])


# -- resources and methods --------------------------------------------------------------------------


def _resources(old: dict[str, Any], new: dict[str, Any], out: list[Change]) -> None:
    def endpoints(resource: dict[str, Any]) -> set[tuple[str, str]]:
        return {(m["http_method"], m["path"]) for m in resource["methods"].values()}

    removed, added, renamed = _pairs(old, new, lambda a, b: bool(endpoints(a)) and endpoints(a) == endpoints(b))
    moved_with_resource = {before: after for before, after in renamed}
    for name in removed:
        _add(out, "resource-removed", True, f"client.{name}", _first_method(old[name]),
             f"resource {name} ({old[name]['class']}) removed", "old")
    for name in added:
        _add(out, "resource-added", False, f"client.{name}", _first_method(new[name]),
             f"new resource {name} ({new[name]['class']})")
    for before, after in renamed:
        _add(out, "resource-renamed", True, f"client.{after}", _first_method(new[after]),
             f"client.{before} is now client.{after} (tag {old[before]['tag']!r} -> {new[after]['tag']!r})")

    old_methods = {f"{r}.{m}": (r, item) for r, res in old.items() for m, item in res["methods"].items()}
    new_methods = {f"{r}.{m}": (r, item) for r, res in new.items() for m, item in res["methods"].items()}
    gone, fresh, renamed_methods = _pairs(
        {k: v[1] for k, v in old_methods.items()}, {k: v[1] for k, v in new_methods.items()},
        lambda a, b: (a["http_method"], a["path"]) == (b["http_method"], b["path"]))
    for name in gone:
        if old_methods[name][0] not in removed:
            _add(out, "method-removed", True, f"client.{name}", old_methods[name][1],
                 f"{old_methods[name][1]['http_method']} {old_methods[name][1]['path']} is no longer in the client",
                 "old")
    for name in fresh:
        if new_methods[name][0] not in added:
            item = new_methods[name][1]
            _add(out, "method-added", False, f"client.{name}", item, f"new method for {item['http_method']} {item['path']}")
    for before, after in renamed_methods:
        old_resource, old_method = before.split(".", 1)
        new_resource, new_method = after.split(".", 1)
        if not (moved_with_resource.get(old_resource) == new_resource and old_method == new_method):
            item = new_methods[after][1]
            why = (f"operationId {old_methods[before][1]['operation_id']!r} -> {item['operation_id']!r}"
                   if old_method != new_method else "its tag changed")
            _add(out, "method-renamed", True, f"client.{after}", item, f"client.{before} is now client.{after} ({why})")
        _method(after, old_methods[before][1], new_methods[after][1], out)
    for name in sorted(old_methods.keys() & new_methods.keys()):
        _method(name, old_methods[name][1], new_methods[name][1], out)


def _first_method(resource: dict[str, Any]) -> dict[str, Any]:
    return next(iter(resource["methods"].values()), {})


def _method(name: str, old: dict[str, Any], new: dict[str, Any], out: list[Change]) -> None:
    python = f"client.{name}"
    if (old["http_method"], old["path"]) != (new["http_method"], new["path"]):
        _add(out, "method-endpoint-changed", False, python, new,
             f"now calls {new['http_method']} {new['path']} (was {old['http_method']} {old['path']})")
    if old["unstable"] != new["unstable"]:
        if new["unstable"]:
            _add(out, "method-unstable", True, python, new,
                 f"now unstable: callers must opt in with unstable_operations={{{name.split('.')[-1]!r}}}")
        else:
            _add(out, "method-stable", False, python, new, "no longer unstable: the opt-in is not needed")
    if old["deprecated"] != new["deprecated"]:
        _add(out, "method-deprecated" if new["deprecated"] else "method-undeprecated", False, python, new,
             "now deprecated" if new["deprecated"] else "no longer deprecated")
    if old["security"] != new["security"]:
        kept = any(alternative in new["security"] for alternative in old["security"]) or not new["security"]
        _add(out, "method-auth-changed", not kept, python, new,
             f"credentials {_alternatives(old['security'])} -> {_alternatives(new['security'])}")
    _parameters(python, old["params"], new["params"], out)
    _body(python, old["body"], new["body"], new, out)
    if old["returns"] != new["returns"]:
        narrowed = accepts(old["returns"], new["returns"])
        _add(out, "return-changed", not (narrowed or old["returns"] == "None"), python, new,
             f"returns {new['returns']} (was {old['returns']})")
    _features(python, old.get("features", {}), new.get("features", {}), new, out)
    if old["docs"] != new["docs"]:
        _add(out, DOCS, False, python, new, "summary, description or response descriptions changed")


def _alternatives(security: list[list[str]]) -> str:
    return " or ".join("+".join(req) or "none" for req in security) or "none"


def _parameters(method: str, old: dict[str, Any], new: dict[str, Any], out: list[Change]) -> None:
    removed, added, renamed = _pairs(
        old, new, lambda a, b: (a["name"], a["location"]) == (b["name"], b["location"]),
        lambda a, b: (a["location"], a["type"], a["position"]) == (b["location"], b["type"], b["position"]))
    for name in removed:
        _add(out, "parameter-removed", True, f"{method}({name}=)", old[name],
             f"argument {name} ({old[name]['location']} {old[name]['name']!r}) removed", "old")
    for name in added:
        p = new[name]
        _add(out, "parameter-added", p["required"], f"{method}({name}=)", p,
             f"new {'required' if p['required'] else 'optional'} argument {name}: {p['type']} "
             f"({p['location']} {p['name']!r})")
    for before, after in renamed:
        _add(out, "parameter-renamed", True, f"{method}({after}=)", new[after],
             f"argument {before} is now {after} ({new[after]['location']} {new[after]['name']!r})")
        _parameter(method, after, {**old[before], "name": new[after]["name"]}, new[after], out)
    for name in [n for n in new if n in old]:
        _parameter(method, name, old[name], new[name], out)


def _parameter(method: str, name: str, old: dict[str, Any], new: dict[str, Any], out: list[Change]) -> None:
    python = f"{method}({name}=)"
    if old["name"] != new["name"] and old["location"] == new["location"]:
        _add(out, "parameter-wire-name-changed", False, python, new, f"sent as {new['name']!r} (was {old['name']!r})")
    if old["location"] != new["location"] or old["position"] != new["position"]:
        positional = "path" in (old["location"], new["location"])
        _add(out, "parameter-moved", positional, python, new,
             f"now a {new['location']} parameter" + (f" at position {new['position'] + 1}" if new["position"] is not None
                                                       else "") + f" (was {old['location']})")
    if old["required"] != new["required"]:
        if new["required"]:
            _add(out, "parameter-required", True, python, new, f"argument {name} is now required")
        else:
            _add(out, "parameter-optional", False, python, new, f"argument {name} is now optional")
    if old["type"] != new["type"]:
        widened = accepts(new["type"], old["type"])
        _add(out, "parameter-retyped", not widened, python, new, f"{name}: {new['type']} (was {old['type']})")
    if old["docs"] != new["docs"]:
        _add(out, DOCS, False, python, new, f"description of {name} changed")


def _body(method: str, old: dict[str, Any] | None, new: dict[str, Any] | None, op: dict[str, Any],
          out: list[Change]) -> None:
    python = f"{method}(body=)"
    if old is None and new is None:
        return
    if old is None:
        assert new is not None
        _add(out, "body-added", new["required"], python, new,
             f"new {'required' if new['required'] else 'optional'} body: {new['type']}")
        return
    if new is None:
        _add(out, "body-removed", True, python, {"pointer": op["pointer"]}, f"the body argument ({old['type']}) is gone")
        return
    if old["type"] != new["type"] or old["content_type"] != new["content_type"]:
        widened = accepts(new["type"], old["type"]) and old["content_type"] == new["content_type"]
        _add(out, "body-changed", not widened, python, new,
             f"body: {new['type']} as {new['content_type']} (was {old['type']} as {old['content_type']})")
    if old["required"] != new["required"]:
        _add(out, "body-required" if new["required"] else "body-optional", new["required"], python, new,
             "the body is now required" if new["required"] else "the body is now optional")
    if old["docs"] != new["docs"]:
        _add(out, DOCS, False, python, new, "body description changed")


def _features(python: str, old: dict[str, Any], new: dict[str, Any], op: dict[str, Any], out: list[Change]) -> None:
    """Shapes beyond JSON in and out (pagination, streaming, uploads): gaining one adds API, losing or changing
    one changes what callers wrote against it."""
    for name in sorted(old.keys() | new.keys()):
        if name not in old:
            _add(out, "method-feature-added", False, python, op, f"gains {name}")
        elif name not in new:
            _add(out, "method-feature-removed", True, python, op, f"loses {name}")
        elif old[name] != new[name]:
            _add(out, "method-feature-changed", True, python, op, f"{name} changed")


# -- models -------------------------------------------------------------------------------------------


def _models(old: dict[str, Any], new: dict[str, Any], out: list[Change]) -> None:
    removed, added, renamed = _pairs(old, new, lambda a, b: a["pointer"] == b["pointer"] and a["kind"] == b["kind"])
    for name in removed:
        _add(out, "model-removed", _reached(old[name]), f"models.{name}", old[name],
             f"model {name} removed{_UNREACHED if not _reached(old[name]) else ''}", "old")
    for name in added:
        _add(out, "model-added", False, f"models.{name}", new[name], f"new {new[name]['kind']} {name}")
    for before, after in renamed:
        _add(out, "model-renamed", _reached(old[before]), f"models.{after}", new[after],
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
        _add(out, "model-kind-changed", True, python, new, f"{name} is now a {new['kind']} (was a {old['kind']})")
        return
    directions = set(old["directions"]) | set(new["directions"]) or {REQUEST, RESPONSE}
    if "values" in new:
        _enum(python, old["values"], new["values"], new, directions, out)
    elif "fields" in new:
        _fields(python, _located(old), _located(new), directions, out)
        if old["bases"] != new["bases"]:
            _add(out, "model-bases-changed", True, python, new, f"bases {old['bases']} -> {new['bases']}")
    elif old.get("root") != new.get("root"):
        _add(out, "model-retyped", True, python, new, f"{name} wraps {new['root']} (was {old['root']})")
    if old["docs"] != new["docs"]:
        _add(out, DOCS, False, python, new, f"description of {name} changed")


def _enum(python: str, old: dict[str, Any], new: dict[str, Any], item: dict[str, Any], directions: set[str],
          out: list[Change]) -> None:
    where = {"pointer": item.get("value_pointer", item["pointer"])}
    old_by_value = {v: k for k, v in old.items()}
    new_by_value = {v: k for k, v in new.items()}
    for value, member in old_by_value.items():
        if value not in new_by_value:
            # The member disappears from the class: code naming it breaks, whichever way it travels.
            sent = REQUEST in directions
            _add(out, "enum-value-removed", True, f"{python}.{member}", where,
                 f"value {value!r} removed" + (": the server no longer accepts it" if sent else ""))
    for value, member in new_by_value.items():
        if value not in old_by_value:
            # Responses are forward-compatible (unknown values parse); requests gain an option.
            _add(out, "enum-value-added", False, f"{python}.{member}", where, f"new value {value!r}")
        elif old_by_value[value] != member:
            _add(out, "enum-member-renamed", True, f"{python}.{member}", where,
                 f"member {old_by_value[value]} is now {member}")


def _located(model: dict[str, Any]) -> dict[str, Any]:
    """The model's fields with their pointers: the property of the model's schema (a field that comes from
    elsewhere, such as an allOf member, is located at the nearest part of it the spec has)."""
    return {name: {**field, "pointer": model["pointer"] + pointer("properties", field["alias"])}
            for name, field in model["fields"].items()}


def _fields(model: str, old: dict[str, Any], new: dict[str, Any], directions: set[str], out: list[Change]) -> None:
    sent, received = REQUEST in directions, RESPONSE in directions
    use = "/".join(sorted(directions))
    removed, added, renamed = _pairs(old, new, lambda a, b: a["alias"] == b["alias"],
                                     lambda a, b: (a["type"], a["required"]) == (b["type"], b["required"]))
    for name in removed:
        _add(out, "field-removed", True, f"{model}.{name}", old[name], f"field {name} removed", "old")
    for name in added:
        f = new[name]
        _add(out, "field-added", f["required"] and sent, f"{model}.{name}", f,
             f"new {'required' if f['required'] else 'optional'} field {name}: {f['type']} ({use})")
    for before, after in renamed:
        _add(out, "field-renamed", True, f"{model}.{after}", new[after],
             f"field {before} is now {after} (wire name {new[after]['alias']!r})")
        _field(f"{model}.{after}", {**old[before], "alias": new[after]["alias"]}, new[after], sent, received, use, out)
    for name in [n for n in new if n in old]:
        _field(f"{model}.{name}", old[name], new[name], sent, received, use, out)


def _nullable(field: dict[str, Any]) -> bool:
    """A required field shows it in its type; an optional one is `X | None` anyway, so the spec says."""
    return is_nullable(field["type"]) if field["required"] else bool(field.get("nullable"))


def _field(python: str, old: dict[str, Any], new: dict[str, Any], sent: bool, received: bool, use: str,
           out: list[Change]) -> None:
    if old["alias"] != new["alias"]:
        _add(out, "field-alias-changed", False, python, new, f"wire name {new['alias']!r} (was {old['alias']!r})")
    if old["required"] != new["required"]:
        if new["required"]:  # callers building it must now set it
            _add(out, "field-required", sent, python, new, f"now required ({use})")
        else:  # callers reading it may now get None
            _add(out, "field-optional", received, python, new, f"now optional ({use})")
    elif _nullable(old) != _nullable(new):
        if _nullable(new):  # an optional field could be None (absent) before: only a required one breaks readers
            _add(out, "field-nullable", received and new["required"], python, new, f"may now be None ({use})")
        else:
            _add(out, "field-not-nullable", sent, python, new, f"no longer accepts None ({use})")
    before, after = type_members(old["type"]), type_members(new["type"])
    if before != after:
        wide, narrow = " | ".join(sorted(after)), " | ".join(sorted(before))
        widened, narrowed = accepts(wide, narrow), accepts(narrow, wide)
        breaking = (sent and not widened) or (received and not narrowed)
        _add(out, "field-retyped", breaking, python, new,
             f"{' | '.join(sorted(after))} (was {' | '.join(sorted(before))}; {use})")
    if old["docs"] != new["docs"]:
        _add(out, DOCS, False, python, new, "description changed")
