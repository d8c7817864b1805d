from __future__ import annotations

import importlib
import io
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path
from typing import Iterator

import pytest

from loopback import LoopbackServer

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# What generating each spec gave, by the spec's resolved path, as tests that generate record it ("ok",
# "refused: ...", "internal error: ..."): tests/end_to_end/test_sweep.py reads it rather than generating again.
OUTCOMES: dict[Path, str] = {}


def require_shared(path: Path) -> Path:
    """A path under ../shared: skipped where it is absent, but a failure in CI, where it must be there."""
    if not path.exists():
        message = f"{path} is missing: keep the shared/ folder beside this checkout"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def read_tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (caches left out), keyed by relative path."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts and ".mypy_cache" not in p.parts
    }


def tree_differences(committed: dict[str, bytes], fresh: dict[str, bytes]) -> list[str]:
    """Readable differences between a committed tree and a fresh regeneration."""
    import difflib

    from clientsmith.output.base import BASE, same_base

    problems = []
    for rel in sorted(set(fresh) | set(committed)):
        old, new = committed.get(rel), fresh.get(rel)
        if old == new or (rel == BASE and old is not None and new is not None and same_base(old, new)):
            continue  # the base of hand edits is compared by what it holds: zlib builds compress differently
        if old is None:
            problems.append(f"missing from the committed tree: {rel}")
        elif new is None:
            problems.append(f"no longer generated: {rel}")
        else:
            try:
                old_text, new_text = old.decode(), new.decode()
            except UnicodeDecodeError:  # the base of hand edits (gzip) when what it holds differs
                problems.append(f"differs: {rel} ({len(old)} bytes committed, {len(new)} regenerated)")
                continue
            diff = difflib.unified_diff(old_text.splitlines(), new_text.splitlines(),
                                        f"{rel} (committed)", f"{rel} (regenerated)", lineterm="", n=2)
            problems.append("\n".join(list(diff)[:60]))
    return problems


# One mypy cache per test process: pydantic, httpx and the stdlib are analysed once, not on every check.
# Modules with the same name in other folders are checked again (mypy compares each file's hash).
_MYPY_CACHE = Path(tempfile.gettempdir()) / f"clientsmith-tests-mypy-{os.getpid()}"


def mypy_strict(cwd: Path, *targets: str | Path, mypypath: Path | None = None) -> subprocess.CompletedProcess[str]:
    """`mypy --strict` on `targets` from `cwd`, as users' CI runs it; the result holds mypy's report."""
    env = {**os.environ, "MYPYPATH": str(mypypath)} if mypypath is not None else None
    return subprocess.run([sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(_MYPY_CACHE),
                           *map(str, targets)], cwd=cwd, capture_output=True, text=True, env=env)


def run_python(cwd: Path, code: str, *args: str, check: bool = False) -> subprocess.CompletedProcess[str]:
    """`code` run by a fresh interpreter in `cwd` (imports there, as a user's script would make them)."""
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code), *args], cwd=cwd, capture_output=True,
                          text=True, check=check)


@pytest.fixture(scope="session", autouse=True)
def _remove_mypy_cache() -> Iterator[None]:
    yield
    shutil.rmtree(_MYPY_CACHE, ignore_errors=True)


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as srv:
        yield srv


def import_generated(output: Path, package: str):
    """Import a generated package from its output folder, fresh (no stale module from another test)."""
    for name in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
        del sys.modules[name]
    sys.path.insert(0, str(output))
    try:
        return importlib.import_module(package)
    finally:
        sys.path.remove(str(output))


def generate_fixture(tmp_path_factory: pytest.TempPathFactory, spec: str, package: str) -> Path:
    """A fixture spec under tests/fixtures generated into a fresh folder; the folder is returned."""
    from clientsmith.config import ClientTarget
    from clientsmith.pipeline import generate

    out = tmp_path_factory.mktemp(package)
    generate(ClientTarget(FIXTURES / spec, package, package, out), base=ROOT)
    return out


@pytest.fixture(scope="session", params=["module", "package"], ids=["models.py", "models-package"])
def mini_package(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """The small fixture spec, generated once per session with each models layout."""
    from clientsmith.config import ClientTarget
    from clientsmith.pipeline import generate

    out = tmp_path_factory.mktemp("mini")
    generate(ClientTarget(FIXTURES / "mini", "mini", "mini", out, models=request.param), base=ROOT)
    return out


@pytest.fixture(scope="session")
def installed_clientsmith(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This checkout pip-installed (not editable) into a fresh venv, as a user installs it: the venv's folder.
    Built once per process; tests using it share the xdist group "installed" so that one process builds it."""
    import subprocess
    import venv

    env_dir = tmp_path_factory.mktemp("installed") / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    subprocess.run([str(env_dir / "bin" / "python"), "-m", "pip", "install", "--quiet", str(ROOT)], check=True,
                   env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"})
    return env_dir



def pytest_runtest_setup(item: pytest.Item) -> None:
    """Under `--dist loadgroup`, a test marked `xdist_group` carries its group in its id (pytest-xdist adds
    it). Where a pytest keeps xdist from doing so, the groups are silently split over processes: such a
    test fails saying why instead."""
    if (hasattr(item.config, "workerinput") and getattr(item.config.option, "loadgroup", False)
            and item.get_closest_marker("xdist_group") and "@" not in item.nodeid):
        pytest.fail("pytest-xdist could not apply this test's xdist_group under this pytest: tests meant to "
                    "share one process would run apart; install the versions pyproject's test extras allow")


def lint_findings(*folders: Path) -> list[str]:
    """pyflakes' findings (unused imports, undefined or shadowed names) in every module under `folders`:
    what a user's linter reports on a vendored package."""
    from pyflakes.api import checkPath
    from pyflakes.reporter import Reporter

    out = io.StringIO()
    reporter = Reporter(out, out)
    for folder in folders:
        for path in sorted(folder.rglob("*.py")):
            checkPath(str(path), reporter)
    return out.getvalue().splitlines()
