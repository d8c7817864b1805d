"""Errors a newcomer meets say what to do next: the reason a name is refused, the name a typo meant."""

from __future__ import annotations


from conftest import FIXTURES

import pytest

from clientsmith.cli import main



@pytest.mark.parametrize(("name", "reason"), [
    ("class", "is a Python keyword"),
    ("json", "is a standard-library module"),
    ("typing", "is a standard-library module"),
    ("my-client", "is not a Python identifier"),
])
def test_package_names_that_cannot_be_imported_are_refused_with_the_reason(name, reason, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["generate", "--spec", str(FIXTURES / "vault.yaml"), "--package", name, "--output", str(out)]) == 2
    assert f"--package {name!r} {reason}" in capsys.readouterr().err
    assert not out.exists()


def test_ir_and_diff_refuse_the_same_names(capsys):
    spec = str(FIXTURES / "vault.yaml")
    assert main(["ir", spec, "--package", "json"]) == 2
    assert "--package 'json' is a standard-library module" in capsys.readouterr().err
    assert main(["diff", spec, spec, "--package", "class", "--no-cache"]) == 2
    assert "--package 'class' is a Python keyword" in capsys.readouterr().err


def test_the_same_rule_holds_in_the_config(tmp_path, capsys, monkeypatch):
    (tmp_path / "pyproject.toml").write_text('[[tool.clientsmith.clients]]\nspec = "api.yaml"\npackage = "json"\n'
                                             'output = "client"\n')
    monkeypatch.chdir(tmp_path)
    assert main(["generate"]) == 2
    assert "package 'json' is a standard-library module" in capsys.readouterr().err


SPEC = """openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /things:
    get:
      operationId: listThings
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '%s'}
components:
  schemas:
    Thing: {type: object, properties: {id: {type: string}}}
"""


def test_a_broken_ref_suggests_the_nearest_name(tmp_path, capsys):
    spec = tmp_path / "api.yaml"
    spec.write_text(SPEC % "#/components/schemas/Thnig")
    assert main(["validate", str(spec)]) == 1
    assert ("$ref '#/components/schemas/Thnig' does not resolve; did you mean '#/components/schemas/Thing'?"
            in capsys.readouterr().out)
    # ... through a file ref too, naming the file as the ref did
    (tmp_path / "schemas.yaml").write_text("Thing: {type: object}\nOther: {type: string}\n")
    spec.write_text(SPEC % "schemas.yaml#/Thingg")
    assert main(["validate", str(spec)]) == 1
    assert "did you mean 'schemas.yaml#/Thing'?" in capsys.readouterr().out
    # nothing close: no guess
    spec.write_text(SPEC % "#/components/schemas/Zebra")
    assert main(["validate", str(spec)]) == 1
    assert "did you mean" not in capsys.readouterr().out


def test_swagger_2_refusal_names_a_converter(tmp_path, capsys):
    spec = tmp_path / "api.yaml"
    spec.write_text("swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n")
    assert main(["validate", str(spec)]) == 1
    out = capsys.readouterr().out
    assert "Swagger 2.0 is not supported" in out and "swagger2openapi" in out and "Swagger Editor" in out


def test_a_misspelt_block_in_an_override_names_the_template_line_and_the_real_blocks(tmp_path, capsys):
    import shutil

    templates = tmp_path / "templates"
    shutil.copytree(FIXTURES / "override-templates", templates)
    resource = templates / "package" / "api" / "resource.py.jinja"
    text = resource.read_text()
    resource.write_text(text + "{% block imprts %}\nimport os\n{% endblock %}\n")
    line = len(text.splitlines()) + 1
    out = tmp_path / "out"
    code = main(["generate", "--spec", str(FIXTURES / "mini"), "--package", "mini", "--output", str(out),
                 "--templates", str(templates), "--no-cache"])
    err = capsys.readouterr().err
    assert code == 1 and not out.exists()
    assert f"resource.py.jinja:{line}: block 'imprts' is not a block of 'builtin/package/api/resource.py.jinja'" in err
    assert "its blocks are " in err and "imports" in err.split("its blocks are ")[1]
    # the fixture's own, correctly named blocks pass
    resource.write_text(text)
    assert main(["generate", "--spec", str(FIXTURES / "mini"), "--package", "mini", "--output", str(out),
                 "--templates", str(templates), "--no-cache"]) == 0
