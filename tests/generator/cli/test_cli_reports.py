"""What the command line says per client and how it exits: each client's own verdict, named exit codes."""

from __future__ import annotations

import re
import shutil

from conftest import FIXTURES, ROOT

import clientsmith.cli as cli
from clientsmith.cli import main
from clientsmith.output.render import FLAVORS


def two_clients(tmp_path):
    """A project with two clients of the mini spec, `first` and `second`, both generated."""
    shutil.copytree(FIXTURES / "mini", tmp_path / "specs" / "mini")
    entries = "".join(f'\n[[tool.clientsmith.clients]]\nspec = "specs/mini"\npackage = "{name}"\n'
                      f'distribution = "{name}"\noutput = "generated/{name}"\n' for name in ("first", "second"))
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "shop"\nversion = "0"\n' + entries)
    assert main(["generate", "--config", str(tmp_path / "pyproject.toml")]) == 0
    return tmp_path / "pyproject.toml"


def test_check_says_up_to_date_for_each_client_that_is_after_a_stale_one(tmp_path, capsys):
    config = two_clients(tmp_path)
    (tmp_path / "generated" / "first" / "first" / "api" / "things.py").unlink()  # `first` is stale
    capsys.readouterr()
    assert main(["check", "--config", str(config)]) == 1
    captured = capsys.readouterr()
    assert "second: up to date" in captured.out
    assert "first: up to date" not in captured.out
    assert "generated output is stale" in captured.err


def test_an_internal_error_exits_with_its_own_named_code(tmp_path, capsys, monkeypatch):
    def broken(args):
        raise RuntimeError("boom")

    monkeypatch.setitem(cli.COMMANDS, "generate", broken)
    code = main(["generate", "--spec", str(FIXTURES / "mini"), "--package", "mini", "--output", str(tmp_path / "o")])
    assert code == cli.EXIT_INTERNAL
    assert code not in (cli.EXIT_OK, cli.EXIT_PROBLEMS, cli.EXIT_USAGE)
    assert capsys.readouterr().err.strip() == (
        "clientsmith: internal error: RuntimeError: boom (rerun with --debug for a traceback)")


def test_every_flavour_key_is_read_by_a_template():
    used = set()
    for path in (ROOT / "templates").rglob("*.jinja"):
        used |= set(re.findall(r"\bflavor\.(\w+)", path.read_text()))
    for flavor in FLAVORS:
        assert set(flavor) <= used, sorted(set(flavor) - used)
