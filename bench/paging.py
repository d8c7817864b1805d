"""Paging on real specs: per corpus spec, its list operations and how many of them page, by style and by
source (declared `x-pagination`, another generator's extension, inferred), and how many page by none.

A list operation is a GET whose first JSON success response is an array, or an object with an array
property at its top level (what a user would want to walk, whether or not the API pages it).

    python bench/paging.py [NAME ...]      # default: the whole corpus (models are made: ~1 min)
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from breadth import CORPUS, SPECS  # noqa: E402

from clientsmith.ir.paging_schema import SchemaWalker, is_array  # noqa: E402
from clientsmith.pipeline import build_api, load_and_validate  # noqa: E402
from clientsmith.spec.resolve import Resolver  # noqa: E402

SOURCES = ("declared", "extension", "inferred")


def list_operations(spec, api) -> set[str]:
    walker = SchemaWalker(spec, Resolver(spec))
    found = set()
    for op in api.operations:
        if op.http_method != "GET":
            continue
        operation = spec.document["paths"][op.path]["get"]
        op_ptr = "/paths/" + op.path.replace("~", "~0").replace("/", "~1") + "/get"
        schema, _, success = walker.success_schema(operation, op_ptr, op.responses)
        if success is None or "json" not in success.content_type:
            continue
        schema = walker.resolver.deref(schema)
        if is_array(schema) or any(is_array(walker.resolver.deref(node)) for node in walker.properties(schema).values()):
            found.add(op.operation_id)
    return found


def measure(name: str) -> dict:
    started = time.perf_counter()
    spec, _ = load_and_validate(CORPUS / SPECS[name], CORPUS, lenient=True)
    api, _ = build_api(spec, "client", "client")
    lists = list_operations(spec, api)
    paged = [op for op in api.operations if op.pagination]
    return {
        "name": name, "operations": len(api.operations), "lists": len(lists),
        "paged": len(paged), "paged_lists": sum(op.operation_id in lists for op in paged),
        "sources": Counter(op.pagination.source for op in paged),
        "styles": Counter(op.pagination.style for op in paged),
        "seconds": time.perf_counter() - started,
    }


def main(names: list[str]) -> None:
    print("| spec | ops | list ops | paged | declared | other extension | inferred | by style | list ops paging by none |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for name in names or list(SPECS):
        row = measure(name)
        styles = ", ".join(f"{style} {n}" for style, n in sorted(row["styles"].items())) or "-"
        print(f"| {name} | {row['operations']} | {row['lists']} | {row['paged']} | "
              + " | ".join(str(row["sources"].get(s, 0)) for s in SOURCES)
              + f" | {styles} | {row['lists'] - row['paged_lists']} |", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
