"""`clientsmith init`: a `[[tool.clientsmith.clients]]` entry for one spec, appended to a pyproject.toml."""

from __future__ import annotations

import json
import os
from pathlib import Path

from clientsmith.config import ConfigError, load_targets, tomllib
from clientsmith.naming import package_name_problem


def init_client(pyproject: Path, spec: Path, package: str, distribution: str | None, output: Path | None) -> str:
    """Append the entry (creating the file if need be) and return it; refuse, writing nothing, when an entry
    already generates this package or into this folder (that would clobber its client), or the file does not
    read as TOML."""
    if reason := package_name_problem(package):
        raise ConfigError(f"--package {package!r} {reason}")
    if not spec.exists():
        raise ConfigError(f"{spec}: no such file or folder")
    distribution = distribution or package.replace("_", "-")
    root = pyproject.resolve().parent
    output = output if output is not None else root / "generated" / distribution
    entry = _entry(_relative(spec, root), package, distribution, _relative(output, root))
    text = pyproject.read_text(encoding="utf-8") if pyproject.exists() else ""
    try:
        settings = tomllib.loads(text).get("tool", {}).get("clientsmith", {})
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{pyproject}: {exc}") from None
    clients = settings.get("clients") if isinstance(settings, dict) else None
    if isinstance(clients, list) and clients:
        for target in load_targets(pyproject):
            if target.package == package or target.output.resolve() == (root / _relative(output, root)).resolve():
                raise ConfigError(f"{pyproject}: [tool.clientsmith] already has a client for package "
                                  f"{target.package!r} in {_relative(target.output, root)}: edit that entry instead")
    joined = text + ("\n" if text and not text.endswith("\n") else "") + ("\n" if text else "") + entry
    try:
        load_targets_from(joined, pyproject)
    except (tomllib.TOMLDecodeError, ConfigError) as exc:  # e.g. `clients = [...]` written inline
        raise ConfigError(f"{pyproject}: cannot add a [[tool.clientsmith.clients]] entry to it ({exc}); "
                          f"add this by hand:\n{entry}") from None
    temp = pyproject.with_name(f".{pyproject.name}.clientsmith-tmp")
    temp.write_text(joined, encoding="utf-8")
    os.replace(temp, pyproject)
    return entry


def load_targets_from(text: str, pyproject: Path) -> None:
    """The entries `text` would give, checked as `generate` checks them, before it replaces the file."""
    probe = pyproject.with_name(f".{pyproject.name}.clientsmith-probe")
    try:
        probe.write_text(text, encoding="utf-8")
        load_targets(probe)
    finally:
        probe.unlink(missing_ok=True)


def _relative(path: Path, root: Path) -> str:
    """As the config names paths: relative to its folder, with forward slashes."""
    return Path(os.path.relpath(path.resolve(), root)).as_posix()


def _entry(spec: str, package: str, distribution: str, output: str) -> str:
    quote = json.dumps  # a TOML basic string is a JSON string
    return (f"[[tool.clientsmith.clients]]\nspec = {quote(spec)}\npackage = {quote(package)}\n"
            f"distribution = {quote(distribution)}\noutput = {quote(output)}\n")
