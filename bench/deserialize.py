"""Parsing every recorded real response of the bundled clients' operations, against `json.loads` of the same bytes,
beside the official `datadog-api-client` and openapi-python-client's package for the same spec.

    .venv/bin/python bench/deserialize.py [--rounds 7]

Targets (issue #25): at most 2x `json.loads` in total, at most 3x for any one operation's bodies.

The bodies: every interaction of `../shared/real/datadog/cassettes/` that the project's own traffic matcher
(`clientsmith.verify`) finds to be an operation of the bundled `specs/datadog-incidents` (set-up calls to other
endpoints left out). The other bundled clients (OneTrust, Plane) have no recorded responses in `../shared/real/`.

Each client parses a body the way its users get it:
- ours: `datadog_incidents._responses.parse_response(endpoint, response, url)` on an `httpx.Response` holding the
  recorded status, headers and bytes: the operation's declared type for the status, the `ApiError` it raises for
  an error status (with the error body parsed) included;
- official `datadog-api-client` 2.51.0 (own venv): `ApiClient.deserialize(text, response_type, check_type)` with
  the endpoint's `response_type` and the configuration's `check_return_type`, what `call_api` does with a success
  body (an error status raises `ApiException` with the body unparsed: not timed);
- openapi-python-client 0.29.1's package for `openapi-v2.yaml` (own venv, built as `lazy_import.py` builds it):
  the operation module's `_parse_response(client=, response=)`.

Every process times `json.loads` of the same bytes itself, interleaved with its parse, so each ratio is of one
interpreter. Per body: the median of `--rounds` rounds, each round enough calls for ~10 ms. Per operation and in
total: the sum of the medians of its bodies (parse) over the same sum for `json.loads`.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT.parent / "shared" / "real"
CASSETTES = REAL / "datadog" / "cassettes"
SPEC = ROOT / "specs" / "datadog-incidents"
PACKAGE = ROOT / "generated" / "datadog-incidents"
OFFICIAL_VERSION = "2.51.0"


def measure(bodies: list[dict[str, Any]], parsers: list[Callable[[], Any] | None], rounds: int) -> list[dict[str, Any]]:
    """Median seconds per call of `json.loads(body)` and of each parser, rounds interleaved."""
    loads_runs: list[list[float]] = [[] for _ in bodies]
    parse_runs: list[list[float]] = [[] for _ in bodies]
    datas = [b["body"].encode() for b in bodies]
    counts = []
    for data, parse in zip(datas, parsers):  # warm up (validators built, caches filled) and calibrate
        for _ in range(3):
            json.loads(data)
            if parse is not None:
                parse()
        started = time.perf_counter()
        (parse or (lambda: json.loads(data)))()
        counts.append(max(20, int(0.01 / max(time.perf_counter() - started, 1e-7))))
    for _ in range(rounds):
        for index, (data, parse, number) in enumerate(zip(datas, parsers, counts)):
            loads = json.loads
            started = time.perf_counter()
            for _ in range(number):
                loads(data)
            loads_runs[index].append((time.perf_counter() - started) / number)
            if parse is not None:
                started = time.perf_counter()
                for _ in range(number):
                    parse()
                parse_runs[index].append((time.perf_counter() - started) / number)
    return [{"loads": statistics.median(l), "parse": statistics.median(p) if p else None}
            for l, p in zip(loads_runs, parse_runs)]


# ---- the bodies ----------------------------------------------------------------------------------------------

def recorded_bodies() -> list[dict[str, Any]]:
    """Every recorded response of an operation of the bundled Datadog spec, with its operation."""
    from clientsmith.spec.merge import load_spec
    from clientsmith.verify.matcher import MATCHED, Matcher
    from clientsmith.verify.traffic import read_traffic

    spec = load_spec(SPEC)
    matcher = Matcher(spec.document)
    interactions, problems = read_traffic([CASSETTES], ROOT)
    if problems:
        raise SystemExit("\n".join(str(p) for p in problems))
    bodies = []
    for interaction in interactions:
        match = matcher.match(interaction.method, interaction.url)
        if match.outcome != MATCHED or match.operation is None or not interaction.response_body:
            continue  # set-up calls to other endpoints; a 204 has no body to parse
        bodies.append({
            "source": interaction.source.rsplit("/", 1)[-1],
            "operation_id": match.operation.operation["operationId"],
            "method": interaction.method,
            "url": interaction.url,
            "status": interaction.status,
            "headers": list(interaction.response_headers),
            "body": (interaction.response_body or b"").decode(),
        })
    return bodies


# ---- each client's parsing -----------------------------------------------------------------------------------

def received(status: int) -> dict[str, Any]:
    """What httpx's transport puts on a response it received (the reason phrase as the server sent it)."""
    from http import HTTPStatus

    return {"http_version": b"HTTP/1.1", "reason_phrase": HTTPStatus(status).phrase.encode()}


def ours(bodies: list[dict[str, Any]]) -> list[Callable[[], Any] | None]:
    sys.path.insert(0, str(PACKAGE))
    import httpx

    from datadog_incidents import errors
    from datadog_incidents._responses import parse_response
    from datadog_incidents._runtime import Endpoint
    from datadog_incidents.api import incidents

    endpoints = {e.operation_id: e for e in vars(incidents).values() if isinstance(e, Endpoint)}
    parsers: list[Callable[[], Any] | None] = []
    for b in bodies:
        endpoint = endpoints[b["operation_id"]]
        response = httpx.Response(b["status"], headers=b["headers"], content=b["body"].encode(),
                                  request=httpx.Request(b["method"], b["url"]), extensions=received(b["status"]))

        def parse(endpoint: Any = endpoint, response: httpx.Response = response, url: str = b["url"]) -> Any:
            try:
                return parse_response(endpoint, response, url)
            except errors.ApiError as error:
                return error

        parsers.append(parse)
    return parsers


def bare(kind: Any, memo: dict[Any, Any]) -> Any:
    """The same shape on pydantic's defaults: plain `BaseModel`s (unknown fields dropped, no name/alias choice,
    validators built at once), enums as `str`: what parsing costs when nothing but pydantic's validation runs."""
    import enum
    import types
    import typing

    import pydantic

    if kind in memo:
        return memo[kind]
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return str if issubclass(kind, str) else int if issubclass(kind, int) else float
    if isinstance(kind, type) and issubclass(kind, pydantic.BaseModel):
        if "root" in kind.model_fields:
            made = pydantic.RootModel[bare(kind.model_fields["root"].annotation, memo)]  # type: ignore[misc]
        else:
            fields = {name: (bare(f.annotation, memo), pydantic.Field(default=f.default, alias=f.alias))
                      for name, f in kind.model_fields.items()}
            made = pydantic.create_model(kind.__name__, **fields)  # type: ignore[call-overload]
        memo[kind] = made
        return made
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin is None or not args:
        return kind
    if origin is typing.Union or origin is types.UnionType:
        return typing.Union[tuple(bare(a, memo) for a in args)]
    if origin is typing.Annotated:
        return typing.Annotated[(bare(args[0], memo), *args[1:])]
    if origin is typing.Literal:
        return kind
    return origin[tuple(bare(a, memo) for a in args)]


def floor(bodies: list[dict[str, Any]]) -> list[Callable[[], Any] | None]:
    """`model_validate_json` of the bare counterpart of each body's declared type."""
    from datadog_incidents._runtime import Endpoint
    from datadog_incidents._types import resolve_type
    from datadog_incidents.api import incidents

    endpoints = {e.operation_id: e for e in vars(incidents).values() if isinstance(e, Endpoint)}
    memo: dict[Any, Any] = {}
    parsers: list[Callable[[], Any] | None] = []
    for b in bodies:
        kind = bare(resolve_type(endpoints[b["operation_id"]].responses[str(b["status"])]), memo)
        parsers.append(lambda kind=kind, data=b["body"].encode(): kind.model_validate_json(data))
    return parsers


def official(bodies: list[dict[str, Any]]) -> list[Callable[[], Any] | None]:
    import re

    from datadog_api_client import ApiClient, Configuration
    from datadog_api_client.v2.api.incidents_api import IncidentsApi

    client = ApiClient(Configuration())
    api = IncidentsApi(client)
    check = client.configuration.check_return_type
    parsers: list[Callable[[], Any] | None] = []
    for b in bodies:
        snake = re.sub(r"(?<!^)(?=[A-Z])", "_", b["operation_id"]).lower()
        response_type = getattr(api, f"_{snake}_endpoint").settings["response_type"]
        if not 200 <= b["status"] < 300 or not response_type or not b["body"]:
            parsers.append(None)  # call_api raises ApiException with the body unparsed, or returns None
            continue
        parsers.append(lambda text=b["body"], kind=response_type: client.deserialize(text, kind, check))
    return parsers


def openapi_python_client(bodies: list[dict[str, Any]]) -> list[Callable[[], Any] | None]:
    import importlib
    import re

    import httpx

    package = next(iter(Path(sys.argv[sys.argv.index("--package") + 1]).glob("*/models/__init__.py"))).parent.parent
    sys.path.insert(0, str(package.parent))
    client = importlib.import_module(package.name).Client(base_url="https://api.datadoghq.com")
    parsers: list[Callable[[], Any] | None] = []
    for b in bodies:
        snake = re.sub(r"(?<!^)(?=[A-Z])", "_", b["operation_id"]).lower()
        module = importlib.import_module(f"{package.name}.api.incidents.{snake}")
        response = httpx.Response(b["status"], headers=b["headers"], content=b["body"].encode(),
                                  request=httpx.Request(b["method"], b["url"]), extensions=received(b["status"]))
        parsers.append(lambda parse=module._parse_response, response=response: parse(client=client, response=response))
    return parsers


PEERS = {"official": official, "openapi-python-client": openapi_python_client}


def peer_main(name: str, bodies_file: str, rounds: int) -> None:
    bodies = json.loads(Path(bodies_file).read_text())
    print(json.dumps(measure(bodies, PEERS[name](bodies), rounds)))


# ---- the report ----------------------------------------------------------------------------------------------

def by_operation(bodies: list[dict[str, Any]], times: list[dict[str, Any]]) -> dict[str, tuple[float, float, int]]:
    """operation -> (sum of parse medians, sum of json.loads medians, bodies) over the bodies a parser timed."""
    sums: dict[str, tuple[float, float, int]] = {}
    for b, t in zip(bodies, times):
        if t["parse"] is None:
            continue
        parse, loads, count = sums.get(b["operation_id"], (0.0, 0.0, 0))
        sums[b["operation_id"]] = (parse + t["parse"], loads + t["loads"], count + 1)
    return sums


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--peer")
    parser.add_argument("--bodies")
    parser.add_argument("--package")
    parser.add_argument("--no-peers", action="store_true")
    args = parser.parse_args()
    if args.peer:
        peer_main(args.peer, args.bodies, args.rounds)
        return

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _peers import machine, peer_python

    bodies = recorded_bodies()
    results = {"ours": measure(bodies, ours(bodies), args.rounds),
               "pydantic floor": measure(bodies, floor(bodies), args.rounds)}
    if not args.no_peers:
        import lazy_import

        with tempfile.TemporaryDirectory() as tmp:
            bodies_file = Path(tmp) / "bodies.json"
            bodies_file.write_text(json.dumps(bodies))
            runs = {
                "official": (peer_python(f"datadog-api-client-{OFFICIAL_VERSION}",
                                         [f"datadog-api-client=={OFFICIAL_VERSION}"]), []),
                "openapi-python-client": (lazy_import.opc_python(),
                                          ["--package", str(lazy_import._openapi_python_client_package().parent)]),
            }
            for name, (python, extra) in runs.items():
                out = subprocess.run([str(python), __file__, "--peer", name, "--bodies", str(bodies_file),
                                      "--rounds", str(args.rounds), *extra], check=True, capture_output=True, text=True)
                results[name] = json.loads(out.stdout)

    import os

    print(f"machine: {machine()}; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{len(bodies)} recorded responses of {len({b['operation_id'] for b in bodies})} operations, "
          f"{sum(len(b['body']) for b in bodies):,} bytes; median of {args.rounds} rounds\n")
    print(f"{'operation':32} {'bodies':>6} " + " ".join(f"{name:>22}" for name in results))
    sums = {name: by_operation(bodies, times) for name, times in results.items()}
    for operation in sorted({b["operation_id"] for b in bodies}):
        cells = []
        for name in results:
            parse, loads, count = sums[name].get(operation, (0.0, 0.0, 0))
            cells.append(f"{parse * 1e6:8.1f} us {parse / loads:5.2f}x" if count else f"{'not parsed':>22}")
        count = sum(1 for b in bodies if b["operation_id"] == operation)
        print(f"{operation:32} {count:>6} " + " ".join(f"{c:>22}" for c in cells))
    summary: dict[str, Any] = {"bodies": len(bodies), "rounds": args.rounds}
    cells = []
    for name in results:
        parse = sum(p for p, _, _ in sums[name].values())
        loads = sum(l for _, l, _ in sums[name].values())
        worst = max(sums[name].items(), key=lambda item: item[1][0] / item[1][1])
        summary[name] = {"total_parse_us": round(parse * 1e6, 1), "total_loads_us": round(loads * 1e6, 1),
                         "total_ratio": round(parse / loads, 2), "bodies_parsed": sum(c for _, _, c in sums[name].values()),
                         "worst_operation": worst[0], "worst_ratio": round(worst[1][0] / worst[1][1], 2),
                         "per_operation": {op: round(p / l, 2) for op, (p, l, _) in sums[name].items()}}
        cells.append(f"{parse * 1e6:8.1f} us {parse / loads:5.2f}x")
    print(f"{'total (bodies each parsed)':32} {len(bodies):>6} " + " ".join(f"{c:>22}" for c in cells))
    success = [i for i, b in enumerate(bodies) if 200 <= b["status"] < 300]
    cells = []
    for name, times in results.items():
        parse = sum(times[i]["parse"] for i in success)
        loads = sum(times[i]["loads"] for i in success)
        summary[name]["success_ratio"] = round(parse / loads, 2)
        cells.append(f"{parse * 1e6:8.1f} us {parse / loads:5.2f}x")
    print(f"{'total, success bodies':32} {len(success):>6} " + " ".join(f"{c:>22}" for c in cells))
    ours_summary = summary["ours"]
    print(f"\nours: total {ours_summary['total_ratio']}x json.loads (target <= 2), worst operation "
          f"{ours_summary['worst_operation']} {ours_summary['worst_ratio']}x (target <= 3)")
    (Path(__file__).resolve().parent / "deserialize.json").write_text(json.dumps(summary, indent=2) + "\n")


if __name__ == "__main__":
    main()
