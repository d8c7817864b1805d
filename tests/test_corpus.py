"""The small and mid-sized published specs of the corpus: every operation a method, every module imports,
`mypy --strict` clean. (The large ones run in bench/breadth.py.)"""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import SHARED
from generator.cli import main


CORPUS = SHARED / "real" / "corpus"


@pytest.mark.parametrize("name", ["ollama.yaml", "qdrant.json"])
def test_corpus_spec_generates_a_complete_type_clean_client(name, tmp_path):
    import ast
    import json

    import yaml

    spec = CORPUS / name
    if not spec.exists():
        pytest.skip("corpus not present")
    out = tmp_path / "out"
    assert main(["generate", "--lenient", "--no-cache", "--spec", str(spec), "--package", "client",
                 "--output", str(out)]) == 0
    text = spec.read_text()
    document = json.loads(text) if name.endswith(".json") else yaml.safe_load(text)
    verbs = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
    operations = sum(1 for item in document["paths"].values() for verb in item if verb in verbs)
    methods = 0
    for module in (out / "client" / "api").glob("*.py"):
        body = ast.parse(module.read_text()).body
        classes = {node.name for node in body if isinstance(node, ast.ClassDef)}
        for node in body:  # the async twin of class X is AsyncX (a tag may itself start with "async")
            if isinstance(node, ast.ClassDef) and not (node.name[5:] in classes and node.name.startswith("Async")
                                                       or "RawResponse" in node.name):
                methods += sum(isinstance(f, ast.FunctionDef) and not f.name.startswith("_") and not f.decorator_list
                               for f in node.body)
    assert methods == operations
    probe = ("import importlib, pkgutil, client\n"
             "for m in pkgutil.walk_packages(client.__path__, 'client.'):\n    importlib.import_module(m.name)\n"
             "import client.models as models\n"
             "print(all(getattr(models, n) is not None for n in getattr(models, '__all__', [])))")
    run = subprocess.run([sys.executable, "-c", probe], cwd=out, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-2000:]
    check = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "mypy"), "client"],
                           cwd=out, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout[-3000:]
