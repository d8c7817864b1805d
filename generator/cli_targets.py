"""What a command's flags select: the clients, the config, the folder paths are named from, the cache."""

from __future__ import annotations

import argparse
import os
import shlex
from dataclasses import replace
from pathlib import Path

from clientsmith.cache import DEFAULT_DIR as DEFAULT_CACHE_DIR
from clientsmith.cache import Cache, NoCache, user_cache_dir
from clientsmith.config import ClientTarget, ConfigError, load_targets
from clientsmith.naming import package_name_problem
from clientsmith.problems import Problem


def targets(args: argparse.Namespace) -> list[ClientTarget]:
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


def find_config(start: Path) -> Path:
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


def base_folder(args: argparse.Namespace) -> Path:
    """Messages, file headers and the manifest name spec paths relative to this folder: the config's, or with
    --spec the folder holding the output; never the current folder, so output is the same from anywhere."""
    if getattr(args, "spec", None) is not None and getattr(args, "output", None) is not None:
        # A spec in another tree than the output is named by its absolute path (spec/bundle.display_path).
        return args.output.resolve().parent
    if getattr(args, "spec", None) is None and hasattr(args, "config"):
        return args.config.resolve().parent
    return Path.cwd()


def from_here(problem: object, args: argparse.Namespace) -> object:
    """With --spec, a problem's file named from the current folder, as the user named the spec (the
    stable base that output uses need not be where they are)."""
    if not isinstance(problem, Problem) or getattr(args, "spec", None) is None:
        return problem
    from clientsmith.spec.bundle import display_path

    return replace(problem, file=display_path(base_folder(args) / problem.file, Path.cwd()))


def cache_for(args: argparse.Namespace) -> Cache:
    if args.no_cache:
        return NoCache()
    folder = args.cache_dir or os.environ.get("CLIENTSMITH_CACHE_DIR")
    if folder:
        return Cache(Path(folder))
    # Beside the config or the output (never in the current folder); `diff` has neither: the user's cache folder.
    if args.command == "diff":
        return Cache(user_cache_dir())
    return Cache(base_folder(args) / DEFAULT_CACHE_DIR)


def generate_command(args: argparse.Namespace) -> str:
    """The `generate` command matching the flags `check` was given (its own flags are generate's too)."""
    argv = list(args.argv)
    argv[argv.index("check")] = "generate"
    return shlex.join(["clientsmith", *argv])
