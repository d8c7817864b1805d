"""What each object of an OpenAPI document is, from where it stands: the kind of every child of every kind,
and the `components` section each kind lands in when bundled."""

from __future__ import annotations

# Where each kind of object has its components section; kinds missing here are inlined.
SECTION = {
    "schema": "schemas", "parameter": "parameters", "response": "responses", "requestBody": "requestBodies",
    "header": "headers", "example": "examples", "link": "links", "callback": "callbacks",
    "securityScheme": "securitySchemes",
}
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# kind -> key -> (shape, child kind); shape: "one", "map" (every value), "list" (every item), "one|list".
_PARAMETER_LIKE = {"schema": ("one", "schema"), "content": ("one", "content"), "examples": ("map", "example")}
_SCHEMA_MAPS = ("properties", "patternProperties", "dependentSchemas", "$defs", "definitions")
_SCHEMA_ONES = ("additionalProperties", "not", "if", "then", "else", "contains", "propertyNames",
                "unevaluatedItems", "unevaluatedProperties", "contentSchema", "additionalItems")
STRUCTURE: dict[str, dict[str, tuple[str, str]]] = {
    "document": {"paths": ("map", "pathItem"), "webhooks": ("map", "pathItem"), "components": ("one", "components")},
    "components": {section: ("map", kind) for kind, section in SECTION.items()} | {"pathItems": ("map", "pathItem")},
    "pathItem": {"parameters": ("list", "parameter"), **{m: ("one", "operation") for m in METHODS}},
    "operation": {"parameters": ("list", "parameter"), "requestBody": ("one", "requestBody"),
                  "responses": ("map", "response"), "callbacks": ("map", "callback")},
    "callback": {},  # every value a path item: see _children
    "parameter": _PARAMETER_LIKE,
    "header": _PARAMETER_LIKE,
    "requestBody": {"content": ("one", "content")},
    "content": {},  # every value a media type
    "mediaType": {"schema": ("one", "schema"), "examples": ("map", "example"), "encoding": ("map", "encoding")},
    "encoding": {"headers": ("map", "header")},
    "response": {"headers": ("map", "header"), "content": ("one", "content"), "links": ("map", "link")},
    "schema": {**{k: ("map", "schema") for k in _SCHEMA_MAPS}, **{k: ("one", "schema") for k in _SCHEMA_ONES},
               "items": ("one|list", "schema"), "prefixItems": ("list", "schema"), "allOf": ("list", "schema"),
               "anyOf": ("list", "schema"), "oneOf": ("list", "schema")},
}
# Outside the known structure (vendor extensions), names still tell what an object is.
GUESS = {"paths": ("map", "pathItem"), "webhooks": ("map", "pathItem"), "x-webhooks": ("map", "pathItem"),
         "responses": ("map", "response"), "parameters": ("list", "parameter"), "requestBody": ("one", "requestBody"),
         "schema": ("one", "schema"), "content": ("one", "content"), "headers": ("map", "header"),
         **{m: ("one", "operation") for m in METHODS}}
DATA_KINDS = ("example", "link", "securityScheme")  # plain data below: a `$ref` key there is not a reference
