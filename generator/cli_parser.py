"""The command line's arguments: one subcommand each, flags shared where the commands share them."""

from __future__ import annotations

import argparse
from pathlib import Path

from clientsmith import __version__
from clientsmith.cache import DEFAULT_DIR as DEFAULT_CACHE_DIR
from clientsmith.config import MODELS_LAYOUTS, SPLIT_MODELS_OVER
from clientsmith.diff.report import FORMATS
from clientsmith.output.edits import EDIT_MODES, MERGE


def build_parser() -> argparse.ArgumentParser:
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
    init = sub.add_parser("init", help="add a [[tool.clientsmith.clients]] entry for a spec to pyproject.toml")
    init.add_argument("--spec", type=Path, required=True, help="a spec file or a folder of fragments")
    init.add_argument("--package", required=True, help="import name of the generated package")
    init.add_argument("--distribution", help="pip name (default from --package)")
    init.add_argument("--output", type=Path, help="output folder (default: generated/DISTRIBUTION beside the config)")
    init.add_argument("--config", type=Path, default=Path("pyproject.toml"),
                      help="the pyproject.toml to add it to (default: ./pyproject.toml, created if need be)")
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
    diff.add_argument("old", type=Path, nargs="?", help="the spec before: a file or a folder of fragments")
    diff.add_argument("new", type=Path, nargs="?", help="the spec after")
    diff.add_argument("--last", action="store_true",
                      help="instead of two specs: what the last `generate` that changed the API changed, for each "
                      "configured client (or the one in --output)")
    diff.add_argument("--output", type=Path, help="with --last: the generated client's folder")
    diff.add_argument("--config", type=Path, help="with --last: pyproject.toml with [tool.clientsmith] (default: "
                      "the nearest one)")
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
