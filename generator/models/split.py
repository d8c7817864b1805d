"""Cut the single models module into a `models/` package that loads each model on first use.

Given black's output for the whole module, the modules come out as black would format them (classes are
copied verbatim, imports and `__init__.py` written in black's layout), so they need no formatting of their own.

A large spec gives thousands of models; importing them all to use one resource costs seconds. Each
strongly connected group of classes (one class, or classes that refer to each other in a cycle) goes in
one module, with the groups that only it refers to (they would be loaded with it anyway); modules import
what else they use from their modules, and `models/__init__.py` maps every class name to its module,
importing it when the name is first asked for. Type checkers read `models/__init__.pyi` instead, plain
imports of every class (kept out of `__init__.py`, where they cost a large module's load and memory at run time).
"""

from __future__ import annotations

import ast
import keyword
from collections.abc import Iterable

from clientsmith.models.rename import called_on
from clientsmith.naming import snake_case
from clientsmith.source_lines import code_lines

INIT = "__init__.py"
STUB = "__init__.pyi"


def split_models(source: str, header: str) -> dict[str, str]:
    """Module file names (relative to the `models/` folder) -> source, `__init__.py` included."""
    tree = ast.parse(source)
    lines = code_lines(source)
    imports = [node for node in tree.body if isinstance(node, ast.ImportFrom) and node.module != "__future__"]
    # Every name the module defines, classes and type aliases (`X = TypeAliasType(...)`) alike, goes
    # to a module of its own group; a statement of another kind is an error, never silently dropped.
    classes: dict[str, ast.stmt] = {}
    for node in tree.body:
        name = _defined_name(node)
        if name is not None:
            classes[name] = node
    order = {name: index for index, name in enumerate(classes)}
    trailing: dict[str, list[str]] = {}  # class -> statements after all classes (`X.model_rebuild()`)
    for node in tree.body:
        if isinstance(node, ast.Expr):
            owner = called_on(node)
            if owner not in classes:
                raise ValueError(f"unexpected statement in the models module: {ast.unparse(node)}")
            trailing.setdefault(owner, []).append(_segment(lines, node))
        elif _defined_name(node) is None and not isinstance(node, ast.ImportFrom):
            raise ValueError(f"unexpected statement in the models module: {ast.unparse(node)[:200]}")

    uses = {name: _names(node) for name, node in classes.items()}
    depends = {name: sorted((uses[name] & classes.keys()) - {name}, key=order.__getitem__) for name in classes}
    # Tarjan's order: every group comes after the groups it refers to.
    groups = [sorted(group, key=order.__getitem__) for group in _components(list(classes), depends)]
    bundles = _bundles(groups, depends)
    module_of = _module_names(bundles)

    files: dict[str, str] = {}
    for lead, bundle in bundles:
        module = module_of[lead]
        members = {name for group in bundle for name in group}
        names = [name for group in bundle for name in group]  # what each class refers to comes first
        used = set().union(*(uses[name] for name in names))
        rebuilds = [stmt for name in names for stmt in trailing.get(name, [])]
        # Lazy annotations only where a class refers to itself or a later one: evaluating thousands of
        # annotation strings is most of what importing the models would otherwise cost.
        forward = any(len(group) > 1 or group[0] in uses[group[0]] for group in bundle) or bool(rebuilds)
        out = [header, "\n\nfrom __future__ import annotations\n\n" if forward else "\n\n"]
        out += _import_lines(imports, used)
        foreign: dict[str, list[str]] = {}
        for name in sorted({d for c in names for d in depends[c]} - members, key=order.__getitem__):
            foreign.setdefault(module_of[name], []).append(name)
        for other in sorted(foreign):
            out.append(_from_import(f".{other}", sorted(foreign[other])))
        for name in names:
            out.append("\n\n" + _segment(lines, classes[name], decorated=True))
        if rebuilds:
            out.append("\n\n" + "".join(rebuilds))
        files[f"{module}.py"] = "".join(out)
    files[INIT] = _init_source(header, module_of)
    files[STUB] = _stub_source(header, module_of)
    return files


def _bundles(groups: list[list[str]], depends: dict[str, list[str]]) -> list[tuple[str, list[list[str]]]]:
    """Groups that share a module, each named by its lead class. A group that only one other group refers
    to is always loaded with that one, so it goes in the same module: fewer modules to import."""
    group_of = {name: index for index, group in enumerate(groups) for name in group}
    dependents: list[set[int]] = [set() for _ in groups]
    for index, group in enumerate(groups):
        for target in {group_of[d] for c in group for d in depends[c]} - {index}:
            dependents[target].add(index)
    root = list(range(len(groups)))
    for index in reversed(range(len(groups))):  # dependents come later, so their root is settled first
        if len(dependents[index]) == 1:
            root[index] = root[next(iter(dependents[index]))]
    members: dict[int, list[list[str]]] = {}
    for index, group in enumerate(groups):  # in Tarjan's order, so what a class refers to comes first
        members.setdefault(root[index], []).append(group)
    return [(groups[lead][0], bundle) for lead, bundle in members.items()]


def _defined_name(node: ast.stmt) -> str | None:
    """The name a class or a module-level assignment (a type alias) defines; None for other statements."""
    if isinstance(node, ast.ClassDef):
        return node.name
    if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
        return node.targets[0].id
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return node.target.id
    return None


def _segment(lines: list[str], node: ast.stmt, decorated: bool = False) -> str:
    first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))]) if decorated else node.lineno
    return "".join(lines[first - 1 : node.end_lineno])


def _names(node: ast.AST) -> set[str]:
    """Every name a class uses, string forward references included."""
    found = set()
    for child in ast.walk(node):
        if isinstance(child, ast.Name):
            found.add(child.id)
        for annotation in _annotations(child):
            found.update(_forward_references(annotation))
    return found


def _annotations(node: ast.AST) -> list[ast.expr]:
    """The type expressions a statement holds: a field's annotation, and the values of a class's own
    `__annotations__ = {...}` (how the type of a model's additional properties is written), and the
    value of a `TypeAliasType(name, value)`."""
    if isinstance(node, ast.AnnAssign):
        return [node.annotation]
    if isinstance(node, ast.Call) and ast.unparse(node.func).split(".")[-1] == "TypeAliasType":
        return node.args[1:]
    if (isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict)
            and any(isinstance(t, ast.Name) and t.id == "__annotations__" for t in node.targets)):
        return [value for value in node.value.values if value is not None]
    return []


def _forward_references(annotation: ast.expr) -> set[str]:
    """The names string parts of a type expression (`"Pet"`, `"list[Pet]"`) refer to; pydantic resolves
    them in the module's namespace, so their modules must be imported too. A string that is no type
    expression (a `Literal` value) names nothing."""
    literal = {id(c) for node in ast.walk(annotation)
               if isinstance(node, ast.Subscript) and ast.unparse(node.value).split(".")[-1] == "Literal"
               for c in ast.walk(node.slice)}
    found: set[str] = set()
    for child in ast.walk(annotation):
        if isinstance(child, ast.Constant) and isinstance(child.value, str) and id(child) not in literal:
            try:
                parsed = ast.parse(child.value.strip(), mode="eval")
            except SyntaxError:
                continue
            found.update(n.id for n in ast.walk(parsed) if isinstance(n, ast.Name))
    return found


def _components(nodes: list[str], edges: dict[str, list[str]]) -> list[list[str]]:
    """Strongly connected components (Tarjan, iterative: dependency chains can be thousands deep)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    result: list[list[str]] = []
    for root in nodes:
        if root in index:
            continue
        work = [(root, iter(edges[root]))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            for succ in successors:
                if succ not in index:
                    index[succ] = low[succ] = len(index)
                    stack.append(succ)
                    on_stack.add(succ)
                    work.append((succ, iter(edges[succ])))
                    break
                if succ in on_stack:
                    low[node] = min(low[node], index[succ])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    result.append(group)
    return result


def _module_names(bundles: list[tuple[str, list[list[str]]]]) -> dict[str, str]:
    """Class -> module name: the snake_case of the bundle's lead class, unique whatever the casing."""
    taken: set[str] = {INIT[:-3]}
    module_of: dict[str, str] = {}
    # Claimed in name order, so a module's name never depends on which other classes exist before it.
    for lead, bundle in sorted(bundles, key=lambda b: b[0]):
        base = snake_case(lead) or "model"
        if base[0].isdigit() or keyword.iskeyword(base):
            base = f"m_{base}"
        name, n = base, 2
        while name in taken:
            name, n = f"{base}_{n}", n + 1
        taken.add(name)
        module_of[lead] = name
        for group in bundle:
            for member in group:
                module_of[member] = name
    return module_of


def _import_lines(imports: Iterable[ast.ImportFrom], used: set[str]) -> list[str]:
    """The models module's imports, narrowed to the names this module uses."""
    out = []
    for node in imports:
        names = [alias for alias in node.names if (alias.asname or alias.name) in used]
        if names:
            dots = "." * (node.level + 1) if node.level else ""  # one folder deeper than the models module
            listed = [a.name if a.asname is None else f"{a.name} as {a.asname}" for a in names]
            out.append(_from_import(f"{dots}{node.module or ''}", listed))
    return out


def _from_import(module: str, names: list[str], indent: str = "", line_length: int = 100) -> str:
    """An import statement laid out as black lays it out: one line, or one name a line when too long."""
    line = f"{indent}from {module} import {', '.join(names)}\n"
    if len(line) - 1 <= line_length:
        return line
    return f"{indent}from {module} import (\n" + "".join(f"{indent}    {name},\n" for name in names) + f"{indent})\n"


def _init_source(header: str, module_of: dict[str, str]) -> str:
    table = "".join(f'    "{n}": "{module_of[n]}",\n' for n in sorted(module_of))
    return f'''{header}
"""The models. Each is imported on first use, with what it refers to and the models only its module uses.

Type checkers read `__init__.pyi`, which imports each from its module."""

from __future__ import annotations

import importlib

_MODULE_OF: dict[str, str] = {{
{table}}}

__all__ = list(_MODULE_OF)


def __getattr__(name: str) -> object:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {{__name__!r}} has no attribute {{name!r}}")
    value = getattr(importlib.import_module(f".{{module}}", __name__), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
'''


def _stub_source(header: str, module_of: dict[str, str]) -> str:
    """What type checkers see of `models`: every class imported from its module."""
    names = sorted(module_of)
    imports = "".join(_from_import(f".{module_of[n]}", [f"{n} as {n}"]) for n in names)
    exported = "".join(f'    "{n}",\n' for n in names)
    return f'''{header}
"""The models, for type checkers: at run time `__init__.py` imports each on first use."""

{imports}
__all__ = [
{exported}]
'''
