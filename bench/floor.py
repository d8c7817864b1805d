"""Where a cold generation of a large spec spends its time, stage by stage, beside openapi-python-client.

    .venv/bin/python bench/floor.py [SPEC]      # default: Datadog v2

Each stage runs alone, in this process, with no cache: loading, schema validation, datamodel-code-generator,
IR and templates, and black over every generated module on all cores. The floor of a cold run that keeps
black formatting every line and datamodel-code-generator making the models is loading + models + render
+ black (validation overlaps the models on the second core); the report sets it beside
openapi-python-client's whole generation, measured in the same run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))
from _peers import machine, peer_python  # noqa: E402

DATADOG = ROOT.parent / "shared" / "real" / "datadog" / "openapi-v2.yaml"


def timed(work):
    started = time.perf_counter()
    result = work()
    return result, round(time.perf_counter() - started, 2)


def main() -> None:
    spec = Path(sys.argv[1]) if len(sys.argv) > 1 else DATADOG
    from generator.gc_policy import batch_collection

    oapc = peer_python("openapi-python-client", ["openapi-python-client==0.29.1"])
    with tempfile.TemporaryDirectory() as tmp:
        _, peer = timed(lambda: subprocess.run(
            [str(oapc.parent / "openapi-python-client"), "generate", "--path", str(spec), "--meta", "setup",
             "--overwrite", "--output-path", str(Path(tmp) / "out")], check=True, capture_output=True))
        _, cold = timed(lambda: subprocess.run(
            [str(Path(sys.executable).parent / "clientsmith"), "generate", "--no-cache", "--spec", str(spec),
             "--package", "client", "--output", str(Path(tmp) / "ours")], check=True, capture_output=True))
    with batch_collection():  # the pace the CLI runs at
        merged, texts, stages = _stages(spec)
    lines = sum(text.count("\n") for text in texts.values())
    floor = sum(v for k, v in stages.items() if not k.startswith("validate"))
    report = {
        "machine": machine(), "date": time.strftime("%Y-%m-%d"), "spec": spec.name,
        "openapi-python-client s": round(peer, 2), "clientsmith cold s": round(cold, 2),
        "stages s": stages, "unformatted lines": lines,
        "floor s (load + models + render + black)": round(floor, 2),
        "floor / openapi-python-client": round(floor / peer, 2),
        "cold / openapi-python-client": round(cold / peer, 2),
    }
    print(json.dumps(report, indent=2))


def _stages(spec: Path) -> tuple[object, dict[str, str], dict[str, float]]:
    from generator.cache import NoCache
    from generator.ir.build import build_ir
    from generator.models.generate import generate_models
    from generator.output.format import format_files
    from generator.output.render import header_text, render_package
    from generator.spec.merge import load_spec
    from generator.spec.validate import validate_parts

    stages: dict[str, float] = {}
    merged, stages["load"] = timed(lambda: load_spec(spec, spec.parent, NoCache()))
    _, stages["validate (overlaps models)"] = timed(lambda: validate_parts(merged))
    header = "# " + header_text(merged.source_name)
    models, stages["models (datamodel-code-generator and our passes)"] = timed(lambda: generate_models(merged.document, header))
    texts, stages["IR + templates"] = timed(
        lambda: render_package(build_ir(merged, models, "client", "client"), None))
    texts["client/models.py"] = models.source
    _, stages[f"black, {os.cpu_count()} workers"] = timed(lambda: format_files(texts, NoCache()))
    return merged, texts, stages


if __name__ == "__main__":
    main()
