"""Import cost of a generated package for a large spec (Datadog v2), against the official datadog-api-client,
and `mypy --strict` on it.

Prints, from one run: `import datadog_v2` plus first use of the incidents resource against the official
`IncidentsApi` import, and importing every model against the official `datadog_api_client.v2.models`
(which imports them all), release 2.51.0, built from the same spec as `../shared/real/datadog/openapi-v2.yaml`;
and openapi-python-client 0.29.1's package for the same spec (`import <package>.models`). Each figure is the median of 5 fresh interpreters, with bytecode compiled
beforehand as `pip install` does.

Ours runs in a venv of its own, as the peers do, holding what the generated package depends on (httpx,
pydantic, typing-extensions) at the versions of the project's venv: the project's venv also holds black's
and the CLI's packages, and httpx imports its command line (click, rich, pygments) when they are installed.
The first-resource figure in the project's venv is printed too.
"""

from __future__ import annotations

import compileall
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _peers import import_time, machine, peer_python  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT.parent / "shared" / "real" / "datadog" / "openapi-v2.yaml"
WORK = Path(__file__).resolve().parent / ".work" / "datadog-v2"

FIRST_RESOURCE = "import datadog_v2\ndatadog_v2.Client(api_key='k', app_key='k').incidents"
ALL_MODELS = "import datadog_v2.models as m\nfor name in m.__all__: getattr(m, name)"
# pydantic's own cost of creating that many model classes on the package's base, three plain optional fields
# each and nothing else: what importing every model cannot go below while its models are pydantic classes.
FLOOR = (
    "from datadog_v2._base import ApiModel\n"
    "for i in range({count}):\n"
    "    type(ApiModel)(f'M{{i}}', (ApiModel,), {{'__module__': 'floor', 'a': None, 'b': None, 'c': None,\n"
    "        '__annotations__': {{'a': str | None, 'b': int | None, 'c': bool | None}}}})"
)


OFFICIAL_VERSION = "2.51.0"
OPC_WORK = Path(__file__).resolve().parent / ".work" / "datadog-v2-openapi-python-client"


def model_class_count(package: Path) -> int:
    """Classes in the models modules that are pydantic models (not enums)."""
    count = 0
    for module in (package / "models").glob("*.py"):
        for line in module.read_text(encoding="utf-8").splitlines():
            if line.startswith("class ") and "Enum)" not in line:
                count += 1
    return count


def runtime_python() -> Path:
    """A venv with the generated package's dependencies only, at the versions this interpreter has."""
    from importlib.metadata import version

    return peer_python("datadog-v2-runtime", [f"{name}=={version(name)}"
                                              for name in ("httpx", "pydantic", "typing-extensions")])


def opc_python() -> Path:
    return peer_python("openapi-python-client", ["openapi-python-client==0.29.1"])


def _openapi_python_client_package() -> Path:
    """openapi-python-client's package for the same spec (generated once; its models import eagerly)."""
    if not list(OPC_WORK.glob("*/*/models/__init__.py")):
        subprocess.run([str(opc_python().parent / "openapi-python-client"), "generate", "--path", str(SPEC), "--meta",
                        "setup", "--overwrite", "--output-path", str(OPC_WORK / "client")], check=True,
                       stdout=subprocess.DEVNULL)
        compileall.compile_dir(OPC_WORK, quiet=1)
    return next(iter(OPC_WORK.glob("*/*/models/__init__.py"))).parent.parent


def main() -> None:
    subprocess.run([sys.executable, "-m", "clientsmith", "generate", "--spec", str(SPEC), "--package", "datadog_v2",
                    "--output", str(WORK), "--cache-dir", str(WORK.parent / "cache")], cwd=ROOT, check=True)
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    compileall.compile_dir(WORK / "datadog_v2", quiet=1)
    # The official release built from the same spec: its v2 models are the spec's schemas, as ours are.
    official = peer_python("datadog-api-client-2.51.0", [f"datadog-api-client=={OFFICIAL_VERSION}"])
    opc_package = _openapi_python_client_package()
    ours = runtime_python()
    figures = {
        "first_resource": import_time(ours, FIRST_RESOURCE, WORK),
        "first_resource_project_venv": import_time(Path(sys.executable), FIRST_RESOURCE, WORK),
        "official_incidents_api": import_time(official, "from datadog_api_client.v2.api.incidents_api import IncidentsApi"),
        "all_models": import_time(ours, ALL_MODELS, WORK),
        "official_all_models": import_time(official, "import datadog_api_client.v2.models"),
        "model_classes": model_class_count(WORK / "datadog_v2"),
        "pydantic_floor": import_time(ours, FLOOR.format(count=model_class_count(WORK / "datadog_v2")), WORK),
        "openapi_python_client_all_models": import_time(
            opc_python(), f"import {opc_package.name}.models", opc_package.parent),
    }
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as mypy_cache:  # a cold check: no cache from an earlier run
        check = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--cache-dir", mypy_cache, "datadog_v2"],
                               cwd=WORK, capture_output=True, text=True)
    figures["mypy_strict_seconds"] = time.perf_counter() - started
    figures["mypy_strict_ok"] = check.returncode == 0
    print(f"machine: {machine()}")
    print(f"import datadog_v2 + first resource {figures['first_resource']:.3f} s vs official IncidentsApi "
          f"{figures['official_incidents_api']:.3f} s: {figures['first_resource'] / figures['official_incidents_api']:.2f}x "
          f"(in the project's venv {figures['first_resource_project_venv']:.3f} s: "
          f"{figures['first_resource_project_venv'] / figures['official_incidents_api']:.2f}x)")
    print(f"every model {figures['all_models']:.3f} s vs official {OFFICIAL_VERSION} v2.models {figures['official_all_models']:.3f} s: "
          f"{figures['all_models'] / figures['official_all_models']:.2f}x")
    print(f"pydantic's floor: {figures['model_classes']} plain three-field models on ApiModel "
          f"{figures['pydantic_floor']:.3f} s: {figures['pydantic_floor'] / figures['official_all_models']:.2f}x the official")
    opc = figures["openapi_python_client_all_models"]
    print(f"every model {figures['all_models']:.3f} s vs openapi-python-client 0.29.1 models {opc:.3f} s: "
          f"{figures['all_models'] / opc:.2f}x (official {OFFICIAL_VERSION} {figures['official_all_models'] / opc:.2f}x)")
    print(f"mypy --strict: {'ok' if figures['mypy_strict_ok'] else 'FAILED'} in {figures['mypy_strict_seconds']:.1f} s")
    if not figures["mypy_strict_ok"]:
        print(check.stdout[-3000:])
    (Path(__file__).resolve().parent / "lazy_import.json").write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
