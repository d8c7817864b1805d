"""`clientsmith check`: what regenerating would change, API first, then code, then the records in a line."""

from __future__ import annotations

import argparse
import difflib
import sys

from clientsmith.cli_targets import base_folder, cache_for, generate_command, targets

EXIT_OK, EXIT_PROBLEMS = 0, 1


def run_check(args: argparse.Namespace) -> int:
    from clientsmith.output.base import BASE, same_base
    from clientsmith.output.edits import conflict_report, plan_edits, unresolved_markers
    from clientsmith.pipeline import build_package
    from clientsmith.diff.compare import comparable, compare
    from clientsmith.diff.report import summary_line
    from clientsmith.output.write import MANIFEST, owned_files, previous_api

    stale = unmerged = False
    cache = cache_for(args)
    for target in targets(args):
        target_stale = target_unmerged = False  # each target says for itself whether it is up to date
        package = build_package(target, base_folder(args), cache, reuse=not args.no_cache)
        # First what regenerating changes for callers, then the code, then the manifest in one line.
        before = previous_api(target.output)
        report = compare(before, package.surface) if before and comparable(before, package.surface) else None
        if report is not None and report.changes:
            print(summary_line(target.distribution, report))
        # Hand edits that merge cleanly are not stale: what `generate` would write is the merge.
        edits = plan_edits(target.output, package.files)
        expected = edits.files
        for edited in edits.edited:
            if edited.conflicts:
                target_unmerged = True
                print("\n".join(conflict_report(target.output, edited)))
            elif markers := unresolved_markers(expected[edited.rel]):
                target_unmerged = True
                print(f"{(target.output / edited.rel).as_posix()}:{markers[0]}: conflict markers still stand "
                      f"(lines {', '.join(map(str, markers))}): resolve them, then run check again")
            else:
                print(f"{(target.output / edited.rel).as_posix()}: edited by hand; the edits merge cleanly")
        conflicted = {edited.rel for edited in edits.conflicted}
        present = owned_files(target.output) | set(expected)
        for rel in sorted(present - conflicted, key=lambda rel: (rel in (BASE, MANIFEST), rel)):
            path = target.output / rel
            old = path.read_bytes() if path.is_file() else b""
            new = expected.get(rel, b"")
            if old == new or (rel == BASE and same_base(old, new)):
                continue
            target_stale = True
            label = (target.output / rel).as_posix()
            if rel == BASE:  # compressed: a diff of its bytes says nothing
                print(f"{label}: not the record of the generated files that `generate` would write")
                continue
            if rel == MANIFEST:  # hundreds of lines of hashes say nothing either
                changed = sum(1 for a, b in zip(old.splitlines(), new.splitlines()) if a != b)
                print(f"{label}: the record of the generated files differs ({changed} line(s) of hashes and "
                      "names); `generate` rewrites it")
                continue
            diff = difflib.unified_diff(
                old.decode("utf-8", "replace").splitlines(keepends=True),
                new.decode("utf-8", "replace").splitlines(keepends=True),
                fromfile=f"{label} (on disk)" if path.is_file() else "/dev/null",
                tofile=f"{label} (regenerated)" if rel in expected else "/dev/null",
            )
            sys.stdout.writelines(diff)
        if not target_stale and not target_unmerged:
            print(f"{target.distribution}: up to date")
        stale, unmerged = stale or target_stale, unmerged or target_unmerged
    if stale:
        print(f"generated output is stale: run `{generate_command(args)}`", file=sys.stderr)
    if unmerged:
        print("hand edits conflict with the regenerated code: resolve them (`clientsmith generate --edits=markers` "
              "marks them in the files)", file=sys.stderr)
    return EXIT_PROBLEMS if stale or unmerged else EXIT_OK
