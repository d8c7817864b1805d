"""A corpus of broken and hostile specs (tests/corpus), each with its expected outcome."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, import_generated, mypy_strict, read_tree
from loopback import Reply

from clientsmith.cli import main

CORPUS = ROOT / "tests" / "corpus"

# The exact lines `clientsmith validate` prints, relative to the repository root.
EXPECTED_ERRORS = {
    "empty.yaml": ["tests/corpus/empty.yaml:1: /: file is empty"],
    "not_yaml.yaml": ["tests/corpus/not_yaml.yaml:4: /: YAML does not parse: found unexpected end of stream"],
    "top_level_list.yaml": ["tests/corpus/top_level_list.yaml:1: /: a spec file must hold a mapping at the top level"],
    "duplicate_key.yaml": ["tests/corpus/duplicate_key.yaml:4: /paths: duplicate key 'paths'"],
    "swagger2.yaml": ["tests/corpus/swagger2.yaml:1: /swagger: Swagger 2.0 is not supported: convert the spec to OpenAPI 3.x first (`npx swagger2openapi spec.yaml -o openapi.yaml`, or the Swagger Editor's Edit > Convert to OpenAPI 3)"],
    "unsupported_version.yaml": [
        "tests/corpus/unsupported_version.yaml:1: /openapi: unsupported OpenAPI version '4.0.0': 3.0.x and 3.1.x are supported"
    ],
    "missing_info_version.yaml": ["tests/corpus/missing_info_version.yaml:2: /info: 'version' is a required property"],
    "unresolvable_ref.yaml": [
        "tests/corpus/unresolvable_ref.yaml:11: /paths/~1a/get/responses/200/content/application~1json/schema/$ref: "
        "$ref '#/components/schemas/Missing' does not resolve"
    ],
    "remote_ref.yaml": [
        "tests/corpus/remote_ref.yaml:11: /paths/~1a/get/responses/200/content/application~1json/schema/$ref: "
        "remote $ref 'https://example.com/schemas.yaml#/Thing' is not followed"
    ],
    "ref_leaves_folder.yaml": [
        "tests/corpus/ref_leaves_folder.yaml:11: /paths/~1a/get/responses/200/content/application~1json/schema/$ref: "
        "$ref '../../../etc/passwd#/root' leads outside the spec's folder; not read"
    ],
    # a broken ref hides nothing else, and a misspelt `in` is named as such (not as a missing `$ref`)
    "several_problems.yaml": [
        "tests/corpus/several_problems.yaml:7: /paths/~1a/get/parameters/0/in: "
        "'quer' is not one of ['path', 'query', 'header', 'cookie']",
        "tests/corpus/several_problems.yaml:17: /paths/~1b/get/responses/200/content/application~1json/schema/$ref: "
        "$ref '#/components/schemas/Missing' does not resolve",
        "tests/corpus/several_problems.yaml:21: /paths/~1c/get/responses/200: 'description' is a required property",
    ],
    "ref_cycle.yaml": [
        "tests/corpus/ref_cycle.yaml:6: /components/schemas/A/$ref: $ref cycle with no schema in between: "
        "#/components/schemas/B -> #/components/schemas/A -> #/components/schemas/B",
        "tests/corpus/ref_cycle.yaml:7: /components/schemas/B/$ref: $ref cycle with no schema in between: "
        "#/components/schemas/A -> #/components/schemas/B -> #/components/schemas/A",
    ],
    "billion_laughs.yaml": [
        "tests/corpus/billion_laughs.yaml:3: /x-g/7/2/1/2/4/3/2: document expands to more than 5,000,000 nodes "
        "(YAML alias bomb?); refused"
    ],
    "duplicate_operation_id.yaml": [
        "tests/corpus/duplicate_operation_id.yaml:10: /paths/~1b/get/operationId: operationId 'getThing' also used at /paths/~1a/get"
    ],
    "undeclared_path_parameter.yaml": [
        "tests/corpus/undeclared_path_parameter.yaml:5: /paths/~1things~1{thing_id}/get: "
        "path parameter 'thing_id' of '/things/{thing_id}' is not declared"
    ],
}
GENERATES = {"hostile_strings.yaml"}


def test_every_corpus_file_has_an_expected_outcome():
    assert {p.name for p in CORPUS.glob("*.yaml")} == set(EXPECTED_ERRORS) | GENERATES


@pytest.mark.parametrize("name", sorted(EXPECTED_ERRORS))
def test_broken_spec_reports_exact_lines(name, capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(ROOT)
    assert main(["validate", f"tests/corpus/{name}"]) == 1
    assert capsys.readouterr().out.strip().splitlines() == EXPECTED_ERRORS[name]
    # generate says the same on stderr, exits 1, never a traceback, and writes nothing
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "clientsmith", "generate", "--spec", f"tests/corpus/{name}", "--package", "p",
         "--output", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == EXPECTED_ERRORS[name]
    assert "Traceback" not in result.stderr
    assert not out.exists()


@pytest.mark.parametrize("models", ["module", "package"])
def test_hostile_strings_stay_data(models, tmp_path, server, monkeypatch):
    monkeypatch.chdir(ROOT)
    out = tmp_path / "out"
    assert main(["generate", "--spec", "tests/corpus/hostile_strings.yaml", "--package", "hostile",
                 "--output", str(out), "--models", models]) == 0
    files = read_tree(out)
    for rel, data in files.items():
        if rel.endswith(".py"):
            compile(data, rel, "exec")
    # file names from tags cannot leave the package
    assert sorted(p for p in files if p.startswith("hostile/api/")) == [
        "hostile/api/__init__.py", "hostile/api/etc_passwd.py", "hostile/api/evil.py"]
    hostile = import_generated(out, "hostile")
    assert not Path("/tmp/pwned").exists()
    assert hostile.server_url() == (
        "https://example.com\"; import os #/api\"+__import__('os').system('touch /tmp/pwned')+\""
    )
    import importlib

    models = importlib.import_module("hostile.models")
    assert [line.strip() for line in models.Class.__doc__.strip().splitlines()] == [
        '"""', "import os", "os.system('touch /tmp/pwned')", '"""']
    fields = models.Class.model_fields
    assert {"model_config_", "model_fields_", "schema_", "json_", "dict_", "copy_", "field_1st", "with_dash",
            "with_space", "import_", "un_ic_od_e", "unicode"} <= set(fields)
    assert fields["field_1st"].alias == "1st" and fields["with_space"].alias == "with space"
    parsed = models.Class.model_validate({"model_config": "a", "1st": 1, "kind": "{{ x }}", "json": "j"})
    assert parsed.model_dump(by_alias=True, exclude_unset=True) == {"model_config": "a", "1st": 1,
                                                                    "kind": models.ClassKind("{{ x }}"), "json": "j"}
    assert models.Class().model_config_ == 'x"y'
    # recursive and mutually recursive schemas work
    tree = models.Recursive.model_validate({"children": [{"children": []}], "partner": {"back": {"children": []}}})
    assert tree.partner.back.children == []
    # a path parameter named with quotes still lands in its own segment
    server.reply(Reply(200, {"kind": "a\"b"}))
    with hostile.Client(base_url=server.url) as client:
        result = client.etc_passwd.import_os_os_system_x("../x", class_='"""')
    assert server.requests[0].path == '/a/..%2Fx/x%22y'
    assert ("class", '"""') in server.requests[0].query
    assert result.kind.value == 'a"b'
    check = mypy_strict(out, "hostile")
    assert check.returncode == 0, check.stdout
