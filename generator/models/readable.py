"""What users see of datamodel-code-generator's classes, reshaped: plain values in constrained unions,
one class per schema, and names derived from where each schema sits."""

from __future__ import annotations

from typing import Any

from clientsmith.models.duplicates import duplicate_classes
from clientsmith.models.naming import readable_names
from clientsmith.models.rename import rename_classes
from clientsmith.models.unions import plain_union_members


def readable_models(source: str, models: list[dict[str, Any]]) -> tuple[str, dict[str, str]]:
    """The module reshaped, and for each schema pointer the class made from it (given the metadata
    datamodel-code-generator emits: one entry per class, with the pointer it came from)."""
    top_level = {m["class_name"] for m in models if str(m["source_ref"]).count("/") == 3}  # #/components/schemas/X
    source, unwrapped = plain_union_members(source, kept=top_level)
    pointers = [(str(m["source_ref"]).lstrip("#"), str(m["class_name"])) for m in models
                if m["class_name"] not in unwrapped]
    copies = duplicate_classes(source, pointers)
    pointers = [(p, copies.get(c, c)) for p, c in pointers]
    renames = readable_names(source, pointers)
    # one edit of the text: copies dropped, their uses and the renamed classes under their final names
    renames.update({copy: renames.get(kept, kept) for copy, kept in copies.items()})
    source = rename_classes(source, renames, drop=set(copies))
    return source, {p: renames.get(c, c) for p, c in pointers}
