"""Field defaults that fit the field's type, as the type checker and the user see them.

datamodel-code-generator writes a spec's `default` as the JSON literal it is: a list of objects for a
list of models, a number for a constrained-number wrapper class, an object for a model, `None` for a
field that is not nullable, a string for a union of wrapper classes; and it copies an anyOf/oneOf's
default into each member's class, whatever the member's type. Such a default is validated into the
right type only when an instance is made (if at all), and mypy rejects it. Here each default that does
not fit is rewritten, by the module's AST:

- a value that the type's classes can be built from becomes `Field(default_factory=lambda: ...)`,
  building it the way parsing JSON would (`Model.model_validate({...})`, `Wrapper(0.1)`, a
  `TypeAdapter` when a union leaves the choice to validation);
- a default written as JSON text ("null", "false", "10") on a field that is not a string is read as JSON;
- a null default, or one nothing can be built from, makes the field optional with a `None` default
  (what a field the spec does not require gets anyway); on a wrapper class's `root` it is dropped.
"""

from __future__ import annotations

import ast
import json
from typing import Any

from clientsmith.models.edit_buffer import EditBuffer
from clientsmith.models.module_imports import import_names

_SCALARS: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "bytes": (bytes,),
    "bool": (bool,),
    "int": (int,),  # bool too, as mypy has it
    "float": (int, float),
}
_LISTS = {"list", "List", "Sequence"}
_DICTS = {"dict", "Dict", "Mapping"}
_UNIONS = {"Union", "Optional"}
_MODEL, _ROOT, _ENUM = "model", "root", "enum"


def fit_defaults(buffer: EditBuffer) -> None:
    """Queue the edits that make every field default of datamodel-code-generator's module fit its type."""
    fitter = _Fitter(buffer.tree)
    edits: list[tuple[tuple[int, int], tuple[int, int], str]] = []
    for node in buffer.tree.body:
        if isinstance(node, ast.ClassDef):
            for statement in node.body:
                if isinstance(statement, ast.AnnAssign) and statement.value is not None:
                    edits += fitter.fix(statement, is_root=fitter.kinds.get(node.name) == _ROOT)
    for start, end, text in edits:
        buffer.replace(start, end, text)
    if edits:
        import_names(buffer, "pydantic", sorted(fitter.needed), after_imports=True)


class _Fitter:
    def __init__(self, tree: ast.Module) -> None:
        self.kinds: dict[str, str] = {}
        self.root_type: dict[str, ast.expr] = {}
        self.external: set[str] = set()  # types from libraries (AnyUrl, AwareDatetime, UUID...)
        self.needed: set[str] = set()  # pydantic names the rewritten defaults use
        self.builtin: dict[str, str] = {}  # `from builtins import bool as bool_aliased`, where a schema is named `bool`
        for node in tree.body:
            if isinstance(node, ast.ImportFrom) and node.module == "builtins":
                self.builtin |= {alias.asname or alias.name: alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module not in ("typing", "__future__"):
                self.external |= {alias.asname or alias.name for alias in node.names}
        for node in tree.body:
            if isinstance(node, ast.ClassDef):
                self.kinds[node.name] = self._kind(node)
                for statement in node.body:
                    if (isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name)
                            and statement.target.id == "root"):
                        self.root_type[node.name] = statement.annotation
        self.external -= {"RootModel", "BaseModel", "Field", "ConfigDict"} | set(self.kinds)

    def _kind(self, node: ast.ClassDef) -> str:
        bases = [ast.unparse(base) for base in node.bases]
        if any(base.startswith("RootModel") for base in bases):
            return _ROOT
        if any(self.kinds[base] == _ENUM if base in self.kinds else base.endswith("Enum") for base in bases):
            return _ENUM
        return _MODEL

    def fix(self, field: ast.AnnAssign, is_root: bool) -> list[tuple[tuple[int, int], tuple[int, int], str]]:
        """The edits that make `field`'s default fit its annotation (none when it fits or is not a literal)."""
        assert field.value is not None
        try:
            value = ast.literal_eval(field.value)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            return []  # an enum member, a call: written by the generator for the type it gives
        kind = _inner(field.annotation)
        if self.fits(value, kind):
            return []
        value_span = (_start(field.value), _end(field.value))
        if isinstance(value, str):
            try:
                parsed = json.loads(value)
            except ValueError:
                parsed = value
            if parsed is not value and self.fits(parsed, kind):
                return [(*value_span, _literal(parsed))]
            if parsed is None or self.build(parsed, kind) is not None:
                value = parsed
        built = None if value is None else self.build(value, kind)
        if built is not None:
            self.needed |= {"Field"} | {node.id for node in ast.walk(ast.parse(built)) if isinstance(node, ast.Name)
                                        and node.id == "TypeAdapter"}
            return [(*value_span, f"Field(default_factory=lambda: {built})")]
        if is_root:  # a member class given its union's default: the wrapper itself has none
            return [(_end(field.annotation), value_span[1], "")]
        # no value of this type: the field is optional, as a field the spec does not require
        if self.fits(None, kind):
            return [(*value_span, "None")]
        end = _end(kind)
        return [(end, end, " | None"), (*value_span, "None")]

    def fits(self, value: Any, kind: ast.expr) -> bool:
        """Whether mypy takes `value`, written as a literal, for this annotation."""
        kind = _inner(kind)
        members = _union_members(kind)
        if members is not None:
            return any(self.fits(value, member) for member in members)
        if _is_none(kind):
            return value is None
        name = _name(kind)
        if name is not None:
            name = self.builtin.get(name, name)
            if name in _SCALARS:
                return isinstance(value, _SCALARS[name])
            if name in self.kinds or name in self.external:
                return False
            return True  # a type this does not know: left as the generator wrote it
        if isinstance(kind, ast.Subscript):
            outer, args = _name(kind.value), _args(kind)
            if outer == "Literal":
                return any(isinstance(arg, ast.Constant) and arg.value == value and type(arg.value) is type(value)
                           for arg in args)
            if outer in _LISTS and len(args) == 1:
                return isinstance(value, list) and all(self.fits(item, args[0]) for item in value)
            if outer in _DICTS and len(args) == 2:
                return isinstance(value, dict) and all(self.fits(item, args[1]) for item in value.values())
        return True

    def build(self, value: Any, kind: ast.expr) -> str | None:
        """An expression of this annotation's type made from `value`, as validating it would, or None."""
        kind = _inner(kind)
        if self.fits(value, kind):
            return _literal(value)
        members = _union_members(kind)
        if members is not None:
            options = [member for member in members if not _is_none(member) and self.build(value, member) is not None]
            if len(options) == 1:
                return self.build(value, options[0])
            if options:  # which member the value is, validation decides, as it does for JSON
                union = " | ".join(ast.unparse(member) for member in options)
                return f"TypeAdapter({union}).validate_python({_literal(value)})"
            return None
        name = _name(kind)
        if name is not None:
            if self.kinds.get(name) == _MODEL:
                return f"{name}.model_validate({_literal(value)})" if isinstance(value, dict) else None
            if self.kinds.get(name) == _ROOT:
                inner = self.root_type.get(name)
                if inner is None or self.fits(value, inner):
                    return f"{name}({_literal(value)})"
                return f"{name}.model_validate({_literal(value)})" if self.build(value, inner) is not None else None
            if self.kinds.get(name) == _ENUM:
                return f"{name}({_literal(value)})" if isinstance(value, (str, int, float)) else None
            if name in self.external and isinstance(value, str):
                return f"TypeAdapter({name}).validate_python({_literal(value)})"
            return None
        if isinstance(kind, ast.Subscript):
            outer, args = _name(kind.value), _args(kind)
            if outer in _LISTS and len(args) == 1 and isinstance(value, list):
                items = [self.build(item, args[0]) for item in value]
                return None if None in items else "[" + ", ".join(str(item) for item in items) + "]"
            if outer in _DICTS and len(args) == 2 and isinstance(value, dict):
                entries = {key: self.build(item, args[1]) for key, item in value.items()}
                if None in entries.values():
                    return None
                return "{" + ", ".join(f"{_literal(key)}: {item}" for key, item in entries.items()) + "}"
        return None


def _inner(kind: ast.expr) -> ast.expr:
    """The type inside `Annotated[type, ...]`."""
    while isinstance(kind, ast.Subscript) and _name(kind.value) == "Annotated" and isinstance(kind.slice, ast.Tuple):
        kind = kind.slice.elts[0]
    return kind


def _union_members(kind: ast.expr) -> list[ast.expr] | None:
    if isinstance(kind, ast.BinOp) and isinstance(kind.op, ast.BitOr):
        return (_union_members(kind.left) or [kind.left]) + (_union_members(kind.right) or [kind.right])
    if isinstance(kind, ast.Subscript) and _name(kind.value) in _UNIONS:
        members = _args(kind)
        return members + [ast.Constant(None)] if _name(kind.value) == "Optional" else members
    return None


def _is_none(kind: ast.expr) -> bool:
    return isinstance(kind, ast.Constant) and kind.value is None


def _name(kind: ast.expr) -> str | None:
    if isinstance(kind, ast.Name):
        return kind.id
    if isinstance(kind, ast.Attribute):
        return kind.attr
    if isinstance(kind, ast.Constant) and isinstance(kind.value, str) and kind.value.isidentifier():
        return kind.value  # a forward reference
    return None


def _args(kind: ast.Subscript) -> list[ast.expr]:
    return list(kind.slice.elts) if isinstance(kind.slice, ast.Tuple) else [kind.slice]


def _literal(value: Any) -> str:
    return repr(value)


def _start(node: ast.expr | ast.stmt) -> tuple[int, int]:
    return node.lineno, node.col_offset


def _end(node: ast.expr | ast.stmt) -> tuple[int, int]:
    return node.end_lineno or node.lineno, node.end_col_offset or node.col_offset
