"""Generation speed and memory against peers, measured in one run on this machine.

    .venv/bin/python bench/generate.py [--rounds N] [--skip-datadog]

Peers are installed into their own venvs under bench/.peers/. Prints every figure and ratio as JSON,
writes bench/results.json and draws bench/generate.png.
"""

from __future__ import annotations

import argparse
import json
import os
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
CLIENTSMITH = Path(sys.executable).parent / "clientsmith"


def run(command: list[str], cwd: Path) -> tuple[float, int]:
    """Wall seconds and peak RSS (MiB) of one child process."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{process.stderr.read().decode()[-2000:]}")
    process.returncode = 0
    return elapsed, usage.ru_maxrss // 1024


def median_run(make_command, rounds: int, prepare=None, cwd: Path | None = None) -> dict[str, float]:
    """Median of `rounds` runs, each in a fresh folder (or in `cwd`: cache keys name paths relative to it)."""
    times, peaks = [], []
    for _ in range(rounds):
        with tempfile.TemporaryDirectory() as tmp:
            tmp_path = Path(tmp)
            if prepare:
                prepare(tmp_path)
            seconds, peak = run(make_command(tmp_path), cwd or tmp_path)
        times.append(seconds)
        peaks.append(peak)
    return {"median_s": round(statistics.median(times), 3), "runs_s": [round(t, 3) for t in times],
            "peak_mib": max(peaks)}


_CHANGES = iter(range(1, 1_000_000))


def one_operation_changed(spec: Path, target: Path) -> None:
    """A copy of `spec` (file or folder) at `target` where one operation's summary changed, differently each call."""
    if spec.is_dir():
        shutil.copytree(spec, target)
        fragment = sorted(p for p in target.iterdir() if not p.name.startswith("_"))[0]
    else:
        shutil.copy(spec, target)
        fragment = target
    text = fragment.read_text()
    marker = "summary: "
    index = text.index(marker) + len(marker)
    fragment.write_text(text[:index] + f"Change {next(_CHANGES)}. " + text[index:])


def bench_spec(name: str, spec: Path, package: str, rounds: int, peers: dict[str, Path]) -> dict:
    results: dict = {"spec": str(spec.relative_to(ROOT.parent) if ROOT.parent in spec.parents else spec)}
    single_file = spec
    if spec.is_dir():  # peers take one file: the bundled spec
        bundle_dir = Path(tempfile.mkdtemp())
        single_file = bundle_dir / "openapi.yaml"
        subprocess.run([str(CLIENTSMITH), "bundle", str(spec), "-o", str(single_file)], check=True)
    results["openapi-python-client"] = median_run(
        lambda tmp: [str(peers["oapc"].parent / "openapi-python-client"), "generate", "--path", str(single_file),
                     "--meta", "setup", "--overwrite", "--output-path", str(tmp / "out")], rounds)
    results["datamodel-code-generator"] = median_run(
        lambda tmp: [str(peers["dmcg"].parent / "datamodel-codegen"), "--input", str(single_file), "--input-file-type",
                     "openapi", "--output-model-type", "pydantic_v2.BaseModel", "--output", str(tmp / "models.py")],
        rounds)
    results["clientsmith cold (no cache)"] = median_run(
        lambda tmp: [str(CLIENTSMITH), "generate", "--no-cache", "--spec", str(spec), "--package", package,
                     "--output", str(tmp / "out")], rounds)
    # Warm runs work in one folder with the spec copied to the same relative place, as a user's checkout.
    work = Path(tempfile.mkdtemp())
    spec_copy = work / "spec" / spec.name
    spec_copy.parent.mkdir()
    (shutil.copytree if spec.is_dir() else shutil.copy)(spec, spec_copy)
    warm = [str(CLIENTSMITH), "generate", "--cache-dir", str(work / "cache"), "--spec", f"spec/{spec.name}",
            "--package", package, "--output", "out"]
    subprocess.run(warm, cwd=work, check=True, stdout=subprocess.DEVNULL)
    results["clientsmith no change (warm cache)"] = median_run(lambda tmp: warm, rounds, cwd=work)

    def place(changed: bool) -> None:
        shutil.rmtree(work / "spec")
        (work / "spec").mkdir()
        if changed:
            one_operation_changed(spec, spec_copy)
        else:
            (shutil.copytree if spec.is_dir() else shutil.copy)(spec, spec_copy)

    def changed_spec(tmp: Path) -> None:
        place(changed=False)  # output and cache match the unchanged spec ...
        subprocess.run(warm, cwd=work, check=True, stdout=subprocess.DEVNULL)
        place(changed=True)  # ... then one operation's fragment changes

    results["clientsmith one operation changed"] = median_run(lambda tmp: warm, rounds, prepare=changed_spec, cwd=work)

    # A fresh clone of a repository holding the spec and its committed client: no cache folder (each run
    # gets an empty one), only the committed output and its manifest.
    clone = Path(tempfile.mkdtemp())
    (clone / "spec").mkdir()
    (shutil.copytree if spec.is_dir() else shutil.copy)(spec, clone / "spec" / spec.name)
    committed_args = ["--spec", f"spec/{spec.name}", "--package", package, "--output", "out"]
    subprocess.run([str(CLIENTSMITH), "generate", "--no-cache", *committed_args], cwd=clone, check=True,
                   stdout=subprocess.DEVNULL)
    pristine = Path(tempfile.mkdtemp()) / "out"
    shutil.copytree(clone / "out", pristine)
    results["clientsmith fresh clone check"] = median_run(
        lambda tmp: [str(CLIENTSMITH), "check", "--cache-dir", str(tmp / "cache"), *committed_args], rounds,
        cwd=clone)

    def fresh_clone_changed(tmp: Path) -> None:
        shutil.rmtree(clone / "out")
        shutil.copytree(pristine, clone / "out")
        if spec.is_dir():
            shutil.rmtree(clone / "spec" / spec.name)
        one_operation_changed(spec, clone / "spec" / spec.name)

    results["clientsmith fresh clone one operation changed"] = median_run(
        lambda tmp: [str(CLIENTSMITH), "generate", "--cache-dir", str(tmp / "cache"), *committed_args], rounds,
        prepare=fresh_clone_changed, cwd=clone)
    cold = results["clientsmith cold (no cache)"]["median_s"]
    results["ratios"] = {
        "cold / openapi-python-client (target <= 0.333)": round(cold / results["openapi-python-client"]["median_s"], 3),
        "one operation changed / cold (target < 0.1)": round(
            results["clientsmith one operation changed"]["median_s"] / cold, 3),
        "no change seconds (target < 1 bundled, < 2 Datadog)": results["clientsmith no change (warm cache)"]["median_s"],
        "peak MiB cold (target < 1024)": results["clientsmith cold (no cache)"]["peak_mib"],
        "fresh clone check / openapi-python-client (target <= 0.1)": round(
            results["clientsmith fresh clone check"]["median_s"] / results["openapi-python-client"]["median_s"], 3),
        "fresh clone one operation changed / openapi-python-client (target <= 0.25)": round(
            results["clientsmith fresh clone one operation changed"]["median_s"]
            / results["openapi-python-client"]["median_s"], 3),
    }
    return results


def chart(results: dict, out: Path, plot_python: Path) -> None:
    script = (
        "import json, sys\nimport matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\n"
        "data = json.load(open(sys.argv[1]))\nspecs = [k for k in data if isinstance(data[k], dict) and 'ratios' in data[k]]\n"
        "fig, axes = plt.subplots(1, len(specs), figsize=(7 * len(specs), 4.5), squeeze=False)\n"
        "for ax, name in zip(axes[0], specs):\n"
        "    rows = [(k, v['median_s']) for k, v in data[name].items() if isinstance(v, dict) and 'median_s' in v]\n"
        "    ax.barh([r[0] for r in rows], [r[1] for r in rows], color=['#999', '#bbb', '#2a7', '#5c9', '#8db'])\n"
        "    ax.set_title(name + ' (median seconds)')\n    ax.invert_yaxis()\n"
        "    for i, (_, v) in enumerate(rows): ax.text(v, i, f' {v:.2f}s', va='center')\n"
        "fig.tight_layout()\nfig.savefig(sys.argv[2], dpi=110)\n"
    )
    subprocess.run([str(plot_python), "-c", script, str(out.with_suffix(".json")), str(out)], check=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--skip-datadog", action="store_true")
    args = parser.parse_args()
    peers = {
        "oapc": peer_python("openapi-python-client", ["openapi-python-client==0.29.1"]),
        "dmcg": peer_python("datamodel-code-generator", ["datamodel-code-generator==0.89.0"]),
    }
    plot_python = peer_python("plot", ["matplotlib"])
    results: dict = {"machine": machine(), "date": time.strftime("%Y-%m-%d"), "rounds": args.rounds}
    sys.path.insert(0, str(ROOT))
    from clientsmith.config import load_targets

    for target in load_targets(ROOT / "pyproject.toml"):
        results[target.distribution] = bench_spec(target.distribution, target.spec, target.package, args.rounds, peers)
        print(json.dumps({target.distribution: results[target.distribution]["ratios"]}), flush=True)
    if not args.skip_datadog:
        results["datadog-v2"] = bench_spec("datadog-v2", DATADOG, "datadog_v2", args.rounds, peers)
    out = ROOT / "bench" / "generate.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    chart(results, ROOT / "bench" / "generate.png", plot_python)
    print(json.dumps(results, indent=2))
    if not args.skip_datadog:  # the generated Datadog v2 package: import cost and mypy --strict
        import lazy_import

        lazy_import.main()


if __name__ == "__main__":
    main()
