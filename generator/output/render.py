"""Render the package files from the IR with Jinja. Templates see the IR and nothing else."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import jinja2

from clientsmith.output.filters import FILTERS
from clientsmith.ir.nodes import Api, Operation
from clientsmith.templates_dir import builtin_templates_dir
from clientsmith.problems import TemplateError
from clientsmith.output.template_blocks import check_override_blocks

# Sync and async (and their raw-response twins) come from one template source, one flavour each.
# The resource classes: sync and async from one template. Each has a `WithRawResponse` companion whose
# methods wrap the plain ones (no second copy of every method).
FLAVORS = (
    {"is_async": False, "raw": False, "prefix": "", "suffix": "", "doc_note": ""},
    {"is_async": True, "raw": False, "prefix": "Async", "suffix": "", "doc_note": ""},
)
CLIENT_FLAVORS = FLAVORS

# Constructor argument types per credential kind, for the sync and the async client.
_CREDENTIAL_TYPES = {
    "apiKey": ("str", "str"),
    "basic": ("tuple[str, str]", "tuple[str, str]"),
    "token": ("_runtime.SyncToken", "_runtime.AsyncToken"),
}


class _CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Templates compiled once and kept between runs (about half a second a run): Jinja checks each
    against its template's source; a folder that cannot be written only costs speed."""

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


def make_environment(user_templates: Path | None = None, compiled_dir: Path | None = None) -> jinja2.Environment:
    builtin = jinja2.FileSystemLoader(str(builtin_templates_dir()))
    loaders: list[jinja2.BaseLoader] = []
    if user_templates is not None:
        loaders.append(jinja2.FileSystemLoader(str(user_templates)))
    loaders.append(builtin)
    env = jinja2.Environment(
        # "builtin/<name>" always means the shipped template, so an override can extend the original.
        loader=jinja2.ChoiceLoader([jinja2.PrefixLoader({"builtin": builtin}), *loaders]),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=False,
        lstrip_blocks=False,
        autoescape=False,
        extensions=["jinja2.ext.do"],
        bytecode_cache=_CompiledTemplates(str(compiled_dir)) if compiled_dir is not None else None,
    )
    env.filters.update(FILTERS)
    env.filters["optional"] = _optional
    return env


def _optional(annotation: str, is_optional: bool) -> str:
    if not is_optional:
        return annotation
    from clientsmith.ir.schema_types import split_union

    suffix = "" if "None" in split_union(annotation) else " | None"
    return f"{annotation}{suffix} = None"


def _server_arguments(api: Api) -> list[tuple[str, str | None]]:
    """Constructor arguments for server variables: (name, default). The default stands in the signature only
    when every server has the variable with that same default; otherwise None means the chosen server's."""
    defaults: dict[str, set[str]] = {}
    counts: dict[str, int] = {}
    for server in api.servers:
        for var in server.variables:
            defaults.setdefault(var.python_name, set()).add(var.default)
            counts[var.python_name] = counts.get(var.python_name, 0) + 1
    return [
        (name, next(iter(values)) if len(values) == 1 and counts[name] == len(api.servers) else None)
        for name, values in defaults.items()
    ]


def _readme_examples(api: Api) -> dict[str, object]:
    """Arguments for the README's example: the first credentials an operation accepts, one call each."""
    names = {s.name: s.python_name for s in api.security_schemes}
    first = next((req.schemes for op in api.operations for req in op.security), ())
    client_args = [f'{names[n]}="..."' for n in first if n in names]
    unstable = sorted(op.method_name for op in api.operations if op.unstable)
    if unstable:
        client_args.append("unstable_operations={" + ", ".join(f'"{n}"' for n in unstable) + "}")
    calls = []
    full_calls = {}
    for resource in api.resources:
        for op in resource.operations:
            args = [p.example or f'"{p.python_name}"' for p in op.path_params]
            if op.body is not None and op.body.required:
                args.append("body={...}")
            calls.append((resource, op, args))
            full_calls[op.operation_id] = _example_call(resource.attribute, op)
    return {"example_client_args": client_args, "example_calls": calls, "unstable_names": unstable,
            "method_examples": full_calls}


def _example_call(attribute: str, op: Operation) -> str:
    """A call of the method with the spec's examples: path parameters, required parameters, the body."""
    args = [p.example or f'"{p.python_name}"' for p in op.path_params]
    args += [f"{p.python_name}={p.example or '...'}" for p in op.query_params + op.header_params + op.cookie_params
             if p.required]
    if op.body is not None and (op.body.required or op.body.example):
        args.append("body=" + (op.body.example or "{...}"))
    head = f"client.{attribute}.{op.method_name}("
    one_line = head + ", ".join(args) + ")"
    if len(one_line) <= 88 and "\n" not in one_line:
        return one_line
    return head + "\n" + "".join(textwrap.indent(arg, "    ") + ",\n" for arg in args) + ")"


def header_text(spec_source: str) -> str:
    """The first line of every generated file (as a comment in each file's syntax)."""
    return f"Generated by clientsmith from {spec_source}. Do not edit: change the spec or the templates and regenerate."


RESOURCE_TEMPLATE = "package/api/resource.py.jinja"
CLIENT_TEMPLATE = "package/_client.py.jinja"


def _file_templates(env: jinja2.Environment) -> list[str]:
    """Templates that become files: `.jinja` files under dist/ or package/, sorted."""
    return sorted(
        name for name in env.list_templates(extensions=["jinja"])
        if name.split("/", 1)[0] in ("dist", "package")
    )


def _display(path: str) -> str:
    """A template path as users name it: relative to the working folder when inside it."""
    try:
        return Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:  # outside the working folder: as Jinja found it
        return path


def _check_python(text: str, target: str, template: str) -> None:
    """A user's template must render valid Python; built-in ones are held to it by the tests."""
    try:
        ast.parse(text)
    except SyntaxError as exc:
        # The output line is what is known; the template's own line is not.
        raise TemplateError(template, 1, f"renders invalid Python: {target} line {exc.lineno}: {exc.msg}") from None


def _template_frame(exc: BaseException, template: str) -> tuple[str, int]:
    """Jinja rewrites tracebacks to point into templates: the innermost template frame is the culprit."""
    found = (template, 0)
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".jinja"):
            found = (_display(filename), tb.tb_lineno)
        tb = tb.tb_next
    return found


def render_package(api: Api, user_templates: Path | None = None, compiled_dir: Path | None = None) -> dict[str, str]:
    """Every file of the distribution except the models module, keyed by path relative to its folder;
    `compiled_dir` keeps the compiled templates for the next run."""
    env = make_environment(user_templates, compiled_dir)
    text = header_text(api.spec_source)
    common = {
        "api": api,
        "header": f"# {text}",
        "header_text": text,
        "flavors": FLAVORS,
        "credential_types": {
            s.name: _CREDENTIAL_TYPES[
                "apiKey" if s.kind == "apiKey" else "basic" if s.http_scheme == "basic" else "token"
            ]
            for s in api.security_schemes
        },
        # OAuth2 schemes with a client-credentials flow also take client_id= and client_secret=.
        "client_credentials": [
            (s, flow) for s in api.security_schemes for flow in s.flows if flow.kind == "clientCredentials"
        ][:1],
        "server_arguments": _server_arguments(api),
        "resource_lines": [f"- {r.module}: {r.class_name}, Async{r.class_name}" for r in api.resources],
        "credential_lines": [
            f"{s.python_name}: {s.kind} {s.name}" + (f" ({s.location} {s.parameter_name})" if s.kind == "apiKey" else "")
            for s in api.security_schemes
        ],
    }
    common.update(_readme_examples(api))
    pkg = api.package
    files: dict[str, str] = {}

    user_folder = user_templates.resolve() if user_templates is not None else None
    if user_templates is not None and user_templates.is_dir():
        check_override_blocks(env, user_templates, _display)

    def render(template: str, target: str, **extra: object) -> None:
        try:
            compiled = env.get_template(template)
            files[target] = compiled.render({**common, **extra})
        except jinja2.TemplateNotFound as exc:
            file, line = _template_frame(exc, template)
            raise TemplateError(file, line, f"template not found: {exc.name}") from None
        except jinja2.TemplateSyntaxError as exc:
            where = _display(exc.filename or exc.name or template)
            raise TemplateError(where, exc.lineno or 0, exc.message or str(exc)) from None
        except Exception as exc:  # a template's runtime error: located at the innermost template line
            file, line = _template_frame(exc, template)
            jinja_message = exc.message if isinstance(exc, jinja2.TemplateError) else None
            raise TemplateError(file, line, jinja_message or f"{type(exc).__name__}: {exc}") from None
        if target.endswith(".py") and user_folder is not None and compiled.filename is not None \
                and Path(compiled.filename).resolve().is_relative_to(user_folder):
            _check_python(files[target], target, _display(compiled.filename))

    # Every template under dist/ and package/, built-in or the user's, is a file of the same path; the
    # resource template is rendered once per resource.
    for template in _file_templates(env):
        if template == RESOURCE_TEMPLATE:
            for resource in api.resources:
                render(template, f"{pkg}/api/{resource.module}.py", resource=resource)
            continue
        folder, rest = template.split("/", 1)
        target = rest[: -len(".jinja")]
        render(template, f"{pkg}/{target}" if folder == "package" else target,
               **({"flavors": CLIENT_FLAVORS} if template == CLIENT_TEMPLATE else {}))
    return files
