"""What one call of a generated client costs over the same request made with bare httpx, sync and async.

    .venv/bin/python bench/call_overhead.py [--package PATH ...] [--rounds N] [--calls N] [--profile sync|async]
                                            [--in-process] [--json FILE]

`get_incident` of the generated Datadog Incidents client (a path parameter, a JSON response parsed into
`IncidentResponse`) against `httpx.Client.get(...).json()` with the same headers, both calling one loopback
server that runs in a process of its own and answers the recorded response of that operation. Each client
is measured twice: with the httpx client it makes itself, and given a prepared one (`http_client=`) made
with the same settings as the bare side's. Sides alternate within each round (their order rotating), so a
change in the machine's load falls on all of them; each ratio is taken within a round, and the median and
the min-max over rounds are printed.

`--package PATH` (repeatable) measures another copy of the package too (a `datadog_incidents` folder, or
the distribution folder holding it), loaded under a name of its own: copy the package before a change and
the same run compares before and after. `--profile` prints where the time of the generated client's calls
goes instead (cProfile). `--in-process` answers from an `httpx.MockTransport` instead of the server: no
socket, so the client's own work is a larger, steadier share (the bare and `http_client=` sides only).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pydantic

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "generated" / "datadog-incidents" / "datadog_incidents"
CASSETTE = ROOT.parent / "shared" / "real" / "datadog" / "cassettes" / "get_the_details_of_an_incident_returns_ok_response.yaml"
BARE = "bare httpx, .json()"
BARE_TYPED = "bare httpx, model_validate_json"
PACKAGE_PATTERN = "datadog_incidents|_send_plan|_redirects"
INCIDENT_ID = "00000000-0000-0000-0000-000000000001"
CREDENTIALS = {"DD-API-KEY": "api-key-0123", "DD-APPLICATION-KEY": "app-key-4567"}

# A keep-alive HTTP/1.1 server answering every request with one fixed response, in a process of its own so
# that its work never shares the interpreter (and its GIL) with the clients being measured.
SERVER = r"""
import asyncio, sys

body = open(sys.argv[1], "rb").read()
answer = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n" % len(body) + body


class Exchange(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport, self.pending = transport, b""

    def data_received(self, data):
        self.pending += data
        while (end := self.pending.find(b"\r\n\r\n")) >= 0:
            length = 0
            for line in self.pending[:end].split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            if len(self.pending) < end + 4 + length:
                return
            self.pending = self.pending[end + 4 + length:]
            self.transport.write(answer)


async def main():
    server = await asyncio.get_running_loop().create_server(Exchange, "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()

asyncio.run(main())
"""


def recorded_body() -> bytes:
    import yaml

    for interaction in yaml.safe_load(CASSETTE.read_text())["interactions"]:
        request = interaction["request"]
        if request["method"] == "GET" and "/incidents/" in request["uri"]:
            return interaction["response"]["body"]["string"].encode()
    raise SystemExit(f"no GET incident interaction in {CASSETTE}")


def start_server(body: bytes, workdir: Path) -> tuple[subprocess.Popen[str], str]:
    body_file = workdir / "call-overhead-body.json"
    body_file.write_bytes(body)
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(body_file)], stdout=subprocess.PIPE, text=True
    )
    assert server.stdout is not None
    port = int(server.stdout.readline())
    return server, f"http://127.0.0.1:{port}"


def load_package(path: Path, name: str) -> ModuleType:
    """The generated package at `path`, imported as `name` (its modules import each other relatively)."""
    if (path / "datadog_incidents").is_dir():
        path = path / "datadog_incidents"
    spec = importlib.util.spec_from_file_location(
        name, path / "__init__.py", submodule_search_locations=[str(path)]
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def client_kwargs(url: str) -> dict[str, Any]:
    return {
        "api_key": CREDENTIALS["DD-API-KEY"],
        "app_key": CREDENTIALS["DD-APPLICATION-KEY"],
        "base_url": url,
        "unstable_operations": {"get_incident"},
    }


def typed_model(packages: dict[str, ModuleType]) -> Any:
    """The response's model, from the generated package: what a bare httpx caller wanting types would parse into."""
    return importlib.import_module(f"{next(iter(packages.values())).__name__}.models").IncidentResponse


def mock_transport(body: bytes | None) -> dict[str, Any]:
    """`--in-process`: httpx clients answered by a transport in this process, no socket (own pools are skipped)."""
    if body is None:
        return {}
    answer = {"content": body, "headers": {"content-type": "application/json"}}
    return {"transport": httpx.MockTransport(lambda request: httpx.Response(200, **answer))}


def sync_sides(url: str, packages: dict[str, ModuleType], in_process: bytes | None = None
               ) -> tuple[dict[str, Callable[[], Any]], list[Any]]:
    bare = httpx.Client(**mock_transport(in_process))
    incident_url = f"{url}/api/v2/incidents/{INCIDENT_ID}"
    typed = typed_model(packages)
    sides: dict[str, Callable[[], Any]] = {
        BARE: lambda: bare.get(incident_url, headers=CREDENTIALS).json(),
        BARE_TYPED: lambda: typed.model_validate_json(bare.get(incident_url, headers=CREDENTIALS).content),
    }
    closing: list[Any] = [bare]
    for label, package in packages.items():
        own = package.Client(**client_kwargs(url))
        prepared_http = httpx.Client(**mock_transport(in_process))
        prepared = package.Client(**client_kwargs(url), http_client=prepared_http)
        if in_process is None:
            sides[f"{label}, own pool"] = lambda own=own: own.incidents.get_incident(INCIDENT_ID)
        sides[f"{label}, http_client="] = lambda prepared=prepared: prepared.incidents.get_incident(INCIDENT_ID)
        closing += [own, prepared_http]
    return sides, closing


def async_sides(url: str, packages: dict[str, ModuleType], in_process: bytes | None = None
                ) -> tuple[dict[str, Callable[[], Awaitable[Any]]], list[Any]]:
    bare = httpx.AsyncClient(**mock_transport(in_process))
    incident_url = f"{url}/api/v2/incidents/{INCIDENT_ID}"

    typed = typed_model(packages)

    async def bare_call() -> Any:
        return (await bare.get(incident_url, headers=CREDENTIALS)).json()

    async def bare_typed_call() -> Any:
        return typed.model_validate_json((await bare.get(incident_url, headers=CREDENTIALS)).content)

    sides: dict[str, Callable[[], Awaitable[Any]]] = {BARE: bare_call, BARE_TYPED: bare_typed_call}
    closing: list[Any] = [bare]
    for label, package in packages.items():
        own = package.AsyncClient(**client_kwargs(url))
        prepared_http = httpx.AsyncClient(**mock_transport(in_process))
        prepared = package.AsyncClient(**client_kwargs(url), http_client=prepared_http)
        if in_process is None:
            sides[f"{label}, own pool"] = lambda own=own: own.incidents.get_incident(INCIDENT_ID)
        sides[f"{label}, http_client="] = lambda prepared=prepared: prepared.incidents.get_incident(INCIDENT_ID)
        closing += [own, prepared_http]
    return sides, closing


def rotated(names: list[str], round_index: int) -> list[str]:
    shift = round_index % len(names)
    return names[shift:] + names[:shift]


# Per side, per round: wall seconds per call, and this process's CPU seconds per call (the client's own
# work: what the load of a shared machine moves least).
Samples = dict[str, dict[str, list[float]]]


def measure_sync(sides: dict[str, Callable[[], Any]], rounds: int, calls: int) -> Samples:
    samples: Samples = {"wall": {name: [] for name in sides}, "cpu": {name: [] for name in sides}}
    for round_index in range(rounds):
        for name in rotated(list(sides), round_index):
            call = sides[name]
            wall, cpu = time.perf_counter(), time.process_time()
            for _ in range(calls):
                call()
            samples["cpu"][name].append((time.process_time() - cpu) / calls)
            samples["wall"][name].append((time.perf_counter() - wall) / calls)
    return samples


async def measure_async(sides: dict[str, Callable[[], Awaitable[Any]]], rounds: int, calls: int) -> Samples:
    samples: Samples = {"wall": {name: [] for name in sides}, "cpu": {name: [] for name in sides}}
    for round_index in range(rounds):
        for name in rotated(list(sides), round_index):
            call = sides[name]
            wall, cpu = time.perf_counter(), time.process_time()
            for _ in range(calls):
                await call()
            samples["cpu"][name].append((time.process_time() - cpu) / calls)
            samples["wall"][name].append((time.perf_counter() - wall) / calls)
    return samples


def report(title: str, measured: Samples) -> dict[str, Any]:
    return {kind: report_kind(f"{title}, {kind}", seconds) for kind, seconds in measured.items()}


def report_kind(title: str, seconds: dict[str, list[float]]) -> dict[str, Any]:
    bare, typed = seconds[BARE], seconds[BARE_TYPED]
    print(f"\n{title}: {len(bare)} rounds; per call, median [min-max]: µs; ratio to `{BARE}` and to "
          f"`{BARE_TYPED}` in the same round")
    rows: dict[str, Any] = {}
    for name, samples in seconds.items():
        ratios = [s / b for s, b in zip(samples, bare)]
        typed_ratios = [s / t for s, t in zip(samples, typed)]
        micros = [s * 1e6 for s in samples]
        rows[name] = {
            "us": spread(micros),
            "ratio_to_bare": spread(ratios),
            "ratio_to_bare_typed": spread(typed_ratios),
        }
        print(f"  {name:<36} {show(micros, '.1f', ' µs')}   {show(ratios, '.3f', 'x')}   {show(typed_ratios, '.3f', 'x')}")
    return rows


def spread(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def show(values: list[float], form: str, unit: str) -> str:
    return f"{statistics.median(values):{form}}{unit} [{min(values):{form}}-{max(values):{form}}]"


def profile(flavour: str, url: str, package: ModuleType, calls: int) -> None:
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    if flavour == "sync":
        client = package.Client(**client_kwargs(url))
        for _ in range(50):
            client.incidents.get_incident(INCIDENT_ID)
        profiler.enable()
        for _ in range(calls):
            client.incidents.get_incident(INCIDENT_ID)
        profiler.disable()
        client.close()
    else:

        async def run() -> None:
            client = package.AsyncClient(**client_kwargs(url))
            for _ in range(50):
                await client.incidents.get_incident(INCIDENT_ID)
            profiler.enable()
            for _ in range(calls):
                await client.incidents.get_incident(INCIDENT_ID)
            profiler.disable()
            await client.close()

        asyncio.run(run())
    stats = pstats.Stats(profiler).sort_stats("cumulative")
    stats.print_stats(PACKAGE_PATTERN, 40)
    stats.sort_stats("tottime").print_stats(25)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--package", type=Path, action="append", default=[],
                        help="another copy of datadog_incidents to measure beside generated/'s")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--calls", type=int, default=300, help="calls per side per round")
    parser.add_argument("--profile", choices=["sync", "async"])
    parser.add_argument("--in-process", action="store_true",
                        help="no server: httpx.MockTransport answers (bare and http_client= sides only)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()

    import tempfile

    workdir = Path(tempfile.mkdtemp())
    server, url = start_server(recorded_body(), workdir)
    try:
        packages = {"generated/": load_package(PACKAGE, "datadog_incidents")}
        for index, path in enumerate(args.package, 1):
            packages[str(path)] = load_package(path.resolve(), f"datadog_incidents_copy{index}")
        if args.profile:
            profile(args.profile, url, packages["generated/"], args.calls * 5)
            return
        print(f"httpx {httpx.__version__}, pydantic {pydantic.VERSION}, Python {sys.version.split()[0]}; "
              f"{args.calls} calls per side per round; server: {url}")

        in_process = recorded_body() if args.in_process else None
        sides, closing = sync_sides(url, packages, in_process)
        measure_sync(sides, 1, 30)  # warm: connections open, models built
        sync_rows = report("sync", measure_sync(sides, args.rounds, args.calls))
        for each in closing:
            each.close()

        async def run_async() -> dict[str, Any]:
            sides, closing = async_sides(url, packages, in_process)
            await measure_async(sides, 1, 30)
            rows = report("async", await measure_async(sides, args.rounds, args.calls))
            for each in closing:
                await (each.aclose() if isinstance(each, httpx.AsyncClient) else each.close())
            return rows

        async_rows = asyncio.run(run_async())
        if args.json:
            args.json.write_text(json.dumps({"sync": sync_rows, "async": async_rows}, indent=2) + "\n")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
