"""The `models/` package layout: one module per group of models, each loaded on first use."""

from __future__ import annotations

import sys
import textwrap

import pytest

from conftest import FIXTURES, ROOT, mypy_strict, run_python
from clientsmith.cli import main
from clientsmith.models.split import split_models


def test_first_use_loads_only_that_model_and_what_it_refers_to(tmp_path):
    out = tmp_path / "out"
    assert main(["generate", "--spec", str(FIXTURES / "mini"), "--package", "mini", "--output", str(out),
                 "--models", "package", "--no-cache"]) == 0
    assert not (out / "mini" / "models.py").exists()
    probe = textwrap.dedent("""
        import sys
        import mini
        from mini.models import ThingResponse
        loaded = sorted(m for m in sys.modules if m.startswith("mini.models."))
        print(",".join(loaded))
        print(ThingResponse.model_validate({"data": {"id": "t", "type": "things", "extra": 1}}).data.id)
        import mini.models as models
        print(len(models.__all__), all(getattr(models, name).__name__ == name for name in models.__all__))
    """)
    run = run_python(out, probe, check=True)
    loaded, parsed, everything = run.stdout.splitlines()
    # ThingResponse refers to Thing, Thing to ThingType (which nothing else uses, so it lives in Thing's
    # module); the other models stay unloaded
    assert loaded.split(",") == ["mini.models.thing", "mini.models.thing_response"]
    assert "class ThingType(" in (out / "mini" / "models" / "thing.py").read_text()
    assert parsed == "t"
    count, all_resolve = everything.split()
    defined = sum(p.read_text().count("\nclass ") for p in (out / "mini" / "models").glob("*.py"))
    assert int(count) == defined and all_resolve == "True"


def test_unknown_model_name_is_an_attribute_error(mini_package):
    probe = "import mini.models as m\ntry:\n    m.NoSuchModel\nexcept AttributeError as e:\n    print(e)"
    run = run_python(mini_package, probe, check=True)
    assert "NoSuchModel" in run.stdout


SOURCE = '''# header

from __future__ import annotations

from ._base import ApiModel
from pydantic import Field
from typing import Annotated


class ApiKey(ApiModel):
    name: Annotated[str, Field(alias="Name")]


class APIKey(ApiModel):
    key: ApiKey


class Node(ApiModel):
    child: Node | None = None
    partner: Partner | None = None


class Partner(ApiModel):
    back: Node | None = None


Node.model_rebuild()
'''

SHARED = '''

class Shared(ApiModel):
    n: int


class Second(ApiModel):
    s: Shared
    k: ApiKey


class Third(ApiModel):
    s: Shared
'''


def test_cycles_and_single_users_share_a_module_and_names_stay_unique_across_casing():
    alone = split_models(SOURCE, "# header")
    # ApiKey is used by APIKey alone, so it is always loaded with it: one module, ApiKey first
    assert sorted(alone) == ["__init__.py", "__init__.pyi", "api_key.py", "node.py"]
    assert alone["api_key.py"].index("class ApiKey(") < alone["api_key.py"].index("class APIKey(")
    files = split_models(SOURCE + SHARED, "# header")
    # now Second uses ApiKey too: it gets a module of its own, named apart from APIKey's
    assert sorted(files) == ["__init__.py", "__init__.pyi", "api_key.py", "api_key_2.py", "node.py", "second.py",
                             "shared.py", "third.py"]
    # APIKey sorts before ApiKey, so it claims the plain name whatever order the spec lists them in
    assert "class APIKey(" in files["api_key.py"] and "from .api_key_2 import ApiKey" in files["api_key.py"]
    plain = files["api_key_2.py"]
    assert "from __future__" not in plain  # evaluated eagerly: nothing refers forward
    assert "from pydantic import Field\nfrom typing import Annotated\n" in plain and "from .._base import ApiModel" in plain
    assert "from .shared import Shared" in files["second.py"] and "from .shared import Shared" in files["third.py"]
    cycle = files["node.py"]
    assert "from __future__ import annotations" in cycle  # Node refers to itself and to Partner, defined after it
    assert cycle.index("class Node(") < cycle.index("class Partner(") < cycle.index("Node.model_rebuild()")
    assert "Field" not in cycle and "Annotated" not in cycle  # imports narrowed to what the module uses
    assert '"Partner": "node"' in files["__init__.py"]
    # type checkers read the stub's imports; the module run imports no model until one is asked for
    assert "from .node import Partner as Partner\n" in files["__init__.pyi"]
    assert "from ." not in files["__init__.py"] and "TYPE_CHECKING" not in files["__init__.py"]
    assert split_models(SOURCE + SHARED, "# header") == files


def test_split_modules_compile_and_type_check(tmp_path):
    package = tmp_path / "pkg"
    (package / "models").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "py.typed").write_text("")
    (package / "_base.py").write_text("from pydantic import BaseModel\n\n\nclass ApiModel(BaseModel):\n    pass\n")
    for name, text in split_models(SOURCE, "# header").items():
        (package / "models" / name).write_text(text)
    probe = ("from pkg.models import Node, APIKey\n"
             "n = Node.model_validate({'child': {'partner': {'back': {}}}})\n"
             "print(type(n.child.partner.back).__name__, APIKey(key={'Name': 'x'}).key.name)")
    run = run_python(tmp_path, probe, check=True)
    assert run.stdout.split() == ["Node", "x"]
    check = mypy_strict(tmp_path, "pkg")
    assert check.returncode == 0, check.stdout


def test_auto_layout_follows_model_count(tmp_path):
    out = tmp_path / "out"
    assert main(["generate", "--spec", str(ROOT / "specs" / "plane-work-items"), "--package", "plane",
                 "--output", str(out), "--no-cache"]) == 0
    assert (out / "plane" / "models.py").is_file() and not (out / "plane" / "models").exists()


def test_split_modules_are_already_black_formatted(tmp_path):
    """The modules are cut from black's output of the whole module, not formatted one by one."""
    import black

    from clientsmith.output.format import black_mode

    out = tmp_path / "out"
    assert main(["generate", "--spec", str(ROOT / "tests" / "corpus" / "hostile_strings.yaml"), "--package", "hostile",
                 "--output", str(out), "--models", "package", "--no-cache"]) == 0
    modules = sorted((out / "hostile" / "models").glob("*.py"))
    assert len(modules) > 3
    for module in modules:
        text = module.read_text()
        assert black.format_str(text, mode=black_mode()) == text, module.name


def test_long_imports_take_black_layout():
    names = [f"VeryLongGeneratedModelName{i}" for i in range(6)]
    ring = "".join(f"class {n}(ApiModel):\n    x: {names[(i + 1) % 6]} | None = None\n\n\n" for i, n in enumerate(names))
    source = "# h\n\nfrom __future__ import annotations\n\nfrom ._base import ApiModel\n\n\n" + ring + (
        f"class User(ApiModel):\n    a: {' | '.join(names)}\n\n\nclass Other(ApiModel):\n    b: {names[0]}\n"
    )
    import black

    from clientsmith.output.format import black_mode

    modules = split_models(black.format_str(source, mode=black_mode()), "# h")
    user = modules["user.py"]
    assert "from .very_long_generated_model_name0 import (\n    VeryLongGeneratedModelName0,\n" in user
    for text in modules.values():
        assert black.format_str(text, mode=black_mode()) == text


def test_resources_load_models_and_pydantic_on_first_call_only(mini_package, server):
    """Importing the package, making a client and reaching a resource stay cheap; the first call loads."""
    from loopback import Reply

    server.reply(Reply(200, {"data": {"id": "t1", "type": "things"}}))
    probe = textwrap.dedent(f"""
        import sys
        import mini
        client = mini.Client(api_key="k", base_url={server.url!r})
        client.things
        print(sorted(m for m in sys.modules if m == "pydantic" or m.startswith("mini.models")))
        print(client.things.get_thing("t1").data.id, "pydantic" in sys.modules)
    """)
    run = run_python(mini_package, probe, check=True)
    before, after = run.stdout.splitlines()
    assert before == "[]"
    assert after == "t1 True"


def test_docstrings_with_line_separators_do_not_shift_classes():
    """Form feeds and Unicode line separators in spec text are not line breaks to Python."""
    source = ('# h\n\nfrom ._base import ApiModel\n\n\nclass A(ApiModel):\n    """a\x0cb\u2028c"""\n\n    x: int\n\n\n'
              "class B(ApiModel):\n    a: A\n\n\nclass C(ApiModel):\n    a: A\n")
    files = split_models(source, "# h")
    assert files["a.py"].endswith('class A(ApiModel):\n    """a\x0cb\u2028c"""\n\n    x: int\n')
    assert files["b.py"].endswith("class B(ApiModel):\n    a: A\n")
    for text in files.values():
        compile(text, "m.py", "exec")


def test_module_level_type_aliases_survive_the_split(tmp_path):
    """A constrained `additionalProperties` value becomes `X = TypeAliasType(...)`: the class using it must import."""
    import pytest

    out = tmp_path / "out"
    assert main(["generate", "--spec", str(FIXTURES / "defects" / "type_alias.yaml"), "--package", "aliases",
                 "--output", str(out), "--models", "package", "--no-cache"]) == 0
    probe = ("from aliases.models import Labels, LabelsValuesAdditionalProperty\n"
             "print(Labels.model_validate({'values': {'a': 'b'}, 'other': {'values': {'c': 'd'}}}).other.values)")
    run = run_python(out, probe)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "{'c': 'd'}"
    check = mypy_strict(out, "aliases")
    assert check.returncode == 0, check.stdout
    # a statement the splitter does not understand is refused, never dropped
    with pytest.raises(ValueError, match="unexpected statement"):
        split_models(SOURCE + "\nif True:\n    Extra = int\n", "# header")


def test_open_string_enums_keep_the_enum_import_other_enums_need(tmp_path):
    """A string enum becomes an OpenEnum; a boolean or untyped enum in the same spec still needs `Enum`."""
    out = tmp_path / "out"
    assert main(["generate", "--spec", str(FIXTURES / "defects" / "mixed_enums.yaml"), "--package", "enums",
                 "--output", str(out), "--no-cache"]) == 0
    probe = ("from enums.models import Flags\n"
             "f = Flags.model_validate({'color': 'blue', 'always': True, 'untyped': 'two'})\n"
             "print(f.color.value, f.always.value, f.untyped.value)")
    run = run_python(out, probe)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["blue", "True", "two"]
    check = mypy_strict(out, "enums")
    assert check.returncode == 0, check.stdout


def test_many_untagged_operations_are_grouped_by_path(tmp_path):
    """Operations without tags: one resource per first path segment that is not a parameter or a version
    (`api`, `v2`), deterministically; a path with none stays in `default`."""
    out = tmp_path / "out"
    assert main(["generate", "--spec", str(FIXTURES / "defects" / "untagged.yaml"), "--package", "untagged",
                 "--output", str(out), "--no-cache"]) == 0
    probe = ("import untagged\nc = untagged.Client(base_url='http://x')\n"
             "print(sorted(n for n in ('users', 'orders', 'items', 'default') if hasattr(c, n)))\n"
             "print(hasattr(c.users, 'users_op1'), hasattr(c.items, 'items_op11'), hasattr(c.default, 'root'))")
    run = run_python(out, probe)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == ["['default', 'items', 'orders', 'users']", "True True True"]


def test_parameters_differing_by_an_operator_are_named_by_it(tmp_path, server):
    """`StartTime<` and `StartTime>` become `start_time_lt` / `start_time_gt`, sent under their own names."""
    from loopback import Reply

    out = tmp_path / "out"
    assert main(["generate", "--spec", str(FIXTURES / "defects" / "operator_params.yaml"), "--package", "ops",
                 "--output", str(out), "--no-cache"]) == 0
    server.reply(Reply(204))
    probe = (f"import ops\nc = ops.Client(base_url={server.url!r})\n"
             "c.events.list_events(start_time='a', start_time_lt='b', start_time_gt='c', count_gte=2)")
    run = run_python(out, probe)
    assert run.returncode == 0, run.stderr
    assert sorted(server.requests[-1].query) == [("Count>=", "2"), ("StartTime", "a"), ("StartTime<", "b"),
                                                 ("StartTime>", "c")]


_EVERY_MODULE = """
import importlib, pkgutil, sys
package = importlib.import_module(sys.argv[1])
failed = []
for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
    try:
        importlib.import_module(info.name)
    except Exception as exc:
        failed.append(f"{info.name}: {type(exc).__name__}: {exc}")
print("\\n".join(failed))
"""


def _every_module_imports(out, package):
    run = run_python(out, _EVERY_MODULE, package)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == ""


def test_a_model_named_as_a_string_in_additional_properties_is_imported(tmp_path):
    """The type of additional properties is written `__annotations__ = {"__pydantic_extra__": ...}`, with a
    model defined later named in a string: that model's module is a dependency like any other."""
    out = tmp_path / "out"
    assert main(["generate", "--spec", str(FIXTURES / "defects" / "extra_forward_ref.yaml"), "--package", "buckets",
                 "--output", str(out), "--models", "package", "--no-cache"]) == 0
    _every_module_imports(out, "buckets")
    probe = ("from buckets.models import Histogram\n"
             "h = Histogram.model_validate({'buckets': [{'doc_count': 2, 'top': {'hits': [{'id': 'a'}]}}]})\n"
             "print(type(h.buckets[0].top).__name__, h.buckets[0].top.hits[0].id)")
    run = run_python(out, probe)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["TopHits", "a"]
    check = mypy_strict(out, "buckets")
    assert check.returncode == 0, check.stdout


def test_forward_references_in_type_positions_are_dependencies():
    """String parts of a type expression name models; a `Literal` value or an enum value does not."""
    source = ('# h\n\nfrom __future__ import annotations\n\nfrom typing import Literal\n\nfrom ._base import ApiModel\n\n\n'
              'class A(ApiModel):\n    __annotations__ = {"__pydantic_extra__": dict[str, "list[C]"]}\n'
              '    kind: Literal["B"]\n\n\n'
              'class B(ApiModel):\n    x: int\n\n\nclass C(ApiModel):\n    y: int\n\n\nclass D(ApiModel):\n    a: A\n'
              '\n\nclass E(ApiModel):\n    a: A\n\n\nclass F(ApiModel):\n    c: C\n    b: B\n')
    files = split_models(source, "# h")
    assert "from .c import C" in files["a.py"]
    assert "import B" not in files["a.py"]


def test_models_whose_fields_name_each_other_in_one_union_import(tmp_path):
    """Eighty models, each with a field taking any of them: pydantic builds their validators depth first,
    deeper than Python's default recursion limit allows."""
    for layout in ("module", "package"):
        out = tmp_path / layout
        assert main(["generate", "--spec", str(FIXTURES / "defects" / "mutual_union.yaml"), "--package", "mappings",
                     "--output", str(out), "--models", layout, "--no-cache"]) == 0
        _every_module_imports(out, "mappings")
        probe = ("import sys\nfrom mappings.models import Document\n"
                 "m = Document.model_validate({'properties': {'a': {'type': 'x', 'fields': {'b': {'type': 'y'}}}}})\n"
                 "print(m.properties['a'].fields['b'].type, sys.getrecursionlimit())")
        run = run_python(out, probe)
        assert run.returncode == 0, run.stderr
        assert run.stdout.split() == ["y", str(sys.getrecursionlimit())]  # the limit is as it was
    check = mypy_strict(tmp_path / "package", "mappings")
    assert check.returncode == 0, check.stdout


def test_a_field_redeclared_with_another_type_type_checks(tmp_path):
    """A schema extending another (`allOf`) gives inherited properties types of their own: the subclass
    redeclares the fields, which type checkers would report as incompatible overrides."""
    for layout in ("module", "package"):
        out = tmp_path / layout
        assert main(["generate", "--spec", str(FIXTURES / "defects" / "field_override.yaml"), "--package", "results",
                     "--output", str(out), "--models", layout, "--no-cache"]) == 0
        _every_module_imports(out, "results")
        probe = ("from results.models import DocumentResult\n"
                 "r = DocumentResult.model_validate({'took': 1, 'kind': 'document', 'value': {'name': 'n', 'source': {}},"
                 " 'hits': [{'explanation': 'e'}]})\n"
                 "print(r.value.name, r.value.source, r.hits[0].explanation, r.kind.value)")
        run = run_python(out, probe)
        assert run.returncode == 0, run.stderr
        assert run.stdout.split() == ["n", "{}", "e", "document"]
        check = mypy_strict(out, "results")
        assert check.returncode == 0, check.stdout


def test_root_models_build_validators_on_first_use_not_at_import(mini_package):
    # `class ListThingsResponse(RootModel[list[Thing]])`: importing it builds no validator (neither its own nor
    # Thing's); its first use validates and dumps as a pydantic root model does.
    probe = textwrap.dedent("""
        import pydantic
        from mini.models import ListThingsResponse, Thing
        print(ListThingsResponse.__pydantic_complete__, Thing.__pydantic_complete__)
        print(issubclass(ListThingsResponse, pydantic.RootModel))
        things = ListThingsResponse.model_validate([{"id": "t", "type": "things", "extra": 1}])
        print(type(things.root[0]).__name__, things.model_dump(mode="json", exclude_unset=True))
        try:
            ListThingsResponse.model_validate({"id": "t"})
        except pydantic.ValidationError as exc:
            print("invalid", exc.error_count())
    """)
    lines = run_python(mini_package, probe, check=True).stdout.splitlines()
    assert lines == [
        "False False",
        "True",
        "Thing [{'id': 't', 'type': 'things', 'extra': 1}]",
        "invalid 1",
    ]


TREE_SPEC = """
openapi: 3.0.3
info: {title: Tree, version: "1"}
servers: [{url: "https://example.com"}]
paths:
  /nodes/{id}:
    get:
      operationId: GetNode
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Node"}
components:
  schemas:
    Node:
      type: object
      required: [name]
      properties:
        name: {type: string}
        properties:
          type: object
          properties:
            children:
              type: array
              items: {$ref: "#/components/schemas/Node"}
"""


@pytest.mark.parametrize("layout", ["module", "package"])
def test_models_naming_later_models_build_validators_on_first_use(tmp_path, layout):
    # `NodeProperties` names `Node`, defined after it: nothing is built while the models are imported
    # (datamodel-code-generator's `NodeProperties.model_rebuild()` would build both), and first use works.
    (tmp_path / "spec.yaml").write_text(TREE_SPEC)
    out = tmp_path / "out"
    assert main(["generate", "--spec", str(tmp_path / "spec.yaml"), "--package", "tree", "--output", str(out),
                 "--models", layout, "--no-cache"]) == 0
    probe = textwrap.dedent("""
        from tree.models import Node, NodeProperties
        print(Node.__pydantic_complete__, NodeProperties.__pydantic_complete__)
        node = Node.model_validate({"name": "a", "properties": {"children": [{"name": "b", "extra": 1}]}})
        print(node.properties.children[0].name, node.model_dump(exclude_unset=True))
    """)
    lines = run_python(out, probe, check=True).stdout.splitlines()
    assert lines == ["False False", "b {'name': 'a', 'properties': {'children': [{'name': 'b', 'extra': 1}]}}"]
