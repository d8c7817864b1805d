"""Specs split into several files: bundled into one document, errors located in the file that holds them."""

from __future__ import annotations

import importlib
import json
import pkgutil
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURES as ALL_FIXTURES
from conftest import ROOT, import_generated, require_shared
from loopback import Reply

from clientsmith.cli import main
from clientsmith.config import ClientTarget
from clientsmith.output.write import write_package
from clientsmith.pipeline import build_package
from clientsmith.spec.merge import HTTP_METHODS, load_spec
from clientsmith.spec.resolve import Resolver, iter_refs

FIXTURES = ALL_FIXTURES / "multifile"
TREE = FIXTURES / "tree"


def bundle(spec: Path, out: Path) -> dict:
    assert main(["bundle", str(spec), "-o", str(out)]) == 0
    return yaml.safe_load(out.read_text())


def test_every_kind_lands_in_its_section_and_the_result_stands_alone(tmp_path):
    document = bundle(TREE / "openapi.yaml", tmp_path / "bundled.yaml")
    components = document["components"]
    assert {section: sorted(entries) for section, entries in components.items()} == {
        "schemas": ["Error", "Limit", "Metric", "Thing", "b_Metric"],
        "examples": ["one"], "headers": ["X-Rate"], "links": ["Self"], "parameters": ["per_page"],
        "requestBodies": ["NewMetric"], "responses": ["Metrics", "Problem"],
    }
    # two files each define `Metric`: both survive, named apart
    assert components["schemas"]["Metric"]["required"] == ["name"]
    assert components["schemas"]["b_Metric"]["required"] == ["name", "value"]
    # refs inside a referenced file, `#/...` ones included, follow that file
    assert components["schemas"]["b_Metric"]["properties"]["parent"] == {"$ref": "#/components/schemas/b_Metric"}
    assert components["schemas"]["Thing"]["properties"]["children"]["items"] == {"$ref": "#/components/schemas/Thing"}
    assert components["parameters"]["per_page"]["schema"] == {"$ref": "#/components/schemas/Limit"}
    assert components["schemas"]["Limit"]["minimum"] == 1e-08  # a number, not the string "1e-08"
    assert components["schemas"]["Thing"]["properties"]["label"]["example"] == "\U0001f44d"
    # path items and operations have no component slot: inlined where they are used
    assert document["paths"]["/things/{id}"]["get"]["operationId"] == "getThing"
    assert document["paths"]["/metrics"]["post"]["requestBody"] == {"$ref": "#/components/requestBodies/NewMetric"}
    assert all(ref.startswith("#/") for _, ref in iter_refs(document))
    assert main(["validate", str(tmp_path / "bundled.yaml")]) == 0


def test_bundle_does_not_depend_on_file_order(tmp_path):
    """The same tree written in two orders bundles to the same bytes."""
    files = sorted(p for p in TREE.rglob("*") if p.is_file())
    outputs = []
    for name, order in (("forward", files), ("backward", files[::-1])):
        for path in order:
            target = tmp_path / name / path.relative_to(TREE)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
        bundle(tmp_path / name / "openapi.yaml", tmp_path / f"{name}.json")
        outputs.append((tmp_path / f"{name}.json").read_bytes())
    assert outputs[0] == outputs[1]


def test_each_referenced_file_is_read_once(monkeypatch):
    import clientsmith.spec.bundle as bundle_module

    reads: list[str] = []
    original = bundle_module.load_file

    def counting(path, *args, **kwargs):
        reads.append(Path(path).relative_to(TREE).as_posix())
        return original(path, *args, **kwargs)

    monkeypatch.setattr(bundle_module, "load_file", counting)
    load_spec(TREE / "openapi.yaml", ROOT)
    assert sorted(reads) == sorted(set(reads))
    assert {"models/a/metric.yaml", "models/b/metric.yaml", "models/thing.json"} <= set(reads)


def test_generated_client_works_over_file_refs(tmp_path, server):
    out = tmp_path / "out"
    assert main(["generate", "--spec", str(TREE / "openapi.yaml"), "--package", "multi", "--output", str(out),
                 "--no-cache"]) == 0
    multi = import_generated(out, "multi")
    server.reply(Reply(200, {"id": "t1", "children": [{"id": "t2"}], "metric": {"name": "cpu"}}))
    with multi.Client(base_url=server.url) as client:
        thing = client.things.get_thing("t1")
        assert thing.children[0].id == "t2" and thing.metric.name == "cpu"
        server.reply(Reply(201, {"name": "cpu", "value": 2.5}))
        created = client.metrics.add_metric(body={"name": "cpu", "value": 2.5})
    assert created.value == 2.5
    assert json.loads(server.requests[1].body) == {"name": "cpu", "value": 2.5}


def test_folder_of_files_referring_to_each_other(tmp_path, capsys, monkeypatch, server):
    """A folder where namespace files refer into schema files: schema files are not merged as fragments,
    `Metric` from three files is three components, each file's own `info` is no conflict, and a file that
    is not an OpenAPI document is left out with a warning."""
    monkeypatch.chdir(ROOT)
    document = bundle(FIXTURES / "folder", tmp_path / "bundled.yaml")
    assert capsys.readouterr().err.strip().splitlines() == [
        "tests/fixtures/multifile/folder/_notes.yaml:1: /: warning: holds no OpenAPI field at its top level and "
        "no file refers to it: not part of the spec"]
    assert document["info"] == {"title": "Folder API", "version": "2"}
    schemas = document["components"]["schemas"]
    assert sorted(schemas) == ["Metric", "Names", "cluster.stats_Metric", "nodes.stats_Metric"]
    assert schemas["cluster.stats_Metric"]["properties"]["base"] == {"$ref": "#/components/schemas/Metric"}
    assert schemas["nodes.stats_Metric"]["properties"]["self"] == {"$ref": "#/components/schemas/nodes.stats_Metric"}
    assert sorted(document["paths"]) == ["/_cluster/stats", "/_nodes/stats"]
    out = tmp_path / "out"
    assert main(["generate", "--spec", "tests/fixtures/multifile/folder", "--package", "folder", "--output",
                 str(out), "--no-cache"]) == 0
    folder = import_generated(out, "folder")
    server.reply(Reply(200, {"nodes": 3, "names": ["a"], "base": {"unit": "b"}}))
    with folder.Client(base_url=server.url) as client:
        stats = client.cluster.cluster_stats(metric=["heap"])
        assert (stats.nodes, stats.base.unit) == (3, "b")
        server.reply(Reply(200, {"heap": 7, "self": {"heap": 8}}))
        nodes = client.nodes.nodes_stats()
    assert nodes.self.heap == 8
    assert type(stats) is not type(nodes)  # two files' `Metric`, two models


def validate_lines(spec: Path, capsys, monkeypatch) -> list[str]:
    monkeypatch.chdir(ROOT)
    assert main(["validate", spec.relative_to(ROOT).as_posix()]) == 1
    return capsys.readouterr().out.strip().splitlines()


def test_every_problem_is_listed_where_it_is(capsys, monkeypatch):
    """A missing file, a ref out of the folder, a target that is not there, a file that does not parse and a
    bad parameter inside a referenced file: all listed at once, each in the file that holds it."""
    broken = "tests/fixtures/multifile/broken"
    assert validate_lines(FIXTURES / "broken" / "openapi.yaml", capsys, monkeypatch) == [
        f"{broken}/openapi.yaml:9: /paths/~1a/get/parameters/1/$ref: $ref 'parts/missing.yaml': no such file",
        f"{broken}/openapi.yaml:10: /paths/~1a/get/parameters/2/$ref: $ref '../outside.yaml#/x' leads outside "
        "the spec's folder; not read",
        f"{broken}/openapi.yaml:22: /paths/~1b/get/responses/200/content/application~1json/schema/$ref: "
        "$ref 'parts/params.yaml#/NoSuchSchema' does not resolve",
        f"{broken}/openapi.yaml:27: /paths/~1c/get/responses/200: 'description' is a required property",
        f"{broken}/parts/not_yaml.yaml:3: /: YAML does not parse: did not find expected ',' or ']'",
        f"{broken}/parts/params.yaml:7: /bad/in: 'quer' is not one of ['path', 'query', 'header', 'cookie']",
    ]


def test_cycles_across_files(capsys, monkeypatch):
    cycles = "tests/fixtures/multifile/cycles"
    assert validate_lines(FIXTURES / "cycles" / "openapi.yaml", capsys, monkeypatch) == [
        f"{cycles}/openapi.yaml:14: /paths/~1x/get/responses/200/content/application~1json/schema/$ref: "
        "$ref cycle with no schema in between: #/components/schemas/x -> #/components/schemas/y -> "
        "#/components/schemas/x",
        f"{cycles}/paths/b.yaml:1: /$ref: $ref 'a.yaml' refers back to itself through other files "
        "(a cycle that cannot be inlined)",
        f"{cycles}/schemas/x.yaml:1: /$ref: $ref cycle with no schema in between: #/components/schemas/y -> "
        "#/components/schemas/x -> #/components/schemas/y",
        f"{cycles}/schemas/y.yaml:1: /$ref: $ref cycle with no schema in between: #/components/schemas/x -> "
        "#/components/schemas/y -> #/components/schemas/x",
    ]


def test_symlink_leading_outside_is_not_followed(tmp_path, capsys, monkeypatch):
    spec = tmp_path / "spec"
    shutil.copytree(TREE, spec)
    # the link's target does not parse: had it been read, that would be the problem reported
    (spec / "common" / "headers.yaml").unlink()
    (spec / "common" / "headers.yaml").symlink_to(FIXTURES / "outside.yaml")
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "spec/openapi.yaml"]) == 1
    assert capsys.readouterr().out.strip().splitlines() == [
        "spec/paths/metrics.yaml:19: /post/responses/201/headers/X-Rate/$ref: $ref '../common/headers.yaml#/X-Rate' "
        "goes through a symbolic link leading outside the spec's folder; not read"
    ]


def test_fragment_that_does_not_parse_hides_nothing(tmp_path, capsys, monkeypatch):
    (tmp_path / "shared.yaml").write_text("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n")
    (tmp_path / "a.yaml").write_text("paths:\n  /a:\n    get: [unclosed\n")
    (tmp_path / "b.yaml").write_text(
        "paths:\n  /b:\n    get:\n      parameters:\n        - {name: q, in: quer, schema: {type: string}}\n"
        "      responses:\n        '200': {description: ok}\n")
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "."]) == 1
    assert capsys.readouterr().out.strip().splitlines() == [
        "a.yaml:4: /: YAML does not parse: did not find expected ',' or ']'",
        "b.yaml:5: /paths/~1b/get/parameters/0/in: 'quer' is not one of ['path', 'query', 'header', 'cookie']",
    ]


CORPUS = ROOT.parent / "shared" / "real" / "corpus"
MULTI_FILE = {  # the corpus's multi-file specs, as a user would name them, and their operations
    "lob/lob-api-public.yml": 105,
    "equinix-metal/openapi3.yaml": 220,
    "opensearch": 715,
}


@pytest.mark.parametrize("name", sorted(MULTI_FILE))
def test_corpus_multi_file_spec_bundles_and_validates(name, tmp_path, capsys):
    """Each bundles (leniently: some are slightly invalid) into one self-contained document with every
    operation, which validates again as it is."""
    require_shared(CORPUS)
    out = tmp_path / "bundled.json"
    assert main(["bundle", "--lenient", str(CORPUS / name), "-o", str(out)]) == 0
    document = json.loads(out.read_text())
    operations = [m for item in document["paths"].values() for m in item if m in HTTP_METHODS]
    assert len(operations) == MULTI_FILE[name]
    assert all(isinstance(ref, str) and ref.startswith("#/") for _, ref in iter_refs(document))
    assert Resolver(load_spec(out)).broken() == []
    if MULTI_FILE[name] < 500:  # validating the largest twice costs more than it tells
        capsys.readouterr()
        assert main(["validate", "--lenient", str(out)]) == 0


def test_opensearch_folder_keeps_same_names_from_different_files_apart():
    require_shared(CORPUS)
    spec = load_spec(CORPUS / "opensearch", keep_going=True)
    schemas = spec.document["components"]["schemas"]
    # `Metric` is defined in several schema files: each its own component, named after its file
    assert {"cluster.state_Metric", "indices.stats_Metric", "nodes.stats_Metric"} <= set(schemas)
    assert schemas["cluster.state_Metric"] != schemas["nodes.stats_Metric"]
    # files that are not OpenAPI documents are left out, said with a warning
    assert sorted(p.file.rsplit("/", 1)[-1] for p in spec.problems) == ["_info.yaml", "_superseded_operations.yaml"]
    assert all(p.level == "warning" for p in spec.problems)


def test_lob_generates_every_operation_and_every_module_imports(tmp_path):
    require_shared(CORPUS)
    target = ClientTarget(spec=CORPUS / "lob" / "lob-api-public.yml", package="lob", distribution="lob",
                          output=tmp_path / "out")
    package = build_package(target, ROOT)
    assert len(package.api.operations) == 105
    write_package(target.output, package.files)
    lob = import_generated(target.output, "lob")
    for module in pkgutil.walk_packages(lob.__path__, "lob."):
        importlib.import_module(module.name)


def test_changing_a_referenced_file_regenerates(tmp_path):
    """The package cache knows the files refs reached, not only the root file."""
    spec = tmp_path / "spec"
    shutil.copytree(TREE, spec)
    args = ["generate", "--spec", str(spec / "openapi.yaml"), "--package", "multi", "--output", str(tmp_path / "out"),
            "--cache-dir", str(tmp_path / "cache")]
    assert main(args) == 0
    metric = spec / "models" / "b" / "metric.yaml"
    metric.write_text(metric.read_text() + "    comment: {type: string}\n")
    assert main(args) == 0
    assert "comment: str | None" in (tmp_path / "out" / "multi" / "models.py").read_text()


def test_redocly_layout_whole_maps_and_markdown_descriptions(tmp_path, capsys):
    """`paths` and `components.schemas` as refs to index files, descriptions as refs to Markdown files."""
    spec = FIXTURES / "redocly" / "openapi.yaml"
    document = bundle(spec, tmp_path / "bundled.yaml")
    assert sorted(document["components"]["schemas"]) == ["Category", "NewPet", "Pet"]  # the index's names
    assert document["components"]["schemas"]["Pet"]["properties"]["category"] == {"$ref": "#/components/schemas/Category"}
    assert sorted(document["paths"]) == ["/pets", "/pets/{petId}"]
    assert document["info"]["description"] == "# Pet shop\n\nSells **pets**.\n"
    assert document["paths"]["/pets"]["get"]["description"].startswith("Lists every pet, oldest first.")
    assert document["tags"][0]["description"] == "Everything about pets.\n"
    assert main(["validate", str(tmp_path / "bundled.yaml")]) == 0
    # a broken entry of an index file is located in that file; a map ref to a list, and a loop, are refused
    tree = tmp_path / "tree"
    shutil.copytree(FIXTURES / "redocly", tree)
    (tree / "components" / "schemas" / "_index.yaml").write_text("Pet:\n  $ref: ./Missing.yaml\n")
    (tree / "paths" / "_index.yaml").write_text("- $ref: ./pets.yaml\n")
    capsys.readouterr()
    assert main(["validate", str(tree / "openapi.yaml")]) == 1
    err = "".join(capsys.readouterr())
    assert "components/schemas/_index.yaml:2: /Pet/$ref: $ref './Missing.yaml': no such file" in err
    assert "openapi.yaml:15: /paths/$ref: $ref './paths/_index.yaml' stands for a map: its target is not one" in err
    (tree / "paths" / "_index.yaml").write_text("/pets:\n  $ref: ./pets.yaml\n")
    (tree / "components" / "schemas" / "_index.yaml").write_text("Pet:\n  $ref: ./Pet.yaml\n")
    (tree / "components" / "schemas" / "Pet.yaml").write_text("description:\n  $ref: ../../../outside.md\n")
    assert main(["validate", str(tree / "openapi.yaml")]) == 1
    err = "".join(capsys.readouterr())
    assert "Pet.yaml:2: /description/$ref: $ref '../../../outside.md' leads outside the spec's folder" in err


def test_redocly_layout_lists_and_nested_index_files(tmp_path, capsys):
    """`tags`, `servers` and an operation's `parameters` as refs to files holding the list; an index file
    that is a ref to another index (followed), and index files referring to each other in a loop (refused,
    located in the file that closes it)."""
    tree = tmp_path / "tree"
    shutil.copytree(FIXTURES / "redocly", tree)
    root = tree / "openapi.yaml"
    text = root.read_text()
    text = text.replace("servers:\n  - url: https://pets.example\n", "servers:\n  $ref: ./servers.yaml\n")
    text = text.replace("tags:\n  - name: pets\n    description:\n      $ref: ./descriptions/pets-tag.md\n",
                        "tags:\n  $ref: ./tags.yaml\n")
    root.write_text(text)
    (tree / "servers.yaml").write_text("- url: https://pets.example\n- url: https://eu.pets.example\n")
    (tree / "tags.yaml").write_text("- name: pets\n  description:\n    $ref: ./descriptions/pets-tag.md\n")
    (tree / "paths" / "_index.yaml").rename(tree / "paths" / "_all.yaml")
    (tree / "paths" / "_index.yaml").write_text("$ref: ./_all.yaml\n")
    document = bundle(root, tmp_path / "bundled.yaml")
    assert document["servers"] == [{"url": "https://pets.example"}, {"url": "https://eu.pets.example"}]
    assert document["tags"] == [{"name": "pets", "description": "Everything about pets.\n"}]
    assert sorted(document["paths"]) == ["/pets", "/pets/{petId}"]
    out = tmp_path / "out"
    assert main(["generate", "--no-cache", "--spec", str(root), "--package", "shop", "--output", str(out)]) == 0
    assert "https://eu.pets.example" in (out / "shop" / "_client.py").read_text()  # the servers offered
    (tree / "paths" / "_all.yaml").write_text("$ref: ./_index.yaml\n")
    (tree / "tags.yaml").write_text("- $ref: ./missing.yaml\n")
    capsys.readouterr()
    assert main(["validate", str(root)]) == 1
    err = "".join(capsys.readouterr())
    assert "paths/_all.yaml:1: /$ref: $ref './_index.yaml' refers back to itself through other files" in err
    assert "tags.yaml:1: /0/$ref: $ref './missing.yaml': no such file" in err
    assert "Traceback" not in err and "internal error" not in err
