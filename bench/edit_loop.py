"""The edit loop on a large spec: one operation changed, regenerate; and regenerate with nothing changed.

    .venv/bin/python bench/edit_loop.py [--spec FILE] [--rounds N] [--peer-rounds N] [--profile]

Works in bench/.work/edit-loop/ as a user's checkout does: the spec copied to spec/, the client written
to out/, the cache in cache/. One cold run fills the cache (not timed); then each round changes one
operation's summary (differently each round, so every round is a real change), times `clientsmith
generate`, and times it again with nothing changed. openapi-python-client, which regenerates whole,
is timed on the same spec in the same run as the peer. Prints medians, every round, and the ratios;
wall and CPU seconds (CPU moves less when other work shares the machine).
With --profile, one more changed round runs under cProfile and the stages' cumulative times are printed.
"""

from __future__ import annotations

import argparse
import json
import pstats
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from _peers import machine, peer_python  # noqa: E402

DATADOG = ROOT.parent / "shared" / "real" / "datadog" / "openapi-v2.yaml"
WORK = ROOT / "bench" / ".work" / "edit-loop"
CLIENTSMITH = [sys.executable, "-m", "clientsmith"]
TARGET_CHANGED_S, TARGET_UNCHANGED_S = 1.0, 0.3


def changed(text: str, round_number: int) -> str:
    """`text` with the first operation summary changed: one operation's chunk differs."""
    marker = "summary: "
    index = text.index(marker) + len(marker)
    return text[:index] + f"Edited in round {round_number}. " + text[index:]


CPU: dict[str, list[float]] = {}  # CPU seconds (user + system) of each timed command, by label


def timed(command: list[str], cwd: Path, label: str = "") -> float:
    """Wall seconds; the CPU seconds of the process and its children go to CPU[label]: on a machine
    shared with other work, CPU time moves much less than wall time."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{done.stderr[-2000:]}")
    CPU.setdefault(label, []).append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return elapsed


def summary(times: list[float]) -> dict:
    return {"median_s": round(statistics.median(times), 3), "min_s": round(min(times), 3),
            "max_s": round(max(times), 3), "runs_s": [round(t, 3) for t in times]}


def stage_profile(command: list[str], cwd: Path) -> list[tuple[str, float]]:
    """Cumulative seconds of the pipeline's stages in one run under cProfile (which slows it ~2x)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "run.prof"
        subprocess.run([sys.executable, "-m", "cProfile", "-o", str(out), *command[1:]], cwd=cwd, check=True,
                       stdout=subprocess.DEVNULL)
        stats = pstats.Stats(str(out)).stats  # type: ignore[attr-defined]
    wanted = {
        "load_spec": "load (parse + bundle)", "parse_chunked": "  YAML chunks", "bundle": "  bundle",
        "finish": "validation (waited for)", "build_ir": "IR", "render_package": "render templates",
        "format_files": "black", "api_surface": "public API surface", "manifest_bytes": "manifest",
        "compare": "compare with previous API", "write_package": "write", "build_package": "build_package (all)",
        "main": "whole command",
    }
    found: dict[str, float] = {}
    for (filename, _, function), (_, _, _, cumulative, _) in stats.items():
        if function in wanted and ("clientsmith" in filename or "/generator/" in filename):
            found[wanted[function]] = max(found.get(wanted[function], 0.0), cumulative)
    return sorted(found.items(), key=lambda kv: -kv[1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--spec", type=Path, default=DATADOG)
    parser.add_argument("--package", default="datadog_v2")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--peer-rounds", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    original = args.spec.read_text(encoding="utf-8")
    shutil.rmtree(WORK, ignore_errors=True)
    (WORK / "spec").mkdir(parents=True)
    spec = WORK / "spec" / args.spec.name
    spec.write_text(original, encoding="utf-8")
    command = [*CLIENTSMITH, "generate", "--cache-dir", "cache", "--spec", f"spec/{args.spec.name}",
               "--package", args.package, "--output", "out"]
    started = time.perf_counter()
    timed(command, WORK, "cold (fills the cache)")
    cold = time.perf_counter() - started
    print(f"cold run (fills the cache, not a figure of the loop): {cold:.1f} s", flush=True)
    edits, unchanged = [], []
    for number in range(1, args.rounds + 1):
        spec.write_text(changed(original, number), encoding="utf-8")
        edits.append(timed(command, WORK, "changed"))
        unchanged.append(timed(command, WORK, "unchanged"))
        print(f"round {number}: one operation changed {edits[-1]:.2f} s, then no change {unchanged[-1]:.2f} s",
              flush=True)
    peer = peer_python("openapi-python-client", ["openapi-python-client==0.29.1"])
    peer_times = []
    for _ in range(args.peer_rounds):
        with tempfile.TemporaryDirectory() as tmp:
            peer_times.append(timed([str(peer.parent / "openapi-python-client"), "generate", "--path", str(spec),
                                     "--meta", "setup", "--overwrite", "--output-path", f"{tmp}/out"], WORK, "peer"))
    results = {
        "machine": machine(), "date": time.strftime("%Y-%m-%d"), "spec": args.spec.name, "rounds": args.rounds,
        "one operation changed": summary(edits), "no change": summary(unchanged),
        "openapi-python-client 0.29.1 (whole regeneration)": summary(peer_times),
    }
    results["CPU seconds (median)"] = {label: round(statistics.median(values), 3) for label, values in CPU.items()}
    edit_s, same_s = statistics.median(edits), statistics.median(unchanged)
    peer_s = statistics.median(peer_times)
    results["ratios"] = {
        "one operation changed / openapi-python-client": round(edit_s / peer_s, 3),
        "no change / openapi-python-client": round(same_s / peer_s, 3),
        "one operation changed / openapi-python-client, CPU": round(
            statistics.median(CPU["changed"]) / statistics.median(CPU["peer"]), 3),
    }
    results["targets"] = {
        f"one operation changed <= {TARGET_CHANGED_S} s": "met" if edit_s <= TARGET_CHANGED_S else "not met",
        f"no change <= {TARGET_UNCHANGED_S} s": "met" if same_s <= TARGET_UNCHANGED_S else "not met",
    }
    if args.profile:
        spec.write_text(changed(original, args.rounds + 1), encoding="utf-8")
        results["profile of one changed round (cProfile, cumulative s)"] = {
            name: round(seconds, 2) for name, seconds in stage_profile(command, WORK)}
    spec.write_text(original, encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
