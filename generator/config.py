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
            )
        )
    return targets
