"""Per-call overhead of a generated client against bare httpx, and import time against the official client.

    .venv/bin/python bench/client_overhead.py

Prints ratios measured in this run; both sides call the same loopback server.
"""

from __future__ import annotations

import compileall
import json
import shutil
import tempfile
import statistics
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from _peers import import_time, machine, peer_python  # noqa: E402

CASSETTE = ROOT.parent / "shared" / "real" / "datadog" / "cassettes" / "get_the_details_of_an_incident_returns_ok_response.yaml"
CALLS = 2000
ROUNDS = 5


def incident_body() -> bytes:
    import yaml

    interactions = yaml.safe_load(CASSETTE.read_text())["interactions"]
    for interaction in interactions:
        if interaction["request"]["method"] == "GET" and "/incidents/" in interaction["request"]["uri"]:
            return interaction["response"]["body"]["string"].encode()
    raise SystemExit("no GET incident interaction in the cassette")


def serve(body: bytes) -> tuple[ThreadingHTTPServer, str]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out at once: no 40 ms delayed-ACK stalls

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def per_call(fn) -> float:
    samples = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        for _ in range(CALLS // ROUNDS):
            fn()
        samples.append((time.perf_counter() - started) / (CALLS // ROUNDS))
    return statistics.median(samples)


def main() -> None:
    sys.path.insert(0, str(ROOT / "generated" / "datadog-incidents"))
    import datadog_incidents

    body = incident_body()
    server, url = serve(body)
    incident_id = "00000000-0000-0000-0000-000000000001"
    bare = httpx.Client()
    client = datadog_incidents.Client(api_key="k", app_key="k", base_url=url,
                                      unstable_operations={"get_incident"})
    for _ in range(50):  # warm both
        bare.get(f"{url}/api/v2/incidents/{incident_id}").json()
        client.incidents.get_incident(incident_id)
    t_bare = per_call(lambda: bare.get(f"{url}/api/v2/incidents/{incident_id}",
                                       headers={"DD-API-KEY": "k", "DD-APPLICATION-KEY": "k"}).json())
    t_client = per_call(lambda: client.incidents.get_incident(incident_id))
    server.shutdown()

    official = peer_python("datadog-api-client", ["datadog-api-client"])
    t_official = import_time(official, "from datadog_api_client.v2.api.incidents_api import IncidentsApi")
    # Bytecode compiled first, as `pip install` does (the official client was installed that way).
    package_copy = Path(tempfile.mkdtemp()) / "datadog-incidents"
    shutil.copytree(ROOT / "generated" / "datadog-incidents", package_copy)
    compileall.compile_dir(package_copy, quiet=1)
    t_ours = import_time(Path(sys.executable), "import datadog_incidents; datadog_incidents.Client", package_copy)
    shutil.rmtree(package_copy.parent)
    results = {
        "machine": machine(),
        "per_call_seconds": {"httpx_bare_get_and_json": t_bare, "datadog_incidents_get_incident": t_client},
        "per_call_ratio": t_client / t_bare,
        "import_seconds": {"datadog_incidents": t_ours, "datadog_api_client_IncidentsApi": t_official},
        "import_ratio": t_ours / t_official,
    }
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
