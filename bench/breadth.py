"""Breadth on real specs: for each corpus spec, how complete and type-clean the generated client is.

Per spec and generator: operations in the spec, methods generated, modules failing import, `mypy --strict`
errors and generation time. A generator that stops on a spec is reported as its outcome, not a crash.

    python bench/breadth.py [NAME ...]      # default: the whole corpus (slow on the large specs)
"""

from __future__ import annotations

import ast
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _peers import peer_python  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "real" / "corpus"
PYTHON = Path(sys.executable)
SPECS = {  # name -> what the user passes (the root file, or the folder where there is none)
    "linode": "linode.yaml", "opensearch": "opensearch", "mistral": "mistral.yaml", "mastodon": "mastodon.json",
    "lob": "lob/lob-api-public.yml", "equinix-metal": "equinix-metal/openapi3.yaml",
    "xero-accounting": "xero-accounting.yaml", "qdrant": "qdrant.json", "ollama": "ollama.yaml",
}
# Operations under `paths` (the corpus README's counts: the multi-file specs' paths are file refs).
OPERATIONS = {"linode": 390, "opensearch": 715, "mistral": 173, "mastodon": 210, "lob": 105, "equinix-metal": 220,
              "xero-accounting": 235, "qdrant": 69, "ollama": 12}


def public_methods(package: Path) -> int:
    """Methods a user can call, one per operation: clientsmith's resource methods (the async twin and the
    raw-response views not counted), or openapi-python-client's `sync_detailed` functions."""
    count = 0
    for module in (package / "api").rglob("*.py"):
        try:
            body = ast.parse(module.read_text()).body
        except SyntaxError:  # counted by the import check, not a crash of the benchmark
            continue
        classes = {node.name for node in body if isinstance(node, ast.ClassDef)}
        for node in body:
            twin = node.name.startswith("Async") and node.name[5:] in classes if isinstance(node, ast.ClassDef) else False
            if isinstance(node, ast.ClassDef) and not (twin or "RawResponse" in node.name):
                count += sum(isinstance(f, ast.FunctionDef) and not f.name.startswith("_") and not f.decorator_list
                                 and not f.name.endswith("_with_pagination")
                             for f in node.body)
            elif isinstance(node, ast.FunctionDef) and node.name == "sync_detailed":
                count += 1
    return count


def failing_imports(python: Path, where: Path, package: str) -> int:
    probe = (f"import importlib, pkgutil, {package}\nbad = 0\n"
             f"for m in pkgutil.walk_packages({package}.__path__, '{package}.'):\n"
             "    try:\n        importlib.import_module(m.name)\n    except Exception:\n        bad += 1\nprint(bad)")
    run = subprocess.run([str(python), "-c", probe], cwd=where, capture_output=True, text=True)
    return int(run.stdout) if run.returncode == 0 and run.stdout.strip().isdigit() else -1


def mypy_errors(where: Path, package: str) -> int:
    run = subprocess.run([str(PYTHON), "-m", "mypy", "--strict", "--no-incremental", package], cwd=where,
                         capture_output=True, text=True)
    return sum(": error:" in line for line in run.stdout.splitlines())


def measure(command: list[str], where: Path, package_dir: str, python: Path) -> dict[str, object]:
    start = time.perf_counter()
    run = subprocess.run(command, capture_output=True, text=True)
    seconds = round(time.perf_counter() - start, 1)
    package = next((p for p in where.rglob("__init__.py") if p.parent.name == package_dir), None)
    if package is None:
        lines = [line.strip() for line in (run.stderr or run.stdout).splitlines()
                 if line.strip() and not line.strip().startswith("(rerun")]
        return {"outcome": f"failed: {(lines or ['no output'])[-1][:100].replace('|', '/')}", "seconds": seconds}
    package_path = package.parent
    return {"outcome": "ok" if run.returncode == 0 else f"exit {run.returncode}", "seconds": seconds,
            "methods": public_methods(package_path),
            "import_failures": failing_imports(python, package_path.parent, package_dir),
            "mypy_errors": mypy_errors(package_path.parent, package_dir)}


def main(names: list[str]) -> None:
    oapc = peer_python("openapi-python-client", ["openapi-python-client==0.29.1"])
    print("| spec | ops | generator | outcome | methods | modules failing import | mypy --strict errors | time s |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for name in names or list(SPECS):
        spec = CORPUS / SPECS[name]
        ops = OPERATIONS[name]
        with tempfile.TemporaryDirectory() as tmp:
            ours = Path(tmp) / "clientsmith"
            peer = Path(tmp) / "oapc"
            rows = {
                "clientsmith": measure([str(PYTHON), "-m", "clientsmith", "generate", "--lenient", "--no-cache",
                                        "--spec", str(spec), "--package", "breadth_client", "--output", str(ours)],
                                       ours, "breadth_client", PYTHON),
                "openapi-python-client": measure(
                    [str(oapc.parent / "openapi-python-client"), "generate", "--path", str(spec), "--meta", "none",
                     "--overwrite", "--output-path", str(peer / "breadth_client")],
                    peer, "breadth_client", oapc),
            }
        for generator, r in rows.items():
            print(f"| {name} | {ops} | {generator} | {r['outcome']} | {r.get('methods', '-')} "
                  f"| {r.get('import_failures', '-')} | {r.get('mypy_errors', '-')} | {r['seconds']} |", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
