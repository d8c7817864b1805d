"""The command line works the same from any folder: CI and hooks do not run from the project folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from conftest import FIXTURES, ROOT



def run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CLIENTSMITH_CACHE_DIR"}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run([sys.executable, "-m", "clientsmith", *args], cwd=cwd, capture_output=True, text=True,
                          env=env, timeout=300)


def test_output_generated_in_one_folder_is_fresh_from_others(tmp_path: Path) -> None:
    project, elsewhere, deeper = tmp_path / "project", tmp_path / "ci", tmp_path / "a" / "b"
    for folder in (project, elsewhere, deeper):
        folder.mkdir(parents=True)
    shutil.copy(FIXTURES / "vault.yaml", project / "api.yaml")
    generated = run(project, "generate", "--spec", "api.yaml", "--package", "vault", "--output", "client")
    assert generated.returncode == 0, generated.stderr
    # The cache sits beside the output and ignores itself; nothing lands in the folders checks run from.
    assert (project / ".clientsmith-cache" / ".gitignore").read_text().splitlines()[-1] == "*"
    for cwd, spec, output in ((elsewhere, "../project/api.yaml", "../project/client"),
                              (deeper, str(project / "api.yaml"), str(project / "client"))):
        checked = run(cwd, "check", "--spec", spec, "--package", "vault", "--output", output)
        assert checked.returncode == 0, checked.stdout[-2000:] + checked.stderr
        assert checked.stdout.strip() == "vault: up to date"
        assert list(cwd.iterdir()) == []
    assert "from api.yaml." in (project / "client" / "README.md").read_text().splitlines()[0]


def test_the_cache_goes_beside_the_output_when_the_spec_is_in_another_tree(tmp_path: Path) -> None:
    spec_home = Path(tempfile.mkdtemp(dir="/dev/shm" if Path("/dev/shm").is_dir() else None))
    try:
        shutil.copy(FIXTURES / "vault.yaml", spec_home / "api.yaml")
        project, elsewhere = tmp_path / "project", tmp_path / "ci"
        project.mkdir()
        elsewhere.mkdir()
        flags = ["--spec", str(spec_home / "api.yaml"), "--package", "vault", "--output", str(project / "client")]
        assert run(spec_home, "generate", *flags).returncode == 0
        checked = run(elsewhere, "check", *flags)
        assert checked.stdout.strip() == "vault: up to date", checked.stdout[-2000:] + checked.stderr
        assert (project / ".clientsmith-cache" / ".gitignore").is_file()
        assert sorted(p.name for p in spec_home.iterdir()) == ["api.yaml"] and list(elsewhere.iterdir()) == []
    finally:
        shutil.rmtree(spec_home)


def test_check_names_the_generate_command_with_its_own_flags(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "vault.yaml", tmp_path / "api.yaml")
    flags = ["--spec", "api.yaml", "--package", "vault", "--output", "out dir"]
    assert run(tmp_path, "generate", *flags).returncode == 0
    (tmp_path / "out dir" / "README.md").unlink()
    checked = run(tmp_path, "check", *flags)
    assert checked.returncode == 1
    assert "run `clientsmith generate --spec api.yaml --package vault --output 'out dir'`" in checked.stderr
    # ... and the command it names makes the output fresh.
    assert run(tmp_path, "generate", *flags).returncode == 0
    assert run(tmp_path, "check", *flags).returncode == 0


def test_config_is_found_in_a_parent_folder(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "vault.yaml", tmp_path / "api.yaml")
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "mine"\n\n[[tool.clientsmith.clients]]\nspec = "api.yaml"\npackage = "vault"\n'
        'output = "client"\n')
    nested = tmp_path / "src" / "mine"
    nested.mkdir(parents=True)
    # A nested project file without the table is passed over, as the nearest one with it is what counts.
    (tmp_path / "src" / "pyproject.toml").write_text('[project]\nname = "other"\n')
    generated = run(nested, "generate")
    assert generated.returncode == 0, generated.stderr
    assert (tmp_path / "client" / "vault" / "__init__.py").is_file()
    assert run(nested, "check").stdout.strip() == "vault: up to date"
    assert not (nested / ".clientsmith-cache").exists()


def test_a_missing_spec_is_a_file_system_error(tmp_path: Path) -> None:
    result = run(tmp_path, "generate", "--spec", "nothere.yaml", "--package", "p", "--output", "out")
    assert result.returncode == 2
    assert "nothere.yaml" in result.stderr and "no such file" in result.stderr
    assert not (tmp_path / "out").exists()
    assert run(tmp_path, "ir", "nothere.yaml").returncode == 2
    # every command that reads a spec says the same, whatever else it was asked
    shutil.copy(FIXTURES / "vault.yaml", tmp_path / "api.yaml")
    for args in (("validate", "api.yaml", "nothere.yaml"), ("diff", "nothere.yaml", "api.yaml"),
                 ("diff", "api.yaml", "nothere.yaml", "--format", "json"), ("bundle", "nothere.yaml", "-o", "b.yaml"),
                 ("check", "--spec", "nothere.yaml", "--package", "p", "--output", "out")):
        result = run(tmp_path, *args)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert "nothere.yaml" in result.stdout + result.stderr


def test_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = f"{sys.executable} -m clientsmith ir {FIXTURES / 'vault.yaml'} | head -n 1"
    result = subprocess.run(["bash", "-o", "pipefail", "-c", command], capture_output=True, text=True, env=env,
                            cwd=tmp_path, timeout=300)
    assert result.stdout == "{\n"
    assert result.stderr == ""
    assert result.returncode == 0


def test_check_leads_with_the_api_change_then_code_then_a_one_line_manifest(tmp_path: Path) -> None:
    import re

    spec = tmp_path / "api.yaml"
    shutil.copy(FIXTURES / "vault.yaml", spec)
    flags = ["--spec", "api.yaml", "--package", "vault", "--output", "client"]
    assert run(tmp_path, "generate", *flags).returncode == 0
    spec.write_text(spec.read_text().replace("operationId: GetSecret", "operationId: FetchSecret"))
    checked = run(tmp_path, "check", *flags)
    assert checked.returncode == 1
    lines = checked.stdout.splitlines()
    assert re.match(r"vault: [1-9]\d* breaking, \d+ compatible changes \(major\)$", lines[0]), lines[:3]
    assert lines[1].startswith("--- client/")  # then the code
    # the records last, one line each
    manifest = [n for n, line in enumerate(lines) if ".clientsmith-manifest.json" in line]
    assert len(manifest) == 1 and manifest[0] == len(lines) - 1
    assert ".clientsmith-base.gz" in lines[-2]
    assert "record of the generated files differs" in lines[-1]
    assert not any(re.search(r"[0-9a-f]{64}", line) for line in lines)
