"""`clientsmith init` writes the config entry a new user would, and never clobbers one."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import FIXTURES

from clientsmith.cli import main

PROJECT = '[project]\nname = "shop"\nversion = "1.0"\n\n[tool.black]\nline-length = 100\n'


def project(tmp_path: Path) -> Path:
    (tmp_path / "specs").mkdir()
    shutil.copy(FIXTURES / "vault.yaml", tmp_path / "specs" / "vault.yaml")
    (tmp_path / "pyproject.toml").write_text(PROJECT)
    return tmp_path


def test_init_appends_an_entry_that_generate_and_check_use(tmp_path, monkeypatch, capsys):
    root = project(tmp_path)
    monkeypatch.chdir(root)
    assert main(["init", "--spec", "specs/vault.yaml", "--package", "vault"]) == 0
    text = (root / "pyproject.toml").read_text()
    assert text.startswith(PROJECT)  # the rest of the file as it was
    assert text[len(PROJECT):] == ('\n[[tool.clientsmith.clients]]\nspec = "specs/vault.yaml"\npackage = "vault"\n'
                                   'distribution = "vault"\noutput = "generated/vault"\n')
    assert "next: `clientsmith generate`" in capsys.readouterr().out
    nested = root / "src" / "shop"
    nested.mkdir(parents=True)
    monkeypatch.chdir(nested)  # paths are the config's, whatever folder the commands run from
    assert main(["generate"]) == 0
    assert (root / "generated" / "vault" / "vault" / "__init__.py").is_file()
    capsys.readouterr()
    assert main(["check"]) == 0
    assert capsys.readouterr().out.strip() == "vault: up to date"


def test_init_names_paths_relative_to_the_config_it_writes(tmp_path, monkeypatch):
    root = project(tmp_path)
    monkeypatch.chdir(root / "specs")
    assert main(["init", "--spec", "vault.yaml", "--package", "vault_api", "--output", "../clients/vault",
                 "--config", "../pyproject.toml"]) == 0
    text = (root / "pyproject.toml").read_text()
    assert 'spec = "specs/vault.yaml"' in text and 'output = "clients/vault"' in text
    assert 'distribution = "vault-api"' in text
    # a project without a pyproject.toml gets one
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    monkeypatch.chdir(fresh)
    assert main(["init", "--spec", "../specs/vault.yaml", "--package", "vault"]) == 0
    assert (fresh / "pyproject.toml").read_text().startswith('[[tool.clientsmith.clients]]\nspec = "../specs/vault.yaml"')


def test_init_refuses_to_clobber_an_entry(tmp_path, monkeypatch, capsys):
    root = project(tmp_path)
    monkeypatch.chdir(root)
    assert main(["init", "--spec", "specs/vault.yaml", "--package", "vault"]) == 0
    before = (root / "pyproject.toml").read_bytes()
    for flags in (["--package", "vault"], ["--package", "other", "--output", "generated/vault"]):
        assert main(["init", "--spec", "specs/vault.yaml", *flags]) == 2
        assert "already has a client for package 'vault' in generated/vault" in capsys.readouterr().err
    assert (root / "pyproject.toml").read_bytes() == before
    # another client beside it is no clobbering
    assert main(["init", "--spec", "specs/vault.yaml", "--package", "vault_v2"]) == 0
    assert (root / "pyproject.toml").read_text().count("[[tool.clientsmith.clients]]") == 2


def test_init_refuses_what_generate_would_refuse_writing_nothing(tmp_path, monkeypatch, capsys):
    root = project(tmp_path)
    monkeypatch.chdir(root)
    cases = [
        (["--spec", "specs/vault.yaml", "--package", "typing"], "--package 'typing' is a standard-library module"),
        (["--spec", "specs/vault.yaml", "--package", "my-client"], "is not a Python identifier"),
        (["--spec", "specs/nothere.yaml", "--package", "vault"], "specs/nothere.yaml: no such file or folder"),
    ]
    for flags, message in cases:
        assert main(["init", *flags]) == 2
        assert message in capsys.readouterr().err
    assert (root / "pyproject.toml").read_text() == PROJECT
    # a table written inline cannot take an appended entry: said, with the entry to add by hand
    inline = PROJECT + '\n[tool.clientsmith]\nclients = []\n'
    (root / "pyproject.toml").write_text(inline)
    assert main(["init", "--spec", "specs/vault.yaml", "--package", "vault"]) == 2
    err = capsys.readouterr().err
    assert "cannot add a [[tool.clientsmith.clients]] entry" in err and 'package = "vault"' in err
    assert (root / "pyproject.toml").read_text() == inline
    assert not list(root.glob(".pyproject.toml.*"))
