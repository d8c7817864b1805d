"""Other generators' own test specs (../shared/real/peers), per folder, clientsmith beside openapi-python-client.

For each document of a folder, each generator's outcome: a client (then: do all its modules import?), a
refusal (for clientsmith: located, `file:line: /pointer: message`), or an internal error (a traceback, or
clientsmith's exit 3). Then one `mypy --strict` run per generator over all the clients it made.

    python bench/peers.py [FOLDER ...]      # default: opc dmcg (and tests/fixtures/peer-shapes as "shapes")
"""

from __future__ import annotations

import concurrent.futures
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _peers import peer_python  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from test_peers import DOCUMENTS, package_name  # noqa: E402  (the same documents as the test)

PYTHON = Path(sys.executable)
LOCATED = re.compile(r"^[^:]+:\d+: /\S*: ")


def run_clientsmith(spec: Path, out: Path, package: str) -> str:
    run = subprocess.run([str(PYTHON), "-m", "clientsmith", "generate", "--lenient", "--no-cache", "--spec", str(spec),
                          "--package", package, "--output", str(out)], capture_output=True, text=True, cwd=ROOT)
    if run.returncode == 0:
        return "ok"
    errors = [line for line in run.stderr.splitlines() if ": warning: " not in line]
    if run.returncode == 3 or "Traceback" in run.stderr:
        return "internal"
    return "refused" if errors and all(LOCATED.match(line) for line in errors) else "unlocated"


def run_oapc(oapc: Path, spec: Path, out: Path, package: str) -> str:
    command = [str(oapc.parent / "openapi-python-client"), "generate", "--path", str(spec), "--meta", "none",
               "--overwrite", "--output-path", str(out / package)]
    run = subprocess.run(command, capture_output=True, text=True)
    if "Traceback" in run.stderr or "Traceback" in run.stdout:
        return "internal"
    return "ok" if (out / package / "__init__.py").exists() else "refused"


def failing_imports(python: Path, clients: dict[str, Path]) -> int:
    probe = ("import importlib, pkgutil, sys\nbad = 0\nfor name in sys.argv[1:]:\n    try:\n"
             "        p = importlib.import_module(name)\n"
             "        for m in pkgutil.walk_packages(p.__path__, name + '.'):\n            importlib.import_module(m.name)\n"
             "    except Exception:\n        bad += 1\nprint(bad)")
    if not clients:
        return 0
    run = subprocess.run([str(python), "-c", probe, *clients], capture_output=True, text=True,
                         env={"PYTHONPATH": ":".join(str(out) for out in clients.values()), "PATH": ""})
    return int(run.stdout) if run.stdout.strip().isdigit() else -1


def mypy_errors(clients: dict[str, Path], cache: Path, python: Path) -> tuple[int, int]:
    """(clients with errors, errors) of one `mypy --strict` run over every client, against the packages
    of the generator's own environment (openapi-python-client's clients need attrs and dateutil)."""
    if not clients:
        return 0, 0
    run = subprocess.run([str(PYTHON), "-m", "mypy", "--strict", "--cache-dir", str(cache),
                          "--python-executable", str(python),
                          *[str(out / package) for package, out in clients.items()]], capture_output=True, text=True)
    errors = [line for line in run.stdout.splitlines() if ": error:" in line]
    return len({next((p for p in clients if f"/{p}/" in line), line) for line in errors}), len(errors)


def main(folders: list[str]) -> None:
    oapc = peer_python("openapi-python-client", ["openapi-python-client==0.29.1"])
    print("| folder | generator | documents | client | refused, located | refused, not located | internal error "
          "| clients failing import | clients with mypy errors (errors) | time s |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for folder in folders or ["opc", "dmcg", "shapes"]:
        docs = [(name, spec) for name, spec in DOCUMENTS if name.split("/")[0] == folder]
        with tempfile.TemporaryDirectory() as tmp:
            for generator in ("clientsmith", "openapi-python-client"):
                out = Path(tmp) / generator
                start = time.perf_counter()

                def one(doc: tuple[str, Path], generator: str = generator, out: Path = out) -> tuple[str, str]:
                    package = package_name(doc[0])
                    where = out / package
                    outcome = (run_clientsmith(doc[1], where, package) if generator == "clientsmith"
                               else run_oapc(oapc, doc[1], where, package))
                    return package, outcome

                with concurrent.futures.ThreadPoolExecutor(2) as pool:
                    outcomes = dict(pool.map(one, docs))
                seconds = time.perf_counter() - start
                clients = {p: out / p for p, o in outcomes.items() if o == "ok"}
                counts = Counter(outcomes.values())
                python = PYTHON if generator == "clientsmith" else oapc
                with_errors, errors = mypy_errors(clients, Path(tmp) / f"mypy-{generator}", python)
                located = counts["refused"] if generator == "clientsmith" else 0
                unlocated = counts["unlocated"] if generator == "clientsmith" else counts["refused"]
                print(f"| {folder} | {generator} | {len(docs)} | {counts['ok']} | {located} | {unlocated} "
                      f"| {counts['internal']} | {failing_imports(python, clients)} | {with_errors} ({errors}) "
                      f"| {seconds:.0f} |", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
