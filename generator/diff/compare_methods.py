"""Changes to the client's resources and their methods: arguments, bodies, return types and features."""

from __future__ import annotations

from typing import Any

from clientsmith.diff.changes import DOCS, Change, accepts, add, pairs


def compare_resources(old: dict[str, Any], new: dict[str, Any], out: list[Change]) -> None:
    def endpoints(resource: dict[str, Any]) -> set[tuple[str, str]]:
        return {(m["http_method"], m["path"]) for m in resource["methods"].values()}

    removed, added, renamed = pairs(old, new, lambda a, b: bool(endpoints(a)) and endpoints(a) == endpoints(b))
    moved_with_resource = {before: after for before, after in renamed}
    for name in removed:
        add(out, "resource-removed", True, f"client.{name}", _first_method(old[name]),
            f"resource {name} ({old[name]['class']}) removed", "old")
    for name in added:
        add(out, "resource-added", False, f"client.{name}", _first_method(new[name]),
            f"new resource {name} ({new[name]['class']})")
    for before, after in renamed:
        add(out, "resource-renamed", True, f"client.{after}", _first_method(new[after]),
            f"client.{before} is now client.{after} (tag {old[before]['tag']!r} -> {new[after]['tag']!r})")

    old_methods = {f"{r}.{m}": (r, item) for r, res in old.items() for m, item in res["methods"].items()}
    new_methods = {f"{r}.{m}": (r, item) for r, res in new.items() for m, item in res["methods"].items()}
    gone, fresh, renamed_methods = pairs(
        {k: v[1] for k, v in old_methods.items()}, {k: v[1] for k, v in new_methods.items()},
        lambda a, b: (a["http_method"], a["path"]) == (b["http_method"], b["path"]))
    for name in gone:
        if old_methods[name][0] not in removed:
            add(out, "method-removed", True, f"client.{name}", old_methods[name][1],
                f"{old_methods[name][1]['http_method']} {old_methods[name][1]['path']} is no longer in the client",
                "old")
    for name in fresh:
        if new_methods[name][0] not in added:
            item = new_methods[name][1]
            add(out, "method-added", False, f"client.{name}", item, f"new method for {item['http_method']} {item['path']}")
    for before, after in renamed_methods:
        old_resource, old_method = before.split(".", 1)
        new_resource, new_method = after.split(".", 1)
        if not (moved_with_resource.get(old_resource) == new_resource and old_method == new_method):
            item = new_methods[after][1]
            why = (f"operationId {old_methods[before][1]['operation_id']!r} -> {item['operation_id']!r}"
                   if old_method != new_method else "its tag changed")
            add(out, "method-renamed", True, f"client.{after}", item, f"client.{before} is now client.{after} ({why})")
        _method(after, old_methods[before][1], new_methods[after][1], out)
    for name in sorted(old_methods.keys() & new_methods.keys()):
        _method(name, old_methods[name][1], new_methods[name][1], out)


def _first_method(resource: dict[str, Any]) -> dict[str, Any]:
    return next(iter(resource["methods"].values()), {})


def _method(name: str, old: dict[str, Any], new: dict[str, Any], out: list[Change]) -> None:
    python = f"client.{name}"
    if (old["http_method"], old["path"]) != (new["http_method"], new["path"]):
        add(out, "method-endpoint-changed", False, python, new,
            f"now calls {new['http_method']} {new['path']} (was {old['http_method']} {old['path']})")
    if old["unstable"] != new["unstable"]:
        if new["unstable"]:
            add(out, "method-unstable", True, python, new,
                f"now unstable: callers must opt in with unstable_operations={{{name.split('.')[-1]!r}}}")
        else:
            add(out, "method-stable", False, python, new, "no longer unstable: the opt-in is not needed")
    if old["deprecated"] != new["deprecated"]:
        add(out, "method-deprecated" if new["deprecated"] else "method-undeprecated", False, python, new,
            "now deprecated" if new["deprecated"] else "no longer deprecated")
    if old["security"] != new["security"]:
        kept = any(alternative in new["security"] for alternative in old["security"]) or not new["security"]
        add(out, "method-auth-changed", not kept, python, new,
            f"credentials {_alternatives(old['security'])} -> {_alternatives(new['security'])}")
    _parameters(python, old["params"], new["params"], out)
    _body(python, old["body"], new["body"], new, out)
    if old["returns"] != new["returns"]:
        narrowed = accepts(old["returns"], new["returns"])
        add(out, "return-changed", not (narrowed or old["returns"] == "None"), python, new,
            f"returns {new['returns']} (was {old['returns']})")
    _features(python, old.get("features", {}), new.get("features", {}), new, out)
    if old["docs"] != new["docs"]:
        add(out, DOCS, False, python, new, "summary, description or response descriptions changed")


def _alternatives(security: list[list[str]]) -> str:
    return " or ".join("+".join(req) or "none" for req in security) or "none"


def _parameters(method: str, old: dict[str, Any], new: dict[str, Any], out: list[Change]) -> None:
    removed, added, renamed = pairs(
       old, new, lambda a, b: (a["name"], a["location"]) == (b["name"], b["location"]),
       lambda a, b: (a["location"], a["type"], a["position"]) == (b["location"], b["type"], b["position"]))
    for name in removed:
        add(out, "parameter-removed", True, f"{method}({name}=)", old[name],
            f"argument {name} ({old[name]['location']} {old[name]['name']!r}) removed", "old")
    for name in added:
        p = new[name]
        add(out, "parameter-added", p["required"], f"{method}({name}=)", p,
            f"new {'required' if p['required'] else 'optional'} argument {name}: {p['type']} "
            f"({p['location']} {p['name']!r})")
    for before, after in renamed:
        add(out, "parameter-renamed", True, f"{method}({after}=)", new[after],
            f"argument {before} is now {after} ({new[after]['location']} {new[after]['name']!r})")
        _parameter(method, after, {**old[before], "name": new[after]["name"]}, new[after], out)
    for name in [n for n in new if n in old]:
        _parameter(method, name, old[name], new[name], out)


def _parameter(method: str, name: str, old: dict[str, Any], new: dict[str, Any], out: list[Change]) -> None:
    python = f"{method}({name}=)"
    if old["name"] != new["name"] and old["location"] == new["location"]:
        add(out, "parameter-wire-name-changed", False, python, new, f"sent as {new['name']!r} (was {old['name']!r})")
    if old["location"] != new["location"] or old["position"] != new["position"]:
        positional = "path" in (old["location"], new["location"])
        add(out, "parameter-moved", positional, python, new,
            f"now a {new['location']} parameter" + (f" at position {new['position'] + 1}" if new["position"] is not None
                                                      else "") + f" (was {old['location']})")
    if old["required"] != new["required"]:
        if new["required"]:
            add(out, "parameter-required", True, python, new, f"argument {name} is now required")
        else:
            add(out, "parameter-optional", False, python, new, f"argument {name} is now optional")
    if old["type"] != new["type"]:
        widened = accepts(new["type"], old["type"])
        add(out, "parameter-retyped", not widened, python, new, f"{name}: {new['type']} (was {old['type']})")
    if old["docs"] != new["docs"]:
        add(out, DOCS, False, python, new, f"description of {name} changed")


def _body(method: str, old: dict[str, Any] | None, new: dict[str, Any] | None, op: dict[str, Any],
          out: list[Change]) -> None:
    python = f"{method}(body=)"
    if old is None and new is None:
        return
    if old is None:
        assert new is not None
        add(out, "body-added", new["required"], python, new,
            f"new {'required' if new['required'] else 'optional'} body: {new['type']}")
        return
    if new is None:
        add(out, "body-removed", True, python, {"pointer": op["pointer"]}, f"the body argument ({old['type']}) is gone")
        return
    if old["type"] != new["type"] or old["content_type"] != new["content_type"]:
        widened = accepts(new["type"], old["type"]) and old["content_type"] == new["content_type"]
        add(out, "body-changed", not widened, python, new,
            f"body: {new['type']} as {new['content_type']} (was {old['type']} as {old['content_type']})")
    if old["required"] != new["required"]:
        add(out, "body-required" if new["required"] else "body-optional", new["required"], python, new,
            "the body is now required" if new["required"] else "the body is now optional")
    if old["docs"] != new["docs"]:
        add(out, DOCS, False, python, new, "body description changed")


def _features(python: str, old: dict[str, Any], new: dict[str, Any], op: dict[str, Any], out: list[Change]) -> None:
    """Shapes beyond JSON in and out (pagination, streaming, uploads): gaining one adds API, losing or changing
    one changes what callers wrote against it."""
    for name in sorted(old.keys() | new.keys()):
        if name not in old:
            add(out, "method-feature-added", False, python, op, f"gains {name}")
        elif name not in new:
            add(out, "method-feature-removed", True, python, op, f"loses {name}")
        elif _callers_see(name, old[name]) != _callers_see(name, new[name]):
            add(out, "method-feature-changed", True, python, op, f"{name} changed")


# What of a paged method callers write code against: its style, the parameters and response fields the walk
# reads, its items. The rest (each parameter's example and description, the limit's default, whether the
# paging was declared or inferred) leaves their code as it was.
_PAGING_SHAPE = ("method_name", "style", "item_type", "results_path", "limit_param", "limit_body_path",
                 "position_param", "position_body_path", "page_start", "cursor_path", "next_url_path",
                 "has_more_path", "item_id_path", "total_path", "total_header")


def _callers_see(name: str, feature: Any) -> Any:
    if name == "pagination" and isinstance(feature, dict):
        return {key: feature.get(key) for key in _PAGING_SHAPE}
    return feature
