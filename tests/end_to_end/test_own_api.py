"""The README's "Use it on your own API" walkthrough, run as written from a temporary folder: clientsmith
installed as a user installs it, the generated client installed into a venv of its own and called."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

pytestmark = pytest.mark.xdist_group("installed")  # shares the installed venv with test_install.py


def walkthrough() -> list[tuple[str, str]]:
    """(language, code) of each fenced block of the README's own-API section, in order."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Use it on your own API\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```(\w+)\n(.*?)```", section, re.S)


def test_the_own_api_walkthrough_runs_as_written(tmp_path, installed_clientsmith, server):
    project = tmp_path / "shop"
    project.mkdir()
    shutil.copy(FIXTURES / "own-api" / "openapi.yaml", project / "openapi.yaml")
    (project / "pyproject.toml").write_text('[project]\nname = "shop"\nversion = "0.1.0"\n')
    client_env = tmp_path / "client-venv"  # the project's own environment, where the client goes
    venv.EnvBuilder(with_pip=True).create(client_env)
    base = {k: v for k, v in os.environ.items() if k not in ("CLIENTSMITH_CACHE_DIR", "VIRTUAL_ENV", "PYTHONPATH")}
    base.update(PIP_DISABLE_PIP_VERSION_CHECK="1", GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com",
                GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.com")
    subprocess.run(["git", "init", "-q", str(project)], check=True, env=base)

    def shell(code: str, first_on_path: Path) -> str:
        env = {**base, "PATH": f"{first_on_path / 'bin'}{os.pathsep}{base['PATH']}"}
        result = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", code], cwd=project, env=env,
                                capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, f"{code}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        return result.stdout

    blocks = walkthrough()
    languages = [language for language, _ in blocks]
    assert languages == ["bash", "bash", "toml", "bash", "bash", "yaml", "bash", "bash", "python"]
    (_, install), (_, init), (_, toml), (_, generate), (_, check), (_, hook), (_, review), (_, pip), (_, use) = blocks
    assert "pipx install" in install and "pip install" in install  # done by the installed_clientsmith fixture

    shell(init, installed_clientsmith)
    written = tomllib.loads((project / "pyproject.toml").read_text())
    assert written["tool"]["clientsmith"] == tomllib.loads(toml)["tool"]["clientsmith"]  # the README shows it

    shell(generate, installed_clientsmith)
    assert (project / "generated" / "petshop" / "petshop" / "__init__.py").is_file()
    assert (project / ".clientsmith-cache" / ".gitignore").is_file()
    tracked = subprocess.run(["git", "ls-files"], cwd=project, capture_output=True, text=True, check=True).stdout
    assert "generated/petshop/.clientsmith-manifest.json" in tracked and ".clientsmith-cache" not in tracked

    assert shell(check, installed_clientsmith).strip() == "petshop: up to date"
    elsewhere = project / "generated"  # CI and hooks may run from anywhere in the project
    assert subprocess.run([str(installed_clientsmith / "bin" / "clientsmith"), "check"], cwd=elsewhere, env=base,
                          capture_output=True, text=True).returncode == 0
    hooks = (ROOT / ".pre-commit-hooks.yaml").read_text()
    assert "id: clientsmith-check" in hooks and "id: clientsmith-check" in hook
    assert "always_run: true" in hooks  # wherever the project keeps its spec, the hook runs

    reviewed = shell(review, installed_clientsmith)
    assert "petshop: 1 breaking" in reviewed  # generate's line, then the kept report, then the comment
    assert "BREAKING method-renamed: client.pets.fetch_pet" in reviewed
    assert "| :boom: | method-renamed | `client.pets.fetch_pet` |" in reviewed

    shell(pip, client_env)

    def answer(request):
        from loopback import Reply

        if (request.method, request.path) == ("POST", "/v1/pets"):
            return Reply(201, {"id": 7, **request.json()})
        if (request.method, request.path) == ("GET", "/v1/pets"):
            return Reply(200, [{"id": 7, "name": "Rex"}])
        return Reply(404, {"message": "no such pet"})

    server.handler = answer
    script = use.replace("http://127.0.0.1:8000", server.url)
    ran = subprocess.run([str(client_env / "bin" / "python"), "-c", script], cwd=tmp_path, env=base,
                         capture_output=True, text=True, timeout=120)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout == "7 ['Rex']\nno pet 404\n"
    assert [(r.method, r.path, r.query) for r in server.requests] == [
        ("POST", "/v1/pets", []), ("GET", "/v1/pets", [("limit", "10")]), ("GET", "/v1/pets/999", [])]
    # the client came from its own install, not from the project folder
    where = subprocess.run([str(client_env / "bin" / "python"), "-c", "import petshop; print(petshop.__file__)"],
                           cwd=tmp_path, env=base, capture_output=True, text=True)
    assert where.stdout.startswith(str(client_env))
