"""The document as datamodel-code-generator is given it: what it mistypes, refuses or would import settled
first, copying only what changes (the spec itself is left as it is)."""

from __future__ import annotations

from typing import Any

from clientsmith.naming import operation_id
from clientsmith.spec.generator_options import is_generator_option
from clientsmith.spec.merge import HTTP_METHODS

_PRIMITIVE_TYPES: dict[str, tuple[type, ...]] = {
    "boolean": (bool,),
    "integer": (int,),
    "number": (int, float),
    "string": (str,),
}


def prepare_for_models(document: dict[str, Any]) -> dict[str, Any]:
    """The document with:

    - `nullable: false` dropped (the default; the generator otherwise types the field non-optional with a
      None default), and a `default` that does not fit its primitive `type` coerced when unambiguous
      ("false" for a boolean) or else dropped (`clientsmith validate` reports these);
    - an `allOf` with a `false` member (or a ref to a `false` component) made `false`, which it is: the
      generator refuses such an `allOf` but takes `false`;
    - the generator's own options (spec/generator_options.py) dropped: they name modules of its user's
      project, which a generated package cannot import;
    - an operationId for every operation, and `paths` where a 3.1 document has none;
    - a 3.0 document's `x-webhooks` given as `webhooks`, and each webhook an operationId (`<name> webhook`):
      payload models are made from there and named after it.
    """
    components = document.get("components")
    schemas = components.get("schemas") if isinstance(components, dict) else None
    never = {f"#/components/schemas/{name}" for name, schema in (schemas.items() if isinstance(schemas, dict) else ())
             if schema is False}
    return _with_webhook_ids(_with_operation_ids(_Settler(never).settle(document)))


class _Settler:
    def __init__(self, never: set[str]) -> None:
        self.never = never  # refs to `false` schemas

    def settle(self, node: Any) -> Any:
        if isinstance(node, list):
            items = [self.settle(item) for item in node]
            return node if all(a is b for a, b in zip(items, node)) else items
        if not isinstance(node, dict):
            return node
        if isinstance(node.get("allOf"), list) and any(self._is_false(member) for member in node["allOf"]):
            return False
        changed = {key: self.settle(value) for key, value in node.items()}
        if node.get("nullable") is False:
            del changed["nullable"]
        for keyword, value in node.items():
            if is_generator_option(keyword, value):
                del changed[keyword]
        kind = node.get("type")
        if "default" in node and isinstance(kind, str) and kind in _PRIMITIVE_TYPES:
            default = node["default"]
            fits = isinstance(default, _PRIMITIVE_TYPES[kind]) and not (kind != "boolean" and isinstance(default, bool))
            if not fits and not (default is None and node.get("nullable") is True):
                fixed = _coerce(default, kind)
                if fixed is None:
                    del changed["default"]
                else:
                    changed["default"] = fixed
        if len(changed) == len(node) and all(changed[k] is node[k] for k in node):
            return node
        return changed

    def _is_false(self, member: Any) -> bool:
        return member is False or isinstance(member, dict) and member.get("$ref") in self.never


def _coerce(value: Any, kind: str) -> Any:
    if isinstance(value, str):
        text = value.strip().lower()
        if kind == "boolean" and text in ("true", "false"):
            return text == "true"
        if kind in ("integer", "number"):
            try:
                number = float(text)
            except ValueError:
                return None
            return int(number) if kind == "integer" and number.is_integer() else number if kind == "number" else None
    if kind == "string" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None


def _with_operation_ids(document: dict[str, Any]) -> dict[str, Any]:
    """Operations without an operationId get the one the IR gives them (`<method>_<path>`): the models of
    their inline schemas are named after it, and datamodel-code-generator refuses an operation without
    (and a document without `paths`, which OpenAPI 3.1 allows: it is given an empty one)."""
    paths = document.get("paths")
    if not isinstance(paths, dict):
        return {**document, "paths": {}}
    fixed: dict[str, Any] = {}
    for path, item in paths.items():
        if isinstance(item, dict) and any(_unnamed(op, method, path) for method, op in item.items()):
            item = {method: {**op, "operationId": operation_id(op, method, path)} if _unnamed(op, method, path) else op
                    for method, op in item.items()}
        fixed[path] = item
    return {**document, "paths": fixed}


def _unnamed(op: Any, method: str, path: str) -> bool:
    return isinstance(op, dict) and method in HTTP_METHODS and op.get("operationId") != operation_id(op, method, path)


def has_webhooks(document: dict[str, Any]) -> bool:
    """The document as `prepare_for_models` made it has webhooks to make payload models of."""
    return isinstance(document.get("webhooks"), dict) and bool(document["webhooks"])


def _with_webhook_ids(document: dict[str, Any]) -> dict[str, Any]:
    webhooks = document.get("webhooks")
    if not isinstance(webhooks, dict) and isinstance(document.get("x-webhooks"), dict):
        webhooks = document["x-webhooks"]
    if not isinstance(webhooks, dict):
        return document
    fixed: dict[str, Any] = {}
    for name, item in webhooks.items():
        if not isinstance(name, str) or name.startswith("x-"):
            continue
        item = _local_path_item(document, item)
        if isinstance(item, dict):
            item = {method: {**op, "operationId": f"{name} webhook"}
                    if isinstance(op, dict) and method in HTTP_METHODS and not op.get("operationId") else op
                    for method, op in item.items()}
        fixed[name] = item
    return {**document, "webhooks": fixed}


def _local_path_item(document: dict[str, Any], item: Any) -> Any:
    """A webhook's path item, its `$ref` (to `components/pathItems`) followed: the operations need ids
    where the generator reads them, and their payload models are named after the webhook."""
    seen = 0
    while isinstance(item, dict) and isinstance(item.get("$ref"), str) and item["$ref"].startswith("#/") and seen < 10:
        node: Any = document
        for token in item["$ref"][2:].split("/"):
            node = node.get(token.replace("~1", "/").replace("~0", "~")) if isinstance(node, dict) else None
        item, seen = node, seen + 1
    return item
