"""The `clientsmith` command line. Exit codes: 0 ok, 1 spec problems or stale output, 2 usage or I/O,
3 an internal error (a bug in clientsmith)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from clientsmith.cli_parser import build_parser
from clientsmith.cli_targets import base_folder, cache_for, find_config, from_here, targets
from clientsmith.config import ConfigError, load_targets
from clientsmith.gc_policy import batch_collection
from clientsmith.naming import package_name_problem
from clientsmith.problems import SpecError, SpecMissing, TemplateError
from clientsmith.progress import Progress
from clientsmith.output.write import OutputConflict

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


def cmd_generate(args: argparse.Namespace) -> int:
    from clientsmith.diff.compare import comparable, compare
    from clientsmith.diff.last import save_last
    from clientsmith.diff.report import summary_line
    from clientsmith.pipeline import build_package
    from clientsmith.output.edits import outcome, plan_edits
    from clientsmith.output.write import previous_api, write_package

    chosen = targets(args)
    cache = cache_for(args)
    # Build every client before writing any, so that one bad spec leaves all output as it was.
    built = []
    for target in chosen:
        progress = Progress(target.distribution)
        try:
            built.append((target, build_package(target, base_folder(args), cache, progress, reuse=not args.no_cache)))
        finally:
            progress.finish()
    # Hand edits merged into every client before writing any: one conflict leaves all output as it was.
    plans = [plan_edits(target.output, package.files, args.edits) for target, package in built]
    if any(plan.refused for plan in plans):
        return _refuse_conflicts([(target.output, plan) for (target, _), plan in zip(built, plans)])
    for (target, package), plan in zip(built, plans):
        for warning in package.warnings:
            print(from_here(warning, args), file=sys.stderr)
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
            save_last(target.output, target.distribution, report)
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
    from clientsmith.check_command import run_check

    return run_check(args)


def cmd_init(args: argparse.Namespace) -> int:
    from clientsmith.init_config import init_client

    entry = init_client(args.config, args.spec, args.package, args.distribution, args.output)
    print(f"{args.config.as_posix()}: added\n\n{entry}\nnext: `clientsmith generate`, then commit the output")
    return EXIT_OK


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
    failed = missing = False
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
            missing = missing or isinstance(exc, SpecMissing)  # a file-system error: exit 2
        for problem in problems:
            print(problem)
        if any(p.level == "error" for p in problems):
            failed = True
        else:
            print(f"{spec_path.as_posix()}: valid")
    return EXIT_USAGE if missing else EXIT_PROBLEMS if failed else EXIT_OK


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

    if args.last:
        return _last_reports(args)
    if args.old is None or args.new is None:
        raise ConfigError("diff needs OLD and NEW specs, or --last")
    cache = cache_for(args)
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


def _last_reports(args: argparse.Namespace) -> int:
    """The report each configured client's (or --output's) last regeneration kept."""
    from clientsmith.diff.last import LAST_REPORT, load_last
    from clientsmith.diff.report import render

    if args.old is not None:
        raise ConfigError("--last takes no specs: it reads the report the last `generate` kept")
    outputs = [args.output] if args.output is not None else [t.output for t in load_targets(args.config)]
    breaking, reported = False, False
    for output in outputs:
        kept = load_last(output)
        if kept is None:
            print(f"{output.as_posix()}: no change report ({LAST_REPORT}): no regeneration here has changed the API",
                  file=sys.stderr)
            continue
        distribution, report = kept
        sys.stdout.write(render(report, args.format, distribution))
        breaking, reported = breaking or bool(report.breaking), True
    if not reported:  # exit 2 (no report), which CI tells from 0 (no breaking change) and 1 (breaking changes)
        return EXIT_USAGE
    return EXIT_PROBLEMS if args.fail_on == "breaking" and breaking else EXIT_OK


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
    return EXIT_USAGE if args.fail_on or isinstance(exc, SpecMissing) else EXIT_PROBLEMS


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
    "init": cmd_init,
    "validate": cmd_validate,
    "ir": cmd_ir,
    "diff": cmd_diff,
    "bundle": cmd_bundle,
    "verify": cmd_verify,
}


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    args.argv = list(sys.argv[1:] if argv is None else argv)
    if args.command in ("ir", "diff") and (reason := package_name_problem(args.package)):
        print(f"clientsmith: --package {args.package!r} {reason}", file=sys.stderr)
        return EXIT_USAGE
    if getattr(args, "config", False) is None:
        args.config = find_config(Path.cwd())
    try:
        with batch_collection():
            return COMMANDS[args.command](args)
    except BrokenPipeError:  # `clientsmith ir ... | head`: the reader has all it wanted
        _silence_stdout()
        return EXIT_OK
    except SpecMissing as exc:  # a file-system error, not a problem in a spec
        for problem in exc.problems:
            print(from_here(problem, args), file=sys.stderr)
        return EXIT_USAGE
    except SpecError as exc:
        for problem in exc.problems:
            print(from_here(problem, args), file=sys.stderr)
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
        return EXIT_INTERNAL


def _silence_stdout() -> None:
    """Point stdout at devnull so that the interpreter's final flush does not fail on the closed pipe."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
