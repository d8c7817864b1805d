"""Each generated package stands alone: stdlib, its declared dependencies and relative imports only; works vendored."""

from __future__ import annotations

import re
import shutil
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT, run_python
from standalone_imports import ALLOWED_TOP_LEVEL, imported_modules

from clientsmith.config import load_targets

TARGETS = load_targets(ROOT / "pyproject.toml")
def declared_modules(project_dir: Path) -> set[str]:
    """The top-level modules the distribution's declared dependencies provide (their names, normalized)."""
    dependencies = tomllib.loads((project_dir / "pyproject.toml").read_text())["project"]["dependencies"]
    return {re.split(r"[<>=!~;\[ ]", d, maxsplit=1)[0].lower().replace("-", "_") for d in dependencies}


def assert_imports_are_declared(project_dir: Path, package: str) -> None:
    third_party = imported_modules(project_dir / package) - set(sys.stdlib_module_names)
    assert third_party <= declared_modules(project_dir), f"{package} imports {sorted(third_party)}"


@pytest.mark.parametrize("target", TARGETS, ids=[t.distribution for t in TARGETS])
def test_imports_only_httpx_pydantic_and_stdlib(target):
    outside = imported_modules(target.output / target.package) - ALLOWED_TOP_LEVEL
    assert not outside, f"{target.package} imports {sorted(outside)}"
    assert declared_modules(target.output) == ALLOWED_TOP_LEVEL - set(sys.stdlib_module_names)
    assert_imports_are_declared(target.output, target.package)


def test_models_importing_typing_extensions_declare_it(tmp_path):
    """datamodel-code-generator writes `from typing_extensions import TypeAliasType` for a constrained
    `additionalProperties` value (Python 3.10 and 3.11 lack it in typing): the install metadata says so."""
    from clientsmith.cli import main

    out = tmp_path / "out"
    assert main(["generate", "--spec", str(FIXTURES / "defects" / "type_alias.yaml"), "--package", "aliases",
                 "--output", str(out), "--no-cache"]) == 0
    assert "typing_extensions" in imported_modules(out / "aliases")  # the case this test is about
    assert_imports_are_declared(out, "aliases")


def test_vendored_copy_works_under_another_parent_package(server, tmp_path):
    project = tmp_path / "project"
    vendor = project / "myapp" / "vendor"
    vendor.mkdir(parents=True)
    (project / "myapp" / "__init__.py").write_text("")
    (vendor / "__init__.py").write_text("")
    shutil.copytree(ROOT / "generated" / "datadog-incidents" / "datadog_incidents", vendor / "datadog_incidents")
    from loopback import Reply

    server.reply(Reply(200, {"data": {"id": "i-1", "type": "incidents", "attributes": {"title": "t"}}}))
    script = textwrap.dedent(f"""
        from myapp.vendor.datadog_incidents import Client
        from myapp.vendor.datadog_incidents.models import IncidentResponse
        with Client(api_key="k", app_key="a", base_url={server.url!r},
                    unstable_operations={{"get_incident"}}) as client:
            incident = client.incidents.get_incident("i-1")
        assert isinstance(incident, IncidentResponse), type(incident)
        print(incident.data.attributes.title)
    """)
    result = run_python(project, script)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "t"
    assert server.requests[0].path == "/api/v2/incidents/i-1"
