"""Other generators' own test specs (../shared/real/peers), and the shapes of spec they showed breaking
(tests/fixtures/peer-shapes): each valid document gives a complete client, every module of every client
imports and all of them are `mypy --strict` and pyflakes clean; each other document is refused with located errors
for the reason listed below. Never an internal error.

Generation runs in-process per document; the imports and mypy run once over every client together."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import OUTCOMES, lint_findings, mypy_strict, require_shared
from peer_documents import DOCUMENTS, PEERS, SHAPES

from clientsmith.cli import main
from clientsmith.spec.merge import HTTP_METHODS, load_spec

# The type check at the end reads every client the module made: one process runs them all (pytest-xdist).
pytestmark = pytest.mark.xdist_group("peers")


# Documents refused even with --lenient, and why (a part of the first error message).
EXPECTED_REFUSALS = {
    # openapi-python-client's own broken documents
    "opc/documents_with_errors__circular-body-ref.yaml": "$ref cycle with no schema in between",
    "opc/documents_with_errors__missing-body-ref.yaml": "does not resolve",
    # not OpenAPI documents: bare JSON Schemas, fragments, data, an unsupported version
    "dmcg/aliases.json": "no file declares `openapi`",
    "dmcg/array_called_fields_with_oneOf_items.yaml": "no file declares `openapi`",
    "dmcg/empty_aliases.json": "no file declares `openapi`",
    "dmcg/extra_data.json": "no file declares `openapi`",
    "dmcg/flat_type.jsonschema": "no file declares `openapi`",
    "dmcg/invalid.yaml": "no file declares `openapi`",
    "dmcg/list.json": "a spec file must hold a mapping",
    "dmcg/item_schema.yaml": "unsupported OpenAPI version '3.2.0'",
    # files that do not parse
    "dmcg/complex_reference.json": "JSON does not parse",
    "dmcg/not.json": "JSON does not parse",
    "dmcg/subclass_enum.json": "JSON does not parse",
    # refs that cannot be followed: missing files or targets, placeholders its tests substitute, remote
    # refs without --allow-remote-refs, files outside the spec's folder
    "dmcg/json_pointer.yaml": "no such file",
    "dmcg/no_components.yaml": "does not resolve",
    "dmcg/external_ref_mapping/api_absolute_path_template.yaml": "no such file",
    "dmcg/external_ref_mapping/api_file_uri_template.yaml": "no such file",
    "dmcg/body_and_parameters_remote_ref.yaml": "is not followed",
    "dmcg/read_only_write_only_url_ref.yaml": "is not followed",
    "dmcg/refs.yaml": "is not followed",
    "dmcg/external_ref_mapping/nested/level1.yaml": "leads outside the spec's folder",
    "dmcg/external_relative_ref/model_b/module.openapi.yaml": "leads outside the spec's folder",
    "dmcg/reference_same_hierarchy_directory/public/entities.yaml": "leads outside the spec's folder",
    # a path parameter the operation never declares: no method signature can be right
    "dmcg/content_in_parameters.yaml": "is not declared",
    # two schemas each inheriting from the other: no class hierarchy expresses that
    "shapes/allof_cycle.yaml": "schemas extending each other through `allOf` in a ring (Request -> Response -> Request)",
}
LOCATED = re.compile(r"^[^:]+:\d+: (/\S*): ")




def package_name(name: str) -> str:
    return "peer_" + re.sub(r"\W", "_", name.rsplit(".", 1)[0]).lower()


@pytest.fixture(scope="session")  # session: pytest-xdist may run other modules between these tests
def clients(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Package name -> its distribution folder, filled by the per-document tests."""
    return {"": tmp_path_factory.mktemp("peers")}


def operations(spec: Path) -> int:
    document = load_spec(spec, spec.parent, keep_going=True).document
    return sum(method in HTTP_METHODS for item in (document.get("paths") or {}).values() if isinstance(item, dict)
               for method in item)


def methods(package: Path) -> int:
    """Resource methods a user calls, one per operation (async twins and raw-response views not counted)."""
    count = 0
    for module in (package / "api").glob("*.py"):
        body = ast.parse(module.read_text(encoding="utf-8")).body
        classes = {node.name for node in body if isinstance(node, ast.ClassDef)}
        for node in body:
            if isinstance(node, ast.ClassDef) and not (node.name.startswith("Async") and node.name[5:] in classes
                                                       or "RawResponse" in node.name):
                count += sum(isinstance(f, ast.FunctionDef) and not f.name.startswith("_") and not f.decorator_list
                             for f in node.body)
    return count


@pytest.mark.parametrize("name,spec", DOCUMENTS, ids=[name for name, _ in DOCUMENTS])
def test_peer_document_gives_a_complete_client_or_a_located_refusal(name, spec, clients, capsys):
    check_document(name, spec, clients, capsys)


def check_document(name: str, spec: Path, clients: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    """A complete client (recorded in `clients`) or the expected located refusal, nothing written."""
    package = package_name(name)
    out = clients[""] / package
    code = main(["generate", "--lenient", "--no-cache", "--spec", str(spec), "--package", package,
                 "--output", str(out)])
    err = capsys.readouterr().err
    first = next((line for line in err.splitlines() if ": warning: " not in line), "")
    OUTCOMES[spec.resolve()] = ("ok" if code == 0 else f"internal error: {err}" if code == 3 or "Traceback" in err
                                else f"refused: {first}" if LOCATED.match(first) else f"refused, not located: {first}")
    assert "internal error" not in err and "Traceback" not in err, err
    if name in EXPECTED_REFUSALS:
        errors = [line for line in err.splitlines() if LOCATED.match(line) and ": warning: " not in line]
        assert code == 1 and errors, err
        assert EXPECTED_REFUSALS[name] in errors[0], errors[0]
        assert not out.exists()  # nothing written
        return
    assert code == 0, err
    assert methods(out / package) == operations(spec)
    clients[package] = out


def test_every_peer_client_imports_and_is_mypy_strict_clean(clients, tmp_path, capsys):
    require_shared(PEERS)  # skipped where ../shared is absent, a failure in CI
    # the clients the per-document tests made in this process; any they did not (run alone, or the tests
    # spread over processes) are generated here, so the check always covers every client
    for name, spec in DOCUMENTS:
        if name not in EXPECTED_REFUSALS and package_name(name) not in clients:
            check_document(name, spec, clients, capsys)
    built = {package: out for package, out in clients.items() if package}
    assert len(built) == len(DOCUMENTS) - len(EXPECTED_REFUSALS)
    probe = ("import importlib, json, pkgutil, sys\nfailed = {}\n"
             "for name in sys.argv[1:]:\n"
             "    try:\n"
             "        package = importlib.import_module(name)\n"
             "        for m in pkgutil.walk_packages(package.__path__, name + '.'):\n"
             "            importlib.import_module(m.name)\n"
             "    except Exception as exc:\n"
             "        failed[name] = f'{type(exc).__name__}: {exc}'[:300]\n"
             "print(json.dumps(failed))")
    env_path = [str(out) for out in built.values()]
    run = subprocess.run([sys.executable, "-c", probe, *built], capture_output=True, text=True,
                         env={"PYTHONPATH": ":".join(env_path), "PATH": ""})
    assert run.returncode == 0, run.stderr[-2000:]
    assert json.loads(run.stdout) == {}
    # one mypy run over every client: each is a package of its own, found through its folder
    check = mypy_strict(Path.cwd(), *[out / package for package, out in built.items()])
    assert check.returncode == 0, check.stdout[-4000:]
    # and what users' linters check: no unused import, no shadowed name
    assert lint_findings(*(out / package for package, out in built.items())) == []


def test_generator_only_options_are_ignored_not_imported(tmp_path, capsys):
    """customTypePath, customBasePath, x-python-type and x-python-import name modules of a
    datamodel-code-generator user's project: a client keeps each field's schema type and its own base,
    and the user is told where each option is ignored."""
    out = tmp_path / "out"
    assert main(["generate", "--no-cache", "--spec", str(SHAPES / "generator_options.yaml"), "--package", "opts",
                 "--output", str(out)]) == 0
    warned = [line.split(": warning: ")[0].split(": ", 1)[1] for line in capsys.readouterr().err.splitlines()
              if ": warning: " in line and "datamodel-code-generator" in line]
    assert warned == ["/components/schemas/Pet/customBasePath", "/components/schemas/Pet/properties/id/customTypePath",
                      "/components/schemas/Pet/properties/name/x-python-type",
                      "/components/schemas/Pet/properties/born/x-python-import"]
    models = (out / "opts" / "models.py").read_text(encoding="utf-8")
    assert "myproject" not in models
    tree = ast.parse(models)
    pet = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Pet")
    assert [ast.unparse(b) for b in pet.bases] == ["ApiModel"]
    fields = {s.target.id: ast.unparse(s.annotation) for s in pet.body if isinstance(s, ast.AnnAssign)}
    assert fields["id"] == "int" and fields["name"] == "str | None" and "date" in fields["born"]


def test_querystring_parameter_sends_its_fields_as_query_pairs(tmp_path, server):
    """`in: querystring` (OpenAPI 3.2): one argument whose fields are the query string."""
    from conftest import import_generated
    from loopback import Reply

    out = tmp_path / "out"
    assert main(["generate", "--lenient", "--no-cache", "--spec", str(SHAPES / "querystring_31.yaml"),
                 "--package", "qs", "--output", str(out)]) == 0
    qs = import_generated(out, "qs")
    server.reply(Reply(200, None))
    with qs.Client(base_url=server.url) as client:
        client.events.list_events(querystring={"status": "open", "page": 2})
    assert server.requests[0].query == [("status", "open"), ("page", "2")]


def test_allof_rings_are_refused_where_they_close(tmp_path, capsys):
    """Schemas extending each other through `allOf` cannot be classes: each ring is one located error, at
    the `$ref` that closes it; a ring longer than Python's recursion limit is found too."""
    from clientsmith.spec.allof_cycles import allof_rings

    spec = tmp_path / "rings.yaml"
    spec.write_text('openapi: 3.0.3\ninfo: {title: t, version: "1"}\npaths: {}\ncomponents:\n  schemas:\n'
                    '    A: {allOf: [{$ref: "#/components/schemas/A"}]}\n'
                    '    B: {allOf: [{$ref: "#/components/schemas/C"}]}\n'
                    '    C: {allOf: [{type: object}, {$ref: "#/components/schemas/D"}]}\n'
                    '    D: {allOf: [{$ref: "#/components/schemas/B"}]}\n'
                    '    E: {allOf: [{$ref: "#/components/schemas/B"}]}\n')
    assert main(["generate", "--lenient", "--no-cache", "--spec", str(spec), "--package", "rings",
                 "--output", str(tmp_path / "out")]) == 1
    errors = [line.split(": ", 2)[1:] for line in capsys.readouterr().err.splitlines()]
    assert [pointer for pointer, _ in errors] == ["/components/schemas/A/allOf/0/$ref",
                                                  "/components/schemas/D/allOf/0/$ref"]
    assert "(B -> C -> D -> B)" in errors[1][1]
    assert not (tmp_path / "out").exists()
    count = sys.getrecursionlimit() * 2
    long_ring = {"components": {"schemas": {f"S{i}": {"allOf": [{"$ref": f"#/components/schemas/S{(i + 1) % count}"}]}
                                            for i in range(count)}}}
    assert [(where, len(ring)) for where, ring in allof_rings(long_ring)] == [
        (f"/components/schemas/S{count - 1}/allOf/0/$ref", count + 1)]
