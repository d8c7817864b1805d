"""Two API surfaces -> the changes a caller of the client would notice, each judged breaking or not.

The rules are documented in the README ("What changed"); each kind of change is decided in one place:
the client's constructor here, methods in `compare_methods.py`, models in `compare_models.py`.
"""

from __future__ import annotations

from typing import Any

from clientsmith.diff.changes import Change, Report, add, pairs
from clientsmith.diff.compare_methods import compare_resources
from clientsmith.diff.compare_models import compare_models


def comparable(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """A surface recorded in another format (by another clientsmith) cannot be compared key for key."""
    return old.get("version") == new.get("version")


def compare(old: dict[str, Any], new: dict[str, Any]) -> Report:
    out: list[Change] = []
    _servers(old.get("servers", []), new.get("servers", []), out)
    _credentials(old.get("credentials", {}), new.get("credentials", {}), out)
    compare_resources(old.get("resources", {}), new.get("resources", {}), out)
    compare_models(old.get("models", {}), new.get("models", {}), out)
    return Report(tuple(out))


# -- client constructor: servers and credentials ------------------------------------------------------


def _servers(old: list[dict[str, Any]], new: list[dict[str, Any]], out: list[Change]) -> None:
    """The first server is the client's: its URL is the default and its variables are constructor arguments."""
    before_url, after_url = (old[0]["url"] if old else "/"), (new[0]["url"] if new else "/")
    if before_url != after_url:
        add(out, "server-changed", False, "Client", new[0] if new else {"pointer": "/servers"},
            f"default server {before_url} -> {after_url}: calls go elsewhere unless base_url= is given")
    old_vars = old[0]["variables"] if old else {}
    new_vars = new[0]["variables"] if new else {}
    for name in sorted(old_vars.keys() - new_vars.keys()):
        add(out, "server-variable-removed", True, f"Client({name}=)", old_vars[name],
            f"constructor argument {name}= removed", "old")
    for name in sorted(new_vars.keys() - old_vars.keys()):
        add(out, "server-variable-added", False, f"Client({name}=)", new_vars[name],
            f"new constructor argument {name}= (default {new_vars[name]['default']!r})")
    for name in sorted(old_vars.keys() & new_vars.keys()):
        before, after = old_vars[name], new_vars[name]
        python = f"Client({name}=)"
        if before["enum"] and after["enum"]:
            for value in before["enum"]:
                if value not in after["enum"]:
                    add(out, "server-variable-value-removed", True, python, after,
                        f"{name}={value!r} is no longer accepted")
            for value in after["enum"]:
                if value not in before["enum"]:
                    add(out, "server-variable-value-added", False, python, after, f"{name}={value!r} now accepted")
        elif after["enum"] and not before["enum"]:
            add(out, "server-variable-value-removed", True, python, after,
                f"{name}= now only accepts {', '.join(after['enum'])}")
        elif before["enum"] and not after["enum"]:
            add(out, "server-variable-value-added", False, python, after, f"{name}= now accepts any value")
        if before["default"] != after["default"]:
            add(out, "server-variable-default-changed", False, python, after,
                f"default {before['default']!r} -> {after['default']!r}")


def _credentials(old: dict[str, Any], new: dict[str, Any], out: list[Change]) -> None:
    removed, added, renamed = pairs(old, new, lambda a, b: a["scheme"] == b["scheme"])
    for name in removed:
        add(out, "credential-removed", True, f"Client({name}=)", old[name],
            f"security scheme {old[name]['scheme']} and its argument {name}= removed", "old")
    for name in added:
        add(out, "credential-added", False, f"Client({name}=)", new[name],
            f"new credential argument {name}= ({new[name]['kind']} {new[name]['scheme']})")
    for before, after in renamed:
        add(out, "credential-renamed", True, f"Client({after}=)", new[after],
            f"credential argument {before}= is now {after}=")
    for name in sorted(old.keys() & new.keys()):
        before, after = _how_sent(old[name]), _how_sent(new[name])
        if before != after:
            add(out, "credential-changed", False, f"Client({name}=)", new[name],
                f"{name}= is now sent as {after} (was {before})")


def _how_sent(credential: dict[str, Any]) -> str:
    keys = ("kind", "location", "parameter_name", "http_scheme")
    return " ".join(str(credential[k]) for k in keys if credential[k])
