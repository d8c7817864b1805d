"""The small and mid-sized published specs of the corpus, single-file and multi-file: every operation a
method, every module imports, `mypy --strict` clean. (The large ones run in bench/breadth.py.)"""

from __future__ import annotations


import pytest

from conftest import SHARED, lint_findings, mypy_strict, require_shared, run_python
from clientsmith.cli import main


CORPUS = SHARED / "real" / "corpus"


def corpus_operations(root: str) -> int:
    """The operations under `paths` of a corpus spec, as the corpus README's table counts them (multi-file
    specs keep their paths in other files, so the count comes from the table, not from our loader)."""
    for line in (CORPUS / "README.md").read_text().splitlines():
        cells = [c.strip().strip("`") for c in line.split("|")]
        if len(cells) > 4 and (cells[1] == root or cells[3].strip("`") == root):
            return int(cells[4])
    raise LookupError(root)


@pytest.mark.parametrize("name", ["ollama.yaml", "qdrant.json", "lob/lob-api-public.yml",
                                  "equinix-metal/openapi3.yaml"])
def test_corpus_spec_generates_a_complete_type_clean_client(name, tmp_path):
    import ast

    spec = require_shared(CORPUS / name)
    out = tmp_path / "out"
    assert main(["generate", "--lenient", "--no-cache", "--spec", str(spec), "--package", "client",
                 "--output", str(out)]) == 0
    operations = corpus_operations(name)
    methods = 0
    for module in (out / "client" / "api").glob("*.py"):
        body = ast.parse(module.read_text()).body
        classes = {node.name for node in body if isinstance(node, ast.ClassDef)}
        for node in body:  # the async twin of class X is AsyncX (a tag may itself start with "async")
            if isinstance(node, ast.ClassDef) and not (node.name[5:] in classes and node.name.startswith("Async")
                                                       or "RawResponse" in node.name):
                methods += sum(isinstance(f, ast.FunctionDef) and not f.name.startswith("_") and not f.decorator_list
                               and not f.name.endswith("_with_pagination")
                               for f in node.body)
    assert methods == operations
    probe = ("import importlib, pkgutil, client\n"
             "for m in pkgutil.walk_packages(client.__path__, 'client.'):\n    importlib.import_module(m.name)\n"
             "import client.models as models\n"
             "print(all(getattr(models, n) is not None for n in getattr(models, '__all__', [])))")
    run = run_python(out, probe)
    assert run.returncode == 0, run.stderr[-2000:]
    check = mypy_strict(out, "client")
    assert check.returncode == 0, check.stdout[-3000:]
    assert lint_findings(out / "client") == []  # no unused import, no shadowed name
