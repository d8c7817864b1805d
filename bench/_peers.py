"""Peers the benchmarks compare with, each installed into its own venv under bench/.peers/ (not committed)."""

from __future__ import annotations

import statistics
import subprocess
import sys
import venv
from pathlib import Path

PEERS = Path(__file__).resolve().parent / ".peers"


def peer_python(name: str, requirements: list[str]) -> Path:
    """A venv with `requirements` installed, made once and reused."""
    env = PEERS / name
    python = env / "bin" / "python"
    stamp = env / ".installed"
    wanted = "\n".join(requirements)
    if not stamp.exists() or stamp.read_text() != wanted:
        print(f"installing {name}: {' '.join(requirements)}", file=sys.stderr)
        venv.EnvBuilder(with_pip=True, clear=True).create(env)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *requirements],
                       check=True)
        stamp.write_text(wanted)
    return python


def machine() -> str:
    import os
    import platform

    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}"


def import_time(python: Path, statement: str, path: Path | None = None) -> float:
    code = (
        "import time, sys\n"
        + (f"sys.path.insert(0, {str(path)!r})\n" if path else "")
        + f"t = time.perf_counter()\n{statement}\nprint(time.perf_counter() - t)"
    )
    runs = [float(subprocess.run([str(python), "-c", code], capture_output=True, text=True, check=True).stdout)
            for _ in range(5)]
    return statistics.median(runs)
