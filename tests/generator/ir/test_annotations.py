"""Types in the IR are annotation nodes that still read as their text, in users' templates and code."""

from __future__ import annotations

import jinja2

from clientsmith.ir.annotations import parse_annotation


def test_a_node_lists_its_names_and_members_and_renders_its_text():
    node = parse_annotation("list[Alert] | dict[str, Pet] | None")
    assert str(node) == "list[Alert] | dict[str, Pet] | None"
    assert {"Alert", "Pet", "None"} <= node.names()
    assert [str(m) for m in node.members] == ["list[Alert]", "dict[str, Pet]", "None"]
    assert node.nullable and str(node.without_none()) == "list[Alert] | dict[str, Pet]"
    assert parse_annotation("list[Alert | Pet]").accepts(parse_annotation("list[Alert]"))
    assert not parse_annotation("list[Alert]").accepts(parse_annotation("list[Alert | Pet]"))


def test_templates_written_against_text_types_render_the_same():
    """A user's template from when the IR held strings: string methods, `in`, `~` and `+` keep working."""
    template = jinja2.Environment().from_string(
        "{{ t.startswith('list[') }} {{ 'Pet' in t }} {{ t ~ '!' }} {{ t + '?' }} {{ t.replace('list', 'tuple') }} "
        "{{ t == 'list[Pet] | None' }} {{ t | length }}")
    node = parse_annotation("list[Pet] | None")
    assert template.render(t=node) == template.render(t="list[Pet] | None")
