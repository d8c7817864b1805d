"""Overlays (OpenAPI Overlay 1.0): fixes to a vendor's spec kept in files of their own, applied after merging
and bundling, before validation; their problems located in the overlay file."""

from __future__ import annotations

import json
import re
import shutil
import textwrap
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURES, ROOT, import_generated, read_tree
from clientsmith.cli import main
from clientsmith.pipeline import load_and_validate
from clientsmith.problems import SpecError
from loopback import Reply

PETS = FIXTURES / "overlays" / "pets.yaml"
MINI = FIXTURES / "mini"


def overlay(path: Path, *actions: str) -> Path:
    """An overlay file holding `actions` (YAML list items, as written in a file)."""
    body = "".join(textwrap.indent(textwrap.dedent(a).strip("\n"), "  ") + "\n" for a in actions)
    path.write_text(f"overlay: 1.0.0\ninfo: {{title: Fixes, version: '1'}}\nactions:\n{body}")
    return path


def overlaid(tmp_path: Path, *actions: str, spec: Path = PETS, lenient: bool = False) -> dict:
    spec_copy = tmp_path / spec.name
    if spec.is_dir():
        shutil.copytree(spec, spec_copy)
    else:
        shutil.copy(spec, spec_copy)
    fixes = overlay(tmp_path / "fixes.yaml", *actions)
    document, _ = load_and_validate(spec_copy, tmp_path, lenient=lenient, overlays=(fixes,))
    return document.document


def problems(tmp_path: Path, *actions: str, spec: Path = PETS) -> list[str]:
    with pytest.raises(SpecError) as caught:
        overlaid(tmp_path, *actions, spec=spec)
    return [str(p) for p in caught.value.problems]


def line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line)


# Each action kind


def test_update_merges_objects_recursively_and_keeps_what_it_does_not_name(tmp_path):
    document = overlaid(tmp_path, """
        - target: $.components.schemas.Pet
          update:
            description: A pet.
            properties:
              id: {type: string, description: Opaque.}
        """)
    pet = document["components"]["schemas"]["Pet"]
    assert pet["description"] == "A pet."
    assert pet["properties"]["id"] == {"type": "string", "description": "Opaque."}
    assert pet["properties"]["name"] == {"type": "string"} and pet["required"] == ["id", "name"]


def test_update_appends_to_arrays_inside_objects_and_at_the_target(tmp_path):
    document = overlaid(tmp_path, """
        - target: $.components.schemas.Pet
          update: {required: [nickname], properties: {nickname: {type: string}}}
        """, """
        - target: $.paths['/pets'].get.parameters
          update: {name: q, in: query, schema: {type: string}}
        """)
    assert document["components"]["schemas"]["Pet"]["required"] == ["id", "name", "nickname"]
    assert [p["name"] for p in document["paths"]["/pets"]["get"]["parameters"]] == ["limit", "offset", "q"]


def test_remove_deletes_every_node_selected(tmp_path):
    document = overlaid(tmp_path, """
        - target: $.paths[*][?@.tags[0] == 'Pets' && @.operationId != 'listPets']
          remove: true
        """)
    assert list(document["paths"]["/pets/{pet_id}"]) == []
    assert list(document["paths"]["/pets"]) == ["get"]


def test_remove_of_several_array_items_removes_exactly_those(tmp_path):
    document = overlaid(tmp_path, """
        - target: $.paths['/pets'].get.parameters[?@.in == 'query']
          remove: true
        """)
    assert document["paths"]["/pets"]["get"]["parameters"] == []


def test_a_filter_selects_an_operation_wherever_it_lives(tmp_path):
    document = overlaid(tmp_path, """
        - target: $.paths[*][?@.operationId=='showPetById']
          update: {operationId: getPet, x-idempotent: true}
        """)
    operation = document["paths"]["/pets/{pet_id}"]["get"]
    assert operation["operationId"] == "getPet" and operation["x-idempotent"] is True


def test_actions_apply_in_order_each_seeing_what_the_earlier_ones_left(tmp_path):
    rename = """
        - target: $.paths[*][?@.operationId=='showPetById']
          update: {operationId: getPet}
        """
    describe = """
        - target: $.paths[*][?@.operationId=='getPet']
          update: {summary: Renamed first.}
        """
    document = overlaid(tmp_path, rename, describe)
    assert document["paths"]["/pets/{pet_id}"]["get"]["summary"] == "Renamed first."
    assert problems(tmp_path, describe, rename) == [
        "fixes.yaml:4: /actions/0/target: target \"$.paths[*][?@.operationId=='getPet']\" selects nothing"]


def test_several_overlays_apply_in_the_order_given(tmp_path, capsys):
    shutil.copy(PETS, tmp_path / "pets.yaml")
    first = overlay(tmp_path / "first.yaml", "- {target: $.info, update: {title: First}}")
    second = overlay(tmp_path / "second.yaml", "- {target: $.info, update: {title: Second}}")
    out = tmp_path / "bundled.json"
    assert main(["bundle", str(tmp_path / "pets.yaml"), "-o", str(out),
                 "--overlay", str(first), "--overlay", str(second)]) == 0
    assert json.loads(out.read_text())["info"]["title"] == "Second"
    assert main(["bundle", str(tmp_path / "pets.yaml"), "-o", str(out),
                 "--overlay", str(second), "--overlay", str(first)]) == 0
    assert json.loads(out.read_text())["info"]["title"] == "First"


def test_overlays_apply_after_fragments_are_merged(tmp_path):
    """A target may span fragments: here every operation of the merged folder."""
    document = overlaid(tmp_path, "- {target: '$.paths.*.*', update: {x-idempotent: true}}", spec=MINI)
    operations = [op for item in document["paths"].values() for op in item.values()]
    assert len(operations) == 6 and all(op["x-idempotent"] is True for op in operations)


# Located problems


@pytest.mark.parametrize("text, expected", [
    ("overlay: 2.0.0\ninfo: {title: t, version: '1'}\nactions: [{target: $, update: {}}]\n",
     "fixes.yaml:1: /overlay: not an Overlay 1.0 document: `overlay` must be a version 1.0.x, not '2.0.0'"),
    ("overlay: 1.0.0\ninfo: {version: '1'}\nactions: [{target: $, update: {}}]\n",
     "fixes.yaml:2: /info: `info.title` must be a string"),
    ("overlay: 1.0.0\ninfo: {title: t, version: 1}\nactions: [{target: $, update: {}}]\n",
     "fixes.yaml:2: /info/version: `info.version` must be a string"),
    ("overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions: []\n",
     "fixes.yaml:3: /actions: `actions` must be a non-empty list"),
    ("overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - update: {}\n",
     "fixes.yaml:4: /actions/0: an action needs a `target`: a JSONPath string"),
    ("overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.info\n",
     "fixes.yaml:4: /actions/0: an action needs `update` or `remove: true`"),
    ("overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - {target: $.info, update: {}, remove: true}\n",
     "fixes.yaml:4: /actions/0: an action has `update` or `remove: true`, not both"),
    ("overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - {target: $.info, remove: 'yes'}\n",
     "fixes.yaml:4: /actions/0/remove: `remove` must be true or false"),
    ("overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.info\n    updates: {}\n",
     "fixes.yaml:5: /actions/0/updates: unknown field 'updates' in an action"),
    ("overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.paths[?@.x ==]\n    remove: true\n",
     "fixes.yaml:4: /actions/0/target: invalid JSONPath '$.paths[?@.x ==]': "),
    ("overlay: 1.0.0\ninfo: {title: t, version: '1'}\nextends: [a]\nactions: [{target: $, update: {}}]\n",
     "fixes.yaml:3: /extends: `extends` must be a URL or path"),
    ("- just a list\n", "fixes.yaml:1: /: a spec file must hold a mapping at the top level"),
    ("overlay: 1.0.0\ninfo: [\n", "fixes.yaml:3: /: YAML does not parse: "),
])
def test_a_malformed_overlay_is_a_located_error_and_nothing_is_written(tmp_path, capsys, text, expected):
    shutil.copy(PETS, tmp_path / "pets.yaml")
    (tmp_path / "fixes.yaml").write_text(text)
    assert main(["generate", "--spec", str(tmp_path / "pets.yaml"), "--package", "pets", "--output",
                 str(tmp_path / "out"), "--overlay", str(tmp_path / "fixes.yaml"), "--no-cache"]) == 1
    err = capsys.readouterr().err.replace(str(tmp_path) + "/", "")
    assert expected in err, err
    assert not (tmp_path / "out").exists()


def test_an_overlay_file_that_does_not_exist_is_an_error(tmp_path, capsys):
    assert main(["validate", str(PETS), "--overlay", str(tmp_path / "missing.yaml")]) == 1
    assert f"{tmp_path}/missing.yaml:0: /: no such overlay file" in capsys.readouterr().out


def test_a_target_that_selects_nothing_is_an_error_and_a_warning_when_lenient(tmp_path, capsys):
    action = "- target: $.paths['/pet'].get\n  update: {x-idempotent: true}"
    expected = "fixes.yaml:4: /actions/0/target: target \"$.paths['/pet'].get\" selects nothing"
    assert problems(tmp_path, action) == [expected]
    fixes = overlay(tmp_path / "fixes.yaml", action)
    assert main(["validate", str(tmp_path / "pets.yaml"), "--overlay", str(fixes), "--lenient"]) == 0
    out = capsys.readouterr().out.replace(str(tmp_path) + "/", "")
    assert expected.replace("target: target", "target: warning: target") in out


def test_an_update_that_does_not_fit_the_node_is_located_at_the_action(tmp_path):
    assert problems(tmp_path, "- {target: $.info.title, update: {a: 1}}") == [
        "fixes.yaml:4: /actions/0/update: target '$.info.title' selects a string at /info/title: "
        "an update merges into an object or appends to an array"]
    assert problems(tmp_path, "- {target: $.info, update: renamed}") == [
        "fixes.yaml:4: /actions/0/update: target '$.info' selects an object at /info: "
        "only an object can be merged into it, not a string"]


def test_the_whole_document_cannot_be_removed(tmp_path):
    assert problems(tmp_path, "- {target: $, remove: true}") == [
        "fixes.yaml:4: /actions/0/target: the whole document cannot be removed"]


def test_an_overlay_kept_in_the_fragment_folder_is_applied_not_merged(tmp_path, capsys):
    shutil.copytree(MINI, tmp_path / "mini")
    fixes = overlay(tmp_path / "mini" / "fixes.yaml", "- {target: $.info, update: {title: Fixed}}")
    out = tmp_path / "bundled.json"
    assert main(["bundle", str(tmp_path / "mini"), "-o", str(out), "--overlay", str(fixes)]) == 0
    document = json.loads(out.read_text())
    assert document["info"]["title"] == "Fixed" and "actions" not in document
    assert capsys.readouterr().err == ""


def test_a_spec_made_invalid_by_an_update_names_the_action_and_the_pointer(tmp_path):
    found = problems(tmp_path, """
        - target: $.paths['/pets'].get
          update: {summary: Fine.}
        """, """
        - description: wrong type
          target: $.components.schemas.Pet.properties.id
          update: {type: strng}
        """)
    line = line_of(PETS, "id: {type: integer}")
    assert found and all(p.startswith(f"pets.yaml:{line}: /components/schemas/Pet/properties/id/type: ")
                         and p.endswith("(written by fixes.yaml:6 action 1)") for p in found), found


def test_a_spec_made_invalid_by_a_removal_names_the_action(tmp_path):
    found = problems(tmp_path, """
        - target: $.paths['/pets'].get.responses
          remove: true
        """)
    line = line_of(PETS, "    get:")
    assert found == [f"pets.yaml:{line}: /paths/~1pets/get: 'responses' is a required property "
                     "(removed by fixes.yaml:4 action 0)"], found


def test_a_generator_problem_caused_by_an_update_names_the_action(tmp_path, capsys):
    fixes = overlay(tmp_path / "fixes.yaml", """
        - target: $.paths['/pets'].get
          update:
            x-pagination: {limitParam: size, pageOffsetParam: offset, resultsPath: data}
        """)
    assert main(["ir", str(PETS), "--overlay", str(fixes)]) == 1
    found = capsys.readouterr().err.replace(str(tmp_path) + "/", "").splitlines()
    assert len(found) == 1 and "x-pagination" in found[0] and "size" in found[0]
    assert found[0].endswith("(written by fixes.yaml:4 action 0)"), found


def test_a_problem_the_overlay_did_not_cause_names_no_action(tmp_path):
    found = problems(tmp_path, """
        - target: $.components.schemas.Pet.properties.name
          update: {type: strng}
        """, """
        - target: $.components.schemas.Pet.properties.name
          update: {description: The name.}
        """, """
        - target: $.components.schemas.Pet.properties.id
          update: {description: The id.}
        """)
    assert found and all("properties/name/type" in p and p.endswith("(written by fixes.yaml:4 action 0)")
                         for p in found), found


# The README's worked example, end to end


def readme_overlay() -> str:
    section = (ROOT / "README.md").read_text().split("### Overlays", 1)[1]
    return re.search(r"```yaml\n(.*?)```", section, re.S).group(1)


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A project whose pyproject lists the vendor's pets spec with the README's overlay."""
    (tmp_path / "specs").mkdir()
    shutil.copy(PETS, tmp_path / "specs" / "pets.yaml")
    (tmp_path / "overlays").mkdir()
    (tmp_path / "overlays" / "fixes.yaml").write_text(readme_overlay())
    (tmp_path / "pyproject.toml").write_text(textwrap.dedent("""
        [[tool.clientsmith.clients]]
        spec = "specs/pets.yaml"
        package = "pets"
        output = "generated/pets"
        overlays = ["overlays/fixes.yaml"]
        """))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_readme_example_fixes_the_vendors_spec(project, server, capsys):
    assert main(["generate"]) == 0
    pets = import_generated(project / "generated" / "pets", "pets")
    server.replies.extend([Reply(body={"id": "pet_8f2c", "name": "Rex"}),
                           Reply(body={"data": [{"id": "a", "name": "A"}, {"id": "b", "name": "B"}]}),
                           Reply(body={"data": [{"id": "c", "name": "C"}]})])
    with pets.Client(base_url=server.url, max_retries=0) as client:
        assert not hasattr(client.pets, "show_pet_by_id") and not hasattr(client.pets, "delete_pet")
        pet = client.pets.get_pet("pet_8f2c")
        assert pet.id == "pet_8f2c"
        assert [p.id for p in client.pets.list_pets_with_pagination(limit=2)] == ["a", "b", "c"]
    assert [(r.method, r.path, r.query) for r in server.requests] == [
        ("GET", "/pets/pet_8f2c", []), ("GET", "/pets", [("limit", "2")]),
        ("GET", "/pets", [("limit", "2"), ("offset", "2")])]
    readme = (project / "generated" / "pets" / "README.md").read_text()
    assert "get_pet" in readme and "list_pets_with_pagination" in readme
    assert "show_pet_by_id" not in readme and "delete_pet" not in readme


def readme_problems() -> list[str]:
    section = (ROOT / "README.md").read_text().split("### Overlays", 1)[1].split("\n## ", 1)[0]
    return [line for line in section.splitlines() if re.match(r"(overlays|specs)/\S+:\d+: /", line)]


def test_the_readme_examples_problems_are_what_clientsmith_prints(project, capsys):
    selects_nothing, written_by = readme_problems()
    spec = project / "specs" / "pets.yaml"
    spec.write_text(PETS.read_text().replace("/pets/{pet_id}:", "/pet/{pet_id}:"))
    assert main(["validate"]) == 1
    assert capsys.readouterr().out.splitlines() == [selects_nothing]
    spec.write_text(PETS.read_text())
    fixes = project / "overlays" / "fixes.yaml"
    fixes.write_text(fixes.read_text().replace("update: {type: string}", "update: {type: strng}"))
    assert main(["validate"]) == 1
    assert written_by in capsys.readouterr().out.splitlines()


def test_an_overlay_change_regenerates_and_the_change_report_shows_it(project, capsys):
    assert main(["generate"]) == 0
    fixes = project / "overlays" / "fixes.yaml"
    fixes.write_text(fixes.read_text().replace("operationId: getPet", "operationId: fetchPet"))
    assert main(["check"]) == 1
    assert "+    def fetch_pet(" in capsys.readouterr().out
    assert main(["generate"]) == 0
    out = capsys.readouterr().out
    assert "pets: 1 breaking" in out, out
    assert main(["check"]) == 0


def test_a_fresh_clone_is_checked_from_the_committed_output_with_an_overlay(project, capsys, monkeypatch):
    from recomputation import Work

    assert main(["generate", "--no-cache"]) == 0
    committed = read_tree(project / "generated")
    work = Work()
    assert main(["check"]) == 0
    assert work.models == 0 and work.formatted == []  # every file reused: nothing computed
    # The overlay is an input, and what it changes is recomputed as a spec change would be: a new
    # operation summary reformats the module holding it, the models are taken from the committed output...
    fixes = project / "overlays" / "fixes.yaml"
    original = fixes.read_text()
    fixes.write_text(original.replace("      x-pagination:", "      summary: Pages of pets.\n      x-pagination:"))
    shutil.rmtree(project / ".clientsmith-cache", ignore_errors=True)
    assert main(["check"]) == 1
    assert '+        """Pages of pets.\n' in capsys.readouterr().out
    assert work.models == 0
    assert sorted({line for text in work.formatted for line in text.splitlines() if line.startswith("class ")}) == [
        "class AsyncPets:", "class AsyncPetsWithRawResponse:", "class AsyncPetsWithStreamingResponse:", "class Pets:",
        "class PetsWithRawResponse:", "class PetsWithStreamingResponse:"], work.formatted
    # ...and a type it fixes makes the models again.
    fixes.write_text(original.replace("update: {type: string}", "update: {type: string, format: uuid}"))
    shutil.rmtree(project / ".clientsmith-cache", ignore_errors=True)
    assert main(["check"]) == 1
    assert "+    id: UUID\n" in capsys.readouterr().out
    assert work.models == 1
    work.stop()
    assert read_tree(project / "generated") == committed  # check writes nothing


def test_config_overlays_are_relative_to_the_config_and_the_flag_adds_after_them(project, tmp_path, capsys,
                                                                                 monkeypatch):
    extra = overlay(project / "extra.yaml", "- {target: \"$.paths[*][?@.operationId=='getPet']\", "
                    "update: {operationId: readPet}}")
    monkeypatch.chdir(tmp_path.parent)
    config = str(project / "pyproject.toml")
    assert main(["generate", "--config", config, "--overlay", str(extra)]) == 0
    resource = (project / "generated" / "pets" / "pets" / "api" / "pets.py").read_text()
    assert "def read_pet(" in resource and "def get_pet(" not in resource
    assert main(["check", "--config", config, "--overlay", str(extra)]) == 0
    assert main(["check", "--config", config]) == 1  # without the flag, get_pet again
    assert main(["validate", "--config", config]) == 0


def test_overlays_in_the_config_must_be_a_list_of_paths(project, capsys):
    config = project / "pyproject.toml"
    config.write_text(config.read_text().replace('overlays = ["overlays/fixes.yaml"]', 'overlays = "fixes.yaml"'))
    assert main(["generate"]) == 2
    assert "tool.clientsmith.clients[0].overlays must be a list of file paths" in capsys.readouterr().err


def test_ir_shows_the_overlaid_spec(project, capsys):
    assert main(["ir", "specs/pets.yaml", "--package", "pets", "--overlay", "overlays/fixes.yaml"]) == 0
    ir = json.loads(capsys.readouterr().out)
    names = [op["method_name"] for resource in ir["resources"] for op in resource["operations"]]
    assert names == ["list_pets", "get_pet"]


# diff


def test_diff_applies_the_same_overlays_to_both_sides(project, capsys):
    new = project / "new.yaml"
    new.write_text(PETS.read_text().replace("summary: One pet.", "summary: One pet, by id."))
    assert main(["diff", "specs/pets.yaml", str(new), "--format", "json", "--overlay", "overlays/fixes.yaml"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [c["kind"] for c in report["changes"]] == ["docs-changed"]
    assert report["changes"][0]["python"] == "client.pets.get_pet"


def test_diff_with_an_overlay_on_one_side_shows_what_the_overlay_changes(project, capsys):
    assert main(["diff", "specs/pets.yaml", "specs/pets.yaml", "--format", "json",
                 "--new-overlay", "overlays/fixes.yaml"]) == 0
    report = json.loads(capsys.readouterr().out)
    kinds = {(c["kind"], c["python"]) for c in report["changes"]}
    assert ("method-renamed", "client.pets.get_pet") in kinds
    assert ("method-removed", "client.pets.delete_pet") in kinds
    # listPets already paged by inference (limit + offset, an array of pets); the overlay declares the same
    # paging, which changes nothing a caller writes: not reported
    assert not any(python == "client.pets.list_pets" for _, python in kinds)
    assert report["bump"] == "major"
    assert main(["diff", "specs/pets.yaml", "specs/pets.yaml", "--format", "json",
                 "--old-overlay", "overlays/fixes.yaml", "--new-overlay", "overlays/fixes.yaml"]) == 0
    assert json.loads(capsys.readouterr().out)["bump"] == "none"


def test_bundle_writes_the_overlaid_spec(project):
    assert main(["bundle", "specs/pets.yaml", "-o", "out.yaml", "--overlay", "overlays/fixes.yaml"]) == 0
    document = yaml.safe_load((project / "out.yaml").read_text())
    assert "delete" not in document["paths"]["/pets/{pet_id}"]
    assert document["components"]["schemas"]["Pet"]["properties"]["id"] == {"type": "string"}
