"""The generated README's examples: real calls, each argument a value of its type (the spec's example,
else one its schema allows), with the imports those values need. A README's Python blocks, read in
order, make one program that type-checks and runs."""

from __future__ import annotations

import ast
import textwrap

from clientsmith.ir.nodes import Api, Operation, Resource

# Names a parameter's sample may call, and where they come from (models are found by name).
_STDLIB = {"date": "datetime", "datetime": "datetime", "UUID": "uuid"}
_LINE = 88


def readme_examples(api: Api) -> dict[str, object]:
    """What the README template needs: client arguments, one call per operation, the imports of their
    values, a call for the streaming and error examples."""
    names = {s.name: s.python_name for s in api.security_schemes}
    first = next((req.schemes for op in api.operations for req in op.security), ())
    client_args = [f'{names[n]}="..."' for n in first if n in names]
    if not api.servers:
        client_args.insert(0, 'base_url="https://api.example.com"')
    unstable = sorted(op.method_name for op in api.operations if op.unstable)
    if unstable:
        client_args.append("unstable_operations={" + ", ".join(f'"{n}"' for n in unstable) + "}")
    calls = []
    full_calls = {}
    for resource in api.resources:
        for op in resource.operations:
            args = [p.sample or f'"{p.python_name}"' for p in op.path_params]
            args += [f"{p.python_name}={p.sample}" for p in _other_params(op) if p.required]
            if op.body is not None and op.body.required:
                args.append("body=" + op.body.sample)
            calls.append((resource, op, args))
            full_calls[op.operation_id] = _example_call(resource.attribute, op)
    texts = [f"f({', '.join(args)})" for _, _, args in calls] + list(full_calls.values())
    imports = _imports(api, texts)
    return {
        "example_client_args": client_args,
        "example_calls": calls,
        "example_imports": [line for line in imports if not line.startswith(f"from {api.package}.")],
        "example_model_imports": [line for line in imports if line.startswith(f"from {api.package}.")],
        "unstable_names": unstable,
        "method_examples": full_calls,
        "streaming_example": _streaming_call(calls),
        "error_example": _error_call(calls),
    }


def _other_params(op: Operation) -> tuple:
    return op.query_params + op.header_params + op.cookie_params


def _example_call(attribute: str, op: Operation) -> str:
    """A call of the method: path parameters, required parameters, the body (the spec's example when it
    gives one, else the smallest the schema allows)."""
    args = [p.sample or f'"{p.python_name}"' for p in op.path_params]
    args += [f"{p.python_name}={p.sample}" for p in _other_params(op) if p.required]
    if op.body is not None and (op.body.required or op.body.example):
        args.append("body=" + (op.body.example or op.body.sample))
    head = f"client.{attribute}.{op.method_name}("
    one_line = head + ", ".join(args) + ")"
    if len(one_line) <= _LINE and "\n" not in one_line:
        return one_line
    return head + "\n" + "".join(textwrap.indent(arg, "    ") + ",\n" for arg in args) + ")"


def _imports(api: Api, sources: list[str]) -> list[str]:
    """`from ... import ...` lines for the names the example values call (`UUID(...)`, `Kind("a")`)."""
    used: set[str] = set()
    for source in sources:
        for node in ast.walk(ast.parse(source, mode="eval")):
            if isinstance(node, ast.Call):
                func = node.func.value if isinstance(node.func, ast.Attribute) else node.func
                if isinstance(func, ast.Name):
                    used.add(func.id)
    by_module: dict[str, set[str]] = {}
    models = set(api.models)
    for name in used:
        if name in _STDLIB:
            by_module.setdefault(_STDLIB[name], set()).add(name)
        elif name in models:
            by_module.setdefault(f"{api.package}.models", set()).add(name)
    # the standard library's first, then the package's, as isort would place them
    order = sorted(by_module, key=lambda module: (module.startswith(api.package), module))
    return [f"from {module} import {', '.join(sorted(by_module[module]))}" for module in order]


def _streaming_call(calls: list[tuple[Resource, Operation, list[str]]]) -> str:
    """The streaming example's call: an operation answering a file (not JSON) if there is one."""
    if not calls:
        return ""
    resource, op, args = next((c for c in calls if c[1].accept != "application/json" and not c[1].event_stream),
                              next((c for c in calls if not c[1].event_stream), calls[0]))
    return f"client.{resource.attribute}.with_streaming_response.{op.method_name}({', '.join(args)})"


def _error_call(calls: list[tuple[Resource, Operation, list[str]]]) -> tuple[str, str]:
    """The errors example: a call and the error class it catches, typed by its body where one is declared."""
    for resource, op, args in calls:
        typed = next((r.error_class for r in op.responses if r.error_class), "")
        if typed:
            return f"client.{resource.attribute}.{op.method_name}({', '.join(args)})", typed
    if not calls:
        return "", ""
    resource, op, args = calls[0]
    return f"client.{resource.attribute}.{op.method_name}({', '.join(args)})", "ApiError"
