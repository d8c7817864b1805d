"""The `clientsmith` command line. Exit codes: 0 ok, 1 spec problems or stale output, 2 usage or I/O."""

from __future__ import annotations

import argparse
import difflib
import json
import os
import shlex
import sys
from dataclasses import replace
from pathlib import Path

from clientsmith import __version__
from clientsmith.cache import DEFAULT_DIR as DEFAULT_CACHE_DIR
from clientsmith.cache import Cache, NoCache, user_cache_dir
from clientsmith.diff.report import FORMATS
from clientsmith.config import MODELS_LAYOUTS, SPLIT_MODELS_OVER, ClientTarget, ConfigError, load_targets
from clientsmith.gc_policy import batch_collection
from clientsmith.naming import package_name_problem
from clientsmith.problems import Problem, SpecError, SpecMissing, TemplateError
from clientsmith.progress import Progress
from clientsmith.output.edits import EDIT_MODES, MERGE
from clientsmith.output.write import OutputConflict

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="clientsmith", description="Typed Python API clients from OpenAPI specs.")
    parser.add_argument("--version", action="version", version=f"clientsmith {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for internal errors")
    sub = parser.add_subparsers(dest="command", required=True)

    def add_target_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("--config", type=Path, help="pyproject.toml with [tool.clientsmith] (default: the nearest one "
                       "in this folder or a parent)")
        p.add_argument("--spec", type=Path, help="a spec file or a folder of fragments (instead of the config)")
        p.add_argument("--package", help="import name of the generated package (with --spec)")
        p.add_argument("--distribution", help="pip name (with --spec; default from --package)")
        p.add_argument("--output", type=Path, help="output folder (with --spec)")
        p.add_argument("--templates", type=Path, help="folder of templates layered over the built-in ones")
        p.add_argument("--no-cache", action="store_true",
                       help="compute everything: neither the cache nor the committed output's record is used")
        p.add_argument("--lenient", action="store_true",
                       help="report OpenAPI schema violations as warnings and generate anyway")
        p.add_argument("--allow-remote-refs", action="store_true", help="fetch and follow http(s) $refs")
        p.add_argument("--models", choices=MODELS_LAYOUTS,
                       help=f"models.py, or a models/ package loading each model on first use (auto: the package "
                       f"past {SPLIT_MODELS_OVER} models)")
        p.add_argument("--cache-dir", type=Path, help=f"cache folder (default: {DEFAULT_CACHE_DIR} beside the config, "
                       "or $CLIENTSMITH_CACHE_DIR)")
        add_overlay_arg(p)

    def add_overlay_arg(p: argparse.ArgumentParser, flag: str = "--overlay", dest: str = "overlay",
                        text: str = "an Overlay 1.0 file applied after merging (repeatable: in order; after the "
                        "configured ones)") -> None:
        p.add_argument(flag, dest=dest, type=Path, action="append", default=[], metavar="FILE", help=text)

    generate = sub.add_parser("generate", help="regenerate every configured client, or one given by --spec")
    add_target_args(generate)
    generate.add_argument("--edits", choices=EDIT_MODES, default=MERGE,
                          help="hand edits to generated files: merged into the new output, refusing to write on a "
                          "conflict (merge, the default), written with conflict markers (markers), or dropped (discard)")
    add_target_args(sub.add_parser("check", help="exit 1 with a diff when generated output is stale"))
    validate = sub.add_parser("validate", help="validate specs and list every problem")
    validate.add_argument("specs", nargs="*", type=Path, help="spec files or folders (default: the configured ones)")
    validate.add_argument("--lenient", action="store_true", help="report OpenAPI schema violations as warnings")
    validate.add_argument("--allow-remote-refs", action="store_true", help="fetch and follow http(s) $refs")
    validate.add_argument("--config", type=Path)
    add_overlay_arg(validate)
    ir = sub.add_parser("ir", help="print the intermediate representation templates see, as JSON")
    ir.add_argument("spec", type=Path)
    ir.add_argument("--package", default="client")
    ir.add_argument("--distribution", help="pip name (default from --package)")
    add_overlay_arg(ir)
    diff = sub.add_parser("diff", help="what changes for callers of the generated client between two specs")
    diff.add_argument("old", type=Path, help="the spec before: a file or a folder of fragments")
    diff.add_argument("new", type=Path, help="the spec after")
    diff.add_argument("--package", default="client", help="import name of the generated package")
    diff.add_argument("--distribution", help="pip name (default from --package)")
    diff.add_argument("--models", choices=MODELS_LAYOUTS, help="models layout (the models' Python names are the same)")
    diff.add_argument("--format", choices=FORMATS, default="text")
    diff.add_argument("--fail-on", choices=("breaking",), help="exit 1 when a change of this kind is found")
    diff.add_argument("--lenient", action="store_true", help="report OpenAPI schema violations as warnings")
    diff.add_argument("--allow-remote-refs", action="store_true", help="fetch and follow http(s) $refs")
    diff.add_argument("--no-cache", action="store_true", help="ignore and do not fill the cache")
    diff.add_argument("--cache-dir", type=Path, help="cache folder")
    add_overlay_arg(diff, text="an Overlay 1.0 file applied to both specs (repeatable: in order)")
    add_overlay_arg(diff, "--old-overlay", "old_overlay", "applied to OLD instead of the --overlay files")
    add_overlay_arg(diff, "--new-overlay", "new_overlay", "applied to NEW instead of the --overlay files")
    bundle = sub.add_parser("bundle", help="write the merged single-file spec")
    bundle.add_argument("spec", type=Path)
    bundle.add_argument("-o", "--output", type=Path, required=True)
    bundle.add_argument("--lenient", action="store_true", help="report OpenAPI schema violations as warnings")
    bundle.add_argument("--allow-remote-refs", action="store_true", help="fetch and follow http(s) $refs")
    add_overlay_arg(bundle)
    verify = sub.add_parser("verify", help="check recorded HTTP traffic (HAR, VCR cassettes) against a spec")
    verify.add_argument("spec", nargs="?", type=Path, help="a spec file or folder (default: every configured client)")
    verify.add_argument("--config", type=Path, default=Path("pyproject.toml"))
    verify.add_argument("--traffic", type=Path, nargs="+", action="extend", required=True,
                        help="HAR files, VCR cassettes, or folders of them")
    verify.add_argument("--format", choices=("text", "json"), default="text")
    verify.add_argument("--fail-on", choices=("mismatch", "undocumented", "any"),
                        help="exit 1 when a finding of this kind is found")
    verify.add_argument("--ignore", choices=("additional",), action="append", default=[],
                        help="leave out undocumented fields of bodies")
    verify.add_argument("--write-overlay", type=Path, metavar="FILE",
                        help="write an Overlay 1.0 document with the changes that settle the simple findings")
    add_overlay_arg(verify)
    return parser


def _targets(args: argparse.Namespace) -> list[ClientTarget]:
    if args.spec is not None:
        if not args.package or not args.output:
            raise ConfigError("--spec needs --package and --output")
        if reason := package_name_problem(args.package):
            raise ConfigError(f"--package {args.package!r} {reason}")
        return [
            ClientTarget(
                spec=args.spec,
                package=args.package,
                distribution=args.distribution or args.package.replace("_", "-"),
                output=args.output,
                templates=args.templates,
                lenient=args.lenient,
                allow_remote_refs=args.allow_remote_refs,
                models=args.models or "auto",
                overlays=tuple(args.overlay),
            )
        ]
    targets = load_targets(args.config)
    if args.templates is not None:
        targets = [replace(t, templates=args.templates) for t in targets]
    if args.lenient:
        targets = [replace(t, lenient=True) for t in targets]
    if args.allow_remote_refs:
        targets = [replace(t, allow_remote_refs=True) for t in targets]
    if args.models:
        targets = [replace(t, models=args.models) for t in targets]
    if args.overlay:
        targets = [replace(t, overlays=t.overlays + tuple(args.overlay)) for t in targets]
    return targets


def _find_config(start: Path) -> Path:
    """The nearest pyproject.toml with a [tool.clientsmith] table, from `start` up, as other tools look;
    else the nearest pyproject.toml, else ./pyproject.toml (whose error then says what is missing)."""
    nearest = None
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            nearest = nearest or candidate
            if "[tool.clientsmith" in candidate.read_text(encoding="utf-8", errors="replace"):
                return Path(os.path.relpath(candidate, start))  # paths in messages stay as short as before
    return Path(os.path.relpath(nearest, start)) if nearest else Path("pyproject.toml")


def _base(args: argparse.Namespace) -> Path:
    """Messages, file headers and the manifest name spec paths relative to this folder: the config's, or with
    --spec the folder holding the output; never the current folder, so output is the same from anywhere."""
    if getattr(args, "spec", None) is not None and getattr(args, "output", None) is not None:
        folder, spec = args.output.resolve().parent, args.spec.resolve()
        # A spec and output in unrelated trees have no stable relative name: named as given, as before.
        return folder if Path(os.path.commonpath([folder, spec])) != Path(spec.anchor) else Path.cwd()
    if getattr(args, "spec", None) is None and hasattr(args, "config"):
        return args.config.resolve().parent
    return Path.cwd()


def _from_here(problem: object, args: argparse.Namespace) -> object:
    """With --spec, a problem's file named from the current folder, as the user named the spec (the
    stable base that output uses need not be where they are)."""
    if not isinstance(problem, Problem) or getattr(args, "spec", None) is None:
        return problem
    from clientsmith.spec.bundle import display_path

    return replace(problem, file=display_path(_base(args) / problem.file, Path.cwd()))


def _cache(args: argparse.Namespace) -> Cache:
    if args.no_cache:
        return NoCache()
    folder = args.cache_dir or os.environ.get("CLIENTSMITH_CACHE_DIR")
    if folder:
        return Cache(Path(folder))
    # Beside the config or the output; `diff` has neither, so the user's cache folder.
    return Cache(user_cache_dir() if not hasattr(args, "config") else _base(args) / DEFAULT_CACHE_DIR)


def _generate_command(args: argparse.Namespace) -> str:
    """The `generate` command matching the flags `check` was given (its own flags are generate's too)."""
    argv = list(args.argv)
    argv[argv.index("check")] = "generate"
    return shlex.join(["clientsmith", *argv])


def cmd_generate(args: argparse.Namespace) -> int:
    from clientsmith.diff.compare import comparable, compare
    from clientsmith.diff.report import summary_line
    from clientsmith.pipeline import build_package
    from clientsmith.output.edits import outcome, plan_edits
    from clientsmith.output.write import previous_api, write_package

    targets = _targets(args)
    cache = _cache(args)
    # Build every client before writing any, so that one bad spec leaves all output as it was.
    built = []
    for target in targets:
        progress = Progress(target.distribution)
        try:
            built.append((target, build_package(target, _base(args), cache, progress, reuse=not args.no_cache)))
        finally:
            progress.finish()
    # Hand edits merged into every client before writing any: one conflict leaves all output as it was.
    plans = [plan_edits(target.output, package.files, args.edits) for target, package in built]
    if any(plan.refused for plan in plans):
        return _refuse_conflicts([(target.output, plan) for (target, _), plan in zip(built, plans)])
    for (target, package), plan in zip(built, plans):
        for warning in package.warnings:
            print(_from_here(warning, args), file=sys.stderr)
        before = previous_api(target.output)
        summary = write_package(target.output, plan.files, frozenset(plan.keep))
        print(summary.line(target.distribution))
        for edited in plan.edited:
            print(outcome(target.output, edited, plan.mode))
        if inferred := _inferred_paging(package.surface):
            print(f"{target.distribution}: paging inferred for {inferred} (`paging = \"declared\"` turns this off)")
        report = compare(before, package.surface) if before and comparable(before, package.surface) else None
        if report is not None and report.changes:  # what the regeneration changes for callers
            print(summary_line(target.distribution, report))
    return EXIT_OK


def _refuse_conflicts(plans: list) -> int:
    """Name each conflicting edit, file and lines, with the user's and the new text; nothing was written."""
    from clientsmith.output.edits import conflict_report

    files = 0
    for output, plan in plans:
        for edited in plan.conflicted:
            files += 1
            for line in conflict_report(output, edited):
                print(line, file=sys.stderr)
    print(f"clientsmith: nothing written: hand edits in {files} file(s) conflict with the regenerated code; "
          "resolve them in the files, or rerun with --edits=markers (conflict markers written into the files) "
          "or --edits=discard (your edits dropped)", file=sys.stderr)
    return EXIT_PROBLEMS


def _inferred_paging(surface: dict) -> str:
    """"3 methods: 2 cursor, 1 offset" for the paged methods inference found; "" when none."""
    styles: dict[str, int] = {}
    for resource in surface.get("resources", {}).values():
        for method in resource["methods"].values():
            paging = method.get("features", {}).get("pagination")
            if paging and paging.get("source") == "inferred":
                styles[paging["style"]] = styles.get(paging["style"], 0) + 1
    counts = ", ".join(f"{n} {style}" for style, n in sorted(styles.items(), key=lambda kv: (-kv[1], kv[0])))
    return f"{sum(styles.values())} method{'s' if sum(styles.values()) != 1 else ''}: {counts}" if styles else ""


def cmd_check(args: argparse.Namespace) -> int:
    from clientsmith.output.base import BASE, same_base
    from clientsmith.output.edits import conflict_report, plan_edits, unresolved_markers
    from clientsmith.pipeline import build_package
    from clientsmith.diff.compare import comparable, compare
    from clientsmith.diff.report import summary_line
    from clientsmith.output.write import MANIFEST, owned_files, previous_api

    stale = unmerged = False
    cache = _cache(args)
    for target in _targets(args):
        package = build_package(target, _base(args), cache, reuse=not args.no_cache)
        # First what regenerating changes for callers, then the code, then the manifest in one line.
        before = previous_api(target.output)
        report = compare(before, package.surface) if before and comparable(before, package.surface) else None
        if report is not None and report.changes:
            print(summary_line(target.distribution, report))
        # Hand edits that merge cleanly are not stale: what `generate` would write is the merge.
        edits = plan_edits(target.output, package.files)
        expected = edits.files
        for edited in edits.edited:
            if edited.conflicts:
                unmerged = True
                print("\n".join(conflict_report(target.output, edited)))
            elif markers := unresolved_markers(expected[edited.rel]):
                unmerged = True
                print(f"{(target.output / edited.rel).as_posix()}:{markers[0]}: conflict markers still stand "
                      f"(lines {', '.join(map(str, markers))}): resolve them, then run check again")
            else:
                print(f"{(target.output / edited.rel).as_posix()}: edited by hand; the edits merge cleanly")
        conflicted = {edited.rel for edited in edits.conflicted}
        present = owned_files(target.output) | set(expected)
        for rel in sorted(present - conflicted, key=lambda rel: (rel in (BASE, MANIFEST), rel)):
            path = target.output / rel
            old = path.read_bytes() if path.is_file() else b""
            new = expected.get(rel, b"")
            if old == new or (rel == BASE and same_base(old, new)):
                continue
            stale = True
            label = (target.output / rel).as_posix()
            if rel == BASE:  # compressed: a diff of its bytes says nothing
                print(f"{label}: not the record of the generated files that `generate` would write")
                continue
            if rel == MANIFEST:  # hundreds of lines of hashes say nothing either
                changed = sum(1 for a, b in zip(old.splitlines(), new.splitlines()) if a != b)
                print(f"{label}: the record of the generated files differs ({changed} line(s) of hashes and "
                      "names); `generate` rewrites it")
                continue
            diff = difflib.unified_diff(
                old.decode("utf-8", "replace").splitlines(keepends=True),
                new.decode("utf-8", "replace").splitlines(keepends=True),
                fromfile=f"{label} (on disk)" if path.is_file() else "/dev/null",
                tofile=f"{label} (regenerated)" if rel in expected else "/dev/null",
            )
            sys.stdout.writelines(diff)
        if not stale and not unmerged:
            print(f"{target.distribution}: up to date")
    if stale:
        print(f"generated output is stale: run `{_generate_command(args)}`", file=sys.stderr)
    if unmerged:
        print("hand edits conflict with the regenerated code: resolve them (`clientsmith generate --edits=markers` "
              "marks them in the files)", file=sys.stderr)
    return EXIT_PROBLEMS if stale or unmerged else EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    from clientsmith.spec.merge import load_spec
    from clientsmith.spec.overlay import apply_overlays
    from clientsmith.spec.remote_refs import RemoteDocuments
    from clientsmith.spec.validate import validate

    from clientsmith.ir.webhook_signature import signature_problems
    from clientsmith.ir.webhooks import webhooks_section

    overlays = tuple(args.overlay)
    specs = ([(s, overlays, None) for s in args.specs] if args.specs
             else [(t.spec, t.overlays + overlays, t.webhook_signature) for t in load_targets(args.config)])
    base = args.config.resolve().parent if not args.specs else Path.cwd()
    failed = False
    for spec_path, spec_overlays, signature in specs:
        try:
            remote = RemoteDocuments() if args.allow_remote_refs else None
            spec = load_spec(spec_path, base, keep_going=True, remote=remote)
            apply_overlays(spec, spec_overlays, base, args.lenient)
            problems = spec.problems + validate(spec, args.lenient)
            if webhooks_section(spec.document) is not None:  # how its webhooks are signed must be a scheme
                problems += signature_problems(spec, signature)
            problems = sorted(set(problems))
        except SpecError as exc:
            problems = exc.problems
        for problem in problems:
            print(problem)
        if any(p.level == "error" for p in problems):
            failed = True
        else:
            print(f"{spec_path.as_posix()}: valid")
    return EXIT_PROBLEMS if failed else EXIT_OK


def cmd_ir(args: argparse.Namespace) -> int:
    from clientsmith.ir.nodes import to_json_data
    from clientsmith.pipeline import build_api, load_and_validate

    spec, _ = load_and_validate(args.spec, overlays=tuple(args.overlay))
    api, _ = build_api(spec, args.package, args.distribution or args.package.replace("_", "-"))
    json.dump(to_json_data(api), sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    return EXIT_OK


def cmd_diff(args: argparse.Namespace) -> int:
    from clientsmith.diff.compare import compare
    from clientsmith.diff.report import render
    from clientsmith.pipeline import spec_surface

    cache = _cache(args)
    distribution = args.distribution or args.package.replace("_", "-")
    specs, surfaces = [], []
    overlays = {"old": args.old_overlay or args.overlay, "new": args.new_overlay or args.overlay}
    for side, path in (("old", args.old), ("new", args.new)):
        try:
            spec, surface = spec_surface(path, args.package, distribution, Path.cwd(), cache, args.lenient,
                                         args.allow_remote_refs, tuple(overlays[side]))
        except SpecError as exc:
            return _diff_failed(args, side, exc)
        specs.append(spec)
        surfaces.append(surface)
    report = compare(*surfaces)

    def locate(side: str, ptr: str) -> str:
        file, line = specs[0 if side == "old" else 1].locate(ptr)
        return f"{file}:{line}"

    sys.stdout.write(render(report, args.format, distribution, locate))
    return EXIT_PROBLEMS if args.fail_on == "breaking" and report.breaking else EXIT_OK


def _diff_failed(args: argparse.Namespace, side: str, exc: SpecError) -> int:
    """A spec that does not load: said on stderr, or as JSON with --format json. With --fail-on, exit 2, so
    that CI tells "no report" from "breaking changes" (exit 1)."""
    if args.format == "json":
        problems = [{"file": p.file, "line": p.line, "pointer": p.pointer or "/", "message": p.message,
                     "level": p.level} for p in exc.problems]
        json.dump({"error": f"the {side} spec does not load", "problems": problems}, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
    return EXIT_USAGE if args.fail_on else EXIT_PROBLEMS


def cmd_bundle(args: argparse.Namespace) -> int:
    import yaml

    from clientsmith.pipeline import load_and_validate

    spec, warnings = load_and_validate(args.spec, lenient=args.lenient, allow_remote_refs=args.allow_remote_refs,
                                       overlays=tuple(args.overlay))
    for warning in warnings:
        print(warning, file=sys.stderr)
    text = (
        json.dumps(spec.document, indent=2, ensure_ascii=False) + "\n"
        if args.output.suffix == ".json"
        else yaml.safe_dump(spec.document, sort_keys=False, allow_unicode=True, width=120)
    )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    temp = args.output.with_name(args.output.name + ".tmp")
    temp.write_text(text, encoding="utf-8")
    temp.replace(args.output)
    return EXIT_OK


def cmd_verify(args: argparse.Namespace) -> int:
    from clientsmith.verify.command import run_verify

    given = tuple(args.overlay)
    if args.spec is not None:
        specs, base = [(args.spec, given)], Path.cwd()
    else:
        specs = [(t.spec, t.overlays + given) for t in load_targets(args.config)]
        base = args.config.resolve().parent
    output, failed = run_verify(specs, base, args.traffic, args.format, args.fail_on, frozenset(args.ignore),
                                args.write_overlay)
    sys.stdout.write(output)
    return EXIT_PROBLEMS if failed else EXIT_OK


COMMANDS = {
    "generate": cmd_generate,
    "check": cmd_check,
    "validate": cmd_validate,
    "ir": cmd_ir,
    "diff": cmd_diff,
    "bundle": cmd_bundle,
    "verify": cmd_verify,
}


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    args.argv = list(sys.argv[1:] if argv is None else argv)
    if getattr(args, "config", False) is None:
        args.config = _find_config(Path.cwd())
    try:
        with batch_collection():
            return COMMANDS[args.command](args)
    except BrokenPipeError:  # `clientsmith ir ... | head`: the reader has all it wanted
        _silence_stdout()
        return EXIT_OK
    except SpecMissing as exc:  # a file-system error, not a problem in a spec
        for problem in exc.problems:
            print(_from_here(problem, args), file=sys.stderr)
        return EXIT_USAGE
    except SpecError as exc:
        for problem in exc.problems:
            print(_from_here(problem, args), file=sys.stderr)
        return EXIT_PROBLEMS
    except TemplateError as exc:
        print(exc, file=sys.stderr)
        return EXIT_PROBLEMS
    except (ConfigError, OutputConflict) as exc:
        print(f"clientsmith: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:  # the output folder, not the spec: nothing was swapped in
        print(f"clientsmith: cannot write {exc.filename or 'output'}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:  # a bug in clientsmith, not in the spec
        if args.debug:
            raise
        print(f"clientsmith: internal error: {type(exc).__name__}: {exc} (rerun with --debug for a traceback)",
              file=sys.stderr)
        return 3


def _silence_stdout() -> None:
    """Point stdout at devnull so that the interpreter's final flush does not fail on the closed pipe."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
