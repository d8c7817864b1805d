"""`[tool.clientsmith]` in pyproject.toml: the bundled clients that `clientsmith generate` regenerates."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from clientsmith.naming import package_name_problem

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


@dataclass(frozen=True)
class SignatureConfig:
    """`webhook_signature = {...}` as written, and where: problems in it are reported there."""

    value: object
    file: str  # pyproject.toml as the user names it
    line: int
    pointer: str  # e.g. /tool/clientsmith/clients/0/webhook_signature


@dataclass(frozen=True)
class ClientTarget:
    spec: Path
    package: str
    distribution: str
    output: Path
    templates: Path | None = None
    lenient: bool = False  # schema-validation problems are warnings, not errors
    allow_remote_refs: bool = False  # follow http(s) $refs
    models: str = "auto"  # one of MODELS_LAYOUTS
    overlays: tuple[Path, ...] = ()  # Overlay 1.0 files applied in order after merging (spec/overlay.py)
    paging: str = "inferred"  # one of PAGING_MODES: "declared" turns paging inference off
    webhook_signature: SignatureConfig | None = None  # how webhooks are signed, when not Standard Webhooks


# "module": one models.py; "package": a models/ package loading each model on first use; "auto": the
# package once a spec has more than SPLIT_MODELS_OVER models.
MODELS_LAYOUTS = ("auto", "module", "package")
PAGING_MODES = ("inferred", "declared")
SPLIT_MODELS_OVER = 500


class ConfigError(Exception):
    pass


def load_targets(pyproject: Path) -> list[ClientTarget]:
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{pyproject}: cannot read: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{pyproject}: {exc}") from None
    settings = data.get("tool", {}).get("clientsmith", {})
    clients = settings.get("clients", [])
    if not clients:
        raise ConfigError(f"{pyproject}: no [[tool.clientsmith.clients]] entries")
    root = pyproject.parent
    lines = _signature_lines(pyproject)
    targets = []
    for index, entry in enumerate(clients):
        missing = [k for k in ("spec", "package", "output") if not isinstance(entry.get(k), str)]
        if missing:
            raise ConfigError(f"{pyproject}: tool.clientsmith.clients[{index}] lacks {', '.join(missing)}")
        package = entry["package"]
        models = entry.get("models", "auto")
        if models not in MODELS_LAYOUTS:
            raise ConfigError(f"{pyproject}: tool.clientsmith.clients[{index}].models must be one of {', '.join(MODELS_LAYOUTS)}")
        paging = entry.get("paging", settings.get("paging", "inferred"))
        if paging not in PAGING_MODES:
            raise ConfigError(f"{pyproject}: tool.clientsmith paging must be one of {', '.join(PAGING_MODES)}")
        if reason := package_name_problem(package):
            raise ConfigError(f"{pyproject}: tool.clientsmith.clients[{index}].package {package!r} {reason}")
        overlays = entry.get("overlays", [])
        if not isinstance(overlays, list) or not all(isinstance(o, str) for o in overlays):
            raise ConfigError(f"{pyproject}: tool.clientsmith.clients[{index}].overlays must be a list of file paths")
        targets.append(
            ClientTarget(
                spec=root / entry["spec"],
                package=package,
                distribution=entry.get("distribution") or package.replace("_", "-"),
                output=root / entry["output"],
                templates=root / entry["templates"] if entry.get("templates") else None,
                lenient=entry.get("lenient") is True,
                allow_remote_refs=entry.get("allow_remote_refs") is True,
                models=models,
                overlays=tuple(root / o for o in overlays),
                paging=paging,
                webhook_signature=_signature(pyproject, settings, entry, index, lines),
            )
        )
    return targets


SIGNATURE_KEY = "webhook_signature"


def _signature(pyproject: Path, settings: dict, entry: dict, index: int, lines: dict[int | None, int]) -> SignatureConfig | None:
    """The client's `webhook_signature`, else the one for every client."""
    for value, where, pointer in ((entry.get(SIGNATURE_KEY), index, f"/tool/clientsmith/clients/{index}"),
                                  (settings.get(SIGNATURE_KEY), None, "/tool/clientsmith")):
        if value is not None:
            return SignatureConfig(value, _display(pyproject), lines.get(where, 1), f"{pointer}/{SIGNATURE_KEY}")
    return None


def _signature_lines(pyproject: Path) -> dict[int | None, int]:
    """The line of `webhook_signature` in [tool.clientsmith] (key None) and in each client's table (its
    index): tomllib keeps no positions, so the key is found by reading the tables' headers."""
    found: dict[int | None, int] = {}
    table: int | None = None  # the table being read: a client's index, or None for [tool.clientsmith]
    reading = False  # inside one of those tables
    clients = -1
    for number, text in enumerate(pyproject.read_text(encoding="utf-8").splitlines(), 1):
        line = text.strip()
        if line.startswith("["):
            header = line.strip("[] ").replace(" ", "")
            reading = False
            if header == "tool.clientsmith.clients" and line.startswith("[["):
                clients += 1
                table, reading = clients, True
            elif header == "tool.clientsmith":
                table, reading = None, True
            elif header == f"tool.clientsmith.{SIGNATURE_KEY}":
                found.setdefault(None, number)
            elif header == f"tool.clientsmith.clients.{SIGNATURE_KEY}":
                found.setdefault(clients, number)
        elif reading and line.split("=", 1)[0].strip() == SIGNATURE_KEY:
            found.setdefault(table, number)
    return found


def _display(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)
