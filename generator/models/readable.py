"""What users see of datamodel-code-generator's classes, reshaped: one class per schema, and names derived
from where each schema sits."""

from __future__ import annotations

from clientsmith.models.duplicates import duplicate_classes
from clientsmith.models.edit_buffer import EditBuffer
from clientsmith.models.naming import readable_names
from clientsmith.models.rename import rename_classes


def readable_models(buffer: EditBuffer, pointers: list[tuple[str, str]]) -> dict[str, str]:
    """Queue the edits that merge copies and rename classes, and return for each schema pointer the class
    made from it (given (pointer, class) for each class datamodel-code-generator made, in its order)."""
    copies = duplicate_classes(buffer.tree, pointers)
    pointers = [(p, copies.get(c, c)) for p, c in pointers]
    renames = readable_names(buffer.tree, pointers)
    # one edit of the text: copies dropped, their uses and the renamed classes under their final names
    renames.update({copy: renames.get(kept, kept) for copy, kept in copies.items()})
    rename_classes(buffer, renames, drop=set(copies))
    return {p: renames.get(c, c) for p, c in pointers}
