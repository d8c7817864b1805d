"""Every Python block of the generated READMEs is real: the blocks of one README, in order, make one
program; all of them pass ONE mypy --strict run together, and each runs against httpx.MockTransport
answering every request with the spec's example of the operation's success response."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import ROOT, generate_fixture, mypy_strict

from clientsmith.config import load_targets
from clientsmith.ir.examples import _NONE, example_value
from clientsmith.ir.media import is_json_media, pick_media
from clientsmith.ir.sample_values import sample_value
from clientsmith.spec.merge import load_spec
from clientsmith.spec.resolve import Resolver
from clientsmith.spec.validate import iter_operations

FENCE = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)

# Runs one README program with every request answered by the route whose method and path match.
DRIVER = textwrap.dedent("""
    import json, re, runpy, sys
    import httpx

    routes = json.loads(open(sys.argv[2]).read())
    seen, unanswered = [], []

    def answer(request):
        for method, pattern, status, media, body in routes:
            if method == request.method and re.search(pattern + "$", request.url.path):
                seen.append(f"{method} {pattern}")
                if media and "json" in media:
                    return httpx.Response(status, json=body)
                return httpx.Response(status, content=(body or "").encode(), headers={"content-type": media or "text/plain"})
        unanswered.append(f"{request.method} {request.url}")
        return httpx.Response(599)

    transport = httpx.MockTransport(answer)
    httpx.HTTPTransport.handle_request = lambda self, request: transport.handle_request(request)
    sys.path[:0] = sys.argv[3:]
    runpy.run_path(sys.argv[1], run_name="__main__")
    print(json.dumps({"seen": seen, "unanswered": unanswered}))
""")


def readme_program(readme: Path) -> str:
    blocks = FENCE.findall(readme.read_text())
    assert blocks, f"{readme}: no Python block"
    return "\n".join(blocks)


def routes(spec_path: Path) -> list[list]:
    """(method, path regex, status, media type, body) per operation: its first success response, with the
    spec's example (else a value its schema allows)."""
    spec = load_spec(spec_path, ROOT)
    resolver = Resolver(spec)
    result = []
    for path, method, operation, _ in iter_operations(spec.document):
        pattern = re.sub(r"\\\{[^}]*\\\}", "[^/]+", re.escape(path))
        status, raw = next(((s, r) for s, r in (operation.get("responses") or {}).items() if str(s).startswith("2")),
                           ("200", {}))
        response = resolver.deref(raw) or {}
        content = response.get("content") or {}
        media = pick_media(content)
        body = None
        if media:
            media_object = content[media] or {}
            value = example_value(resolver, media_object, media_object.get("schema"))
            body = sample_value(resolver, media_object.get("schema") or {}) if value is _NONE else value
            if not is_json_media(media):
                body = body if isinstance(body, str) else "data"
        result.append([method.upper(), pattern, int(status) if str(status).isdigit() else 200, media, body])
    return result


@pytest.fixture(scope="module")
def readmes(tmp_path_factory):
    """(name, README, spec, folder holding the package) for every bundled client and the clinic fixture."""
    found = [(t.package, t.output / "README.md", t.spec, t.output) for t in load_targets(ROOT / "pyproject.toml")]
    clinic = generate_fixture(tmp_path_factory, "clinic.yaml", "clinic")
    found.append(("clinic", clinic / "README.md", ROOT / "tests" / "fixtures" / "clinic.yaml", clinic))
    return found


def test_readme_programs_pass_one_mypy_strict_run(readmes, tmp_path):
    files = []
    for name, readme, _, _ in readmes:
        program = tmp_path / f"readme_{name}.py"
        program.write_text(readme_program(readme))
        files.append(str(program))
    path = os.pathsep.join(str(folder) for *_, folder in readmes)
    result = mypy_strict(tmp_path, *files, mypypath=Path(path))
    assert result.returncode == 0, result.stdout + result.stderr


def test_readme_programs_run_against_the_spec_examples(readmes, tmp_path):
    (tmp_path / "driver.py").write_text(DRIVER)
    for name, readme, spec, folder in readmes:
        program, answers = tmp_path / f"readme_{name}.py", tmp_path / f"routes_{name}.json"
        program.write_text(readme_program(readme))
        answers.write_text(json.dumps(routes(spec), default=str))
        result = subprocess.run([sys.executable, "driver.py", str(program), str(answers), str(folder)],
                                capture_output=True, text=True, cwd=tmp_path)
        assert result.returncode == 0, f"{readme}:\n{result.stderr[-3000:]}"
        report = json.loads(result.stdout.strip().splitlines()[-1])
        assert report["unanswered"] == [], report
        operations = {f"{method} {pattern}" for method, pattern, *_ in routes(spec)}
        assert set(report["seen"]) == operations, f"{readme}: calls no operation of {operations - set(report['seen'])}"
