"""Where a cold generation of a large spec spends its time, stage by stage, beside openapi-python-client.

    .venv/bin/python bench/floor.py [SPEC]      # default: Datadog v2

Each stage runs alone, in this process, with no cache: loading, schema validation, datamodel-code-generator,
IR and templates, and black over every generated module on all cores. The floor of a cold run that keeps
black formatting every line and datamodel-code-generator making the models is loading + models + render
+ black (validation overlaps the models on the second core); the report sets it beside
openapi-python-client's whole generation, measured in the same run. Last, black's time on the resource
modules as generated and with fewer lines of two kinds (docstrings, the async classes), to weigh emitting
less text.
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
    from clientsmith.gc_policy import batch_collection

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
    report["black on the resource modules, one core"] = _fewer_lines(texts)
    print(json.dumps(report, indent=2))


def _fewer_lines(texts: dict[str, str]) -> dict[str, str]:
    """Black's time on the resource modules as generated, and on two lighter variants (not valid clients,
    only what black would face): every docstring one line, and no async classes. Says what emitting
    fewer lines of each kind could save."""
    import ast

    from clientsmith.output.format import format_python
    from clientsmith.source_lines import code_lines

    def cut(source: str, spans: list[tuple[int, int, str]]) -> str:
        lines = code_lines(source)
        for first, last, text in sorted(spans, reverse=True):
            lines[first - 1 : last] = [text]
        return "".join(lines)

    def short_docstrings(source: str) -> str:
        spans = []
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and ast.get_docstring(node):
                doc = node.body[0]
                spans.append((doc.lineno, doc.end_lineno or doc.lineno, " " * doc.col_offset + '"""Doc."""\n'))
        return cut(source, spans)

    def without_async(source: str) -> str:
        return cut(source, [(n.lineno, n.end_lineno or n.lineno, "") for n in ast.parse(source).body
                            if isinstance(n, ast.ClassDef) and any(isinstance(s, ast.AsyncFunctionDef) for s in n.body)])

    resources = {path: text for path, text in texts.items() if "/api/" in path and path.endswith(".py")}
    figures = {}
    for label, variant in [("as generated", lambda s: s), ("docstrings one line", short_docstrings),
                           ("without async classes", without_async)]:
        sources = [variant(text) for text in resources.values()]
        started = time.perf_counter()
        for source in sources:
            format_python(source)
        lines = sum(source.count("\n") for source in sources)
        figures[label] = f"{lines} lines, {time.perf_counter() - started:.2f} s"
    return figures


def _stages(spec: Path) -> tuple[object, dict[str, str], dict[str, float]]:
    from clientsmith.cache import NoCache
    from clientsmith.ir.build import build_ir
    from clientsmith.models.generate import generate_models
    from clientsmith.output.format import format_files
    from clientsmith.output.render import header_text, render_package
    from clientsmith.spec.merge import load_spec
    from clientsmith.spec.validate import validate_parts

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
