"""Resident memory of a process that uses the Datadog v2 client, against the official datadog-api-client.

A fresh interpreter imports the client, makes one call of each of ten operations against a loopback server
that answers with the responses Datadog sent in the recorded traffic (`../shared/real/datadog/cassettes/`,
request bodies from the same recordings), and reports its peak resident set size (VmHWM). Ours is the
package `bench/lazy_import.py` generates from `../shared/real/datadog/openapi-v2.yaml`, in a venv holding only what
it depends on (as `lazy_import.py` measures it); the official client is release 2.51.0, built from the same
spec, in its own venv. Each figure is the median of several rounds, the
peer measured in the same run; a bare interpreter of each venv (`pass`) is measured too, so the client's own
share shows.

Measured over http and over https (a self-signed certificate for 127.0.0.1 added to certifi's bundle, which
both clients then load, as they do talking to the real API).

    .venv/bin/python bench/memory.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _peers import machine, peer_python  # noqa: E402
from lazy_import import OFFICIAL_VERSION, WORK, runtime_python  # noqa: E402

CASSETTES = Path(__file__).resolve().parent.parent.parent / "shared" / "real" / "datadog" / "cassettes"
INCIDENT = "00000000-0000-0000-0000-0000000000aa"
ATTACHMENT = "00000000-0000-0000-0000-0000000000bb"

# operation -> (method, path pattern on the wire, path arguments); the first successful recorded interaction
# of that method and path gives the response the server sends and the request body both clients send.
OPERATIONS = {
    "create_user": ("POST", r"/api/v2/users", ()),
    "create_incident": ("POST", r"/api/v2/incidents", ()),
    "get_incident": ("GET", r"/api/v2/incidents/[^/]+", (INCIDENT,)),
    "update_incident": ("PATCH", r"/api/v2/incidents/[^/]+", (INCIDENT,)),
    "list_incidents": ("GET", r"/api/v2/incidents", ()),
    "create_incident_attachment": ("POST", r"/api/v2/incidents/[^/]+/attachments", (INCIDENT,)),
    "list_incident_attachments": ("GET", r"/api/v2/incidents/[^/]+/attachments", (INCIDENT,)),
    "update_incident_attachment": ("PATCH", r"/api/v2/incidents/[^/]+/attachments/[^/]+", (INCIDENT, ATTACHMENT)),
    "delete_incident_attachment": ("DELETE", r"/api/v2/incidents/[^/]+/attachments/[^/]+", (INCIDENT, ATTACHMENT)),
    "delete_incident": ("DELETE", r"/api/v2/incidents/[^/]+", (INCIDENT,)),
}
# The official client's request model of each operation with a body (ours takes the recorded JSON as a dict).
OFFICIAL_BODIES = {
    "create_user": "user_create_request.UserCreateRequest",
    "create_incident": "incident_create_request.IncidentCreateRequest",
    "update_incident": "incident_update_request.IncidentUpdateRequest",
    "create_incident_attachment": "create_attachment_request.CreateAttachmentRequest",
    "update_incident_attachment": "patch_attachment_request.PatchAttachmentRequest",
}
OFFICIAL_API = {"create_user": "users_api.UsersApi"}  # the rest are IncidentsApi's

SERVER = r"""
import json, re, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

routes = json.load(open(sys.argv[1]))

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _answer(self):
        length = int(self.headers.get("content-length") or 0)
        if length:
            self.rfile.read(length)
        path = self.path.split("?", 1)[0]
        for route in routes:
            if route["method"] == self.command and re.fullmatch(route["path"], path):
                body = route["body"].encode()
                self.send_response(route["status"])
                if body:
                    self.send_header("content-type", route["content_type"])
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
        self.send_response(599)
        self.send_header("content-length", "0")
        self.end_headers()

    do_GET = do_POST = do_PATCH = do_DELETE = _answer

    def log_message(self, *args):
        pass

server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
if len(sys.argv) > 2:  # certificate and key: https
    import ssl
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(sys.argv[2], sys.argv[3])
    server.socket = context.wrap_socket(server.socket, server_side=True)
print(server.server_address[1], flush=True)
server.serve_forever()
"""

# The process's own peak resident set size (VmHWM of its memory map). `ru_maxrss` would not do: Linux
# carries the launching process's peak into it across exec (the bench's own, with the recordings loaded).
PEAK = """
def peak_rss_kib():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
"""

OURS = """
import json, sys
{PEAK}
import datadog_v2

calls = json.loads(sys.argv[1])
with datadog_v2.Client(api_key="k", app_key="k", base_url=sys.argv[2], unstable_operations=set(calls)) as client:
    for operation, (api, args, body) in calls.items():
        api_ = client.users if api == "users" else client.incidents
        result = getattr(api_, operation)(*args, **({"body": body} if body is not None else {}))
        assert result is None or type(result).__name__ != "dict", operation
print(peak_rss_kib())
""".replace("{PEAK}", PEAK)

OFFICIAL = """
import importlib, json, sys
{PEAK}
from datadog_api_client import ApiClient, Configuration

calls = json.loads(sys.argv[1])
configuration = Configuration(host=sys.argv[2])
if len(sys.argv) > 3:
    configuration.ssl_ca_cert = sys.argv[3]
configuration.api_key["apiKeyAuth"] = "k"
configuration.api_key["appKeyAuth"] = "k"
for operation in calls:
    try:
        configuration.unstable_operations["v2." + operation] = True
    except KeyError:  # a stable operation
        pass
with ApiClient(configuration) as api_client:
    apis = {}
    for operation, (api, args, body, body_model) in calls.items():
        module, name = api.rsplit(".", 1)
        if api not in apis:
            apis[api] = getattr(importlib.import_module("datadog_api_client.v2.api." + module), name)(api_client)
        if body is not None:
            module, name = body_model.rsplit(".", 1)
            model = getattr(importlib.import_module("datadog_api_client.v2.model." + module), name)
            args = [*args, api_client.deserialize(json.dumps(body), (model,), True)]
        result = getattr(apis[api], operation)(*args)
        assert result is None or type(result).__name__ != "dict", operation
print(peak_rss_kib())
""".replace("{PEAK}", PEAK)


def recorded() -> dict[str, dict[str, object]]:
    """operation -> the recorded request body (parsed JSON or None) and response (status, type, body)."""
    interactions = []
    for cassette in sorted(CASSETTES.glob("*.yaml")):
        interactions += yaml.safe_load(cassette.read_text(encoding="utf-8"))["interactions"]
    found: dict[str, dict[str, object]] = {}
    for operation, (method, pattern, _) in OPERATIONS.items():
        for interaction in interactions:
            request, response = interaction["request"], interaction["response"]
            path = re.sub(r"^https?://[^/]+", "", request["uri"]).split("?", 1)[0]
            if request["method"] == method and re.fullmatch(pattern, path) and response["status"]["code"] < 300:
                body = request.get("body")
                content_type = (response["headers"].get("content-type") or ["application/json"])[0]
                found[operation] = {
                    "request": json.loads(body) if body else None,
                    "status": response["status"]["code"],
                    "content_type": content_type,
                    "body": response["body"]["string"],
                }
                break
        else:
            raise SystemExit(f"no recorded interaction for {operation} ({method} {pattern})")
    return found


def max_rss(python: Path, code: str, *args: str, path: Path | None = None, rounds: int,
            env: dict[str, str] | None = None) -> float:
    """Median peak resident set size of `rounds` fresh interpreters, in MiB."""
    env = {**os.environ, **(env or {}), **({"PYTHONPATH": str(path)} if path else {})}
    runs = []
    for _ in range(rounds):
        run = subprocess.run([str(python), "-c", textwrap.dedent(code), *args], capture_output=True, text=True,
                             env=env)
        if run.returncode != 0:
            raise SystemExit(f"{python}: {run.stderr[-3000:]}")
        runs.append(int(run.stdout.split()[-1]) / 1024)
    return statistics.median(runs)


def _certificate(folder: Path) -> tuple[Path, Path, Path]:
    """A self-signed certificate for 127.0.0.1, its key, and a CA file of certifi's bundle plus it (the
    clients load the whole bundle, as they do for a real API)."""
    cert, key, bundle = folder / "cert.pem", folder / "key.pem", folder / "bundle.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    import certifi

    bundle.write_text(Path(certifi.where()).read_text(encoding="utf-8") + cert.read_text(encoding="utf-8"))
    return cert, key, bundle


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    options = parser.parse_args()
    if not (WORK / "datadog_v2" / "__init__.py").exists():
        raise SystemExit(f"{WORK} has no datadog_v2 package: run bench/lazy_import.py first")
    official = peer_python("datadog-api-client-2.51.0", [f"datadog-api-client=={OFFICIAL_VERSION}"])
    ours_python = runtime_python()
    interactions = recorded()
    ours_calls = json.dumps({op: ("users" if op == "create_user" else "incidents", list(args),
                                  interactions[op]["request"]) for op, (_, _, args) in OPERATIONS.items()})
    official_calls = json.dumps({op: (OFFICIAL_API.get(op, "incidents_api.IncidentsApi"), list(args),
                                      interactions[op]["request"], OFFICIAL_BODIES.get(op))
                                 for op, (_, _, args) in OPERATIONS.items()})
    bare = PEAK + "print(peak_rss_kib())"
    figures = {
        "ours_bare": max_rss(ours_python, bare, rounds=options.rounds),
        "official_bare": max_rss(official, bare, rounds=options.rounds),
    }
    with tempfile.TemporaryDirectory() as tmp:
        routes = Path(tmp) / "routes.json"
        routes.write_text(json.dumps([
            {"method": method, "path": pattern, **{k: interactions[op][k] for k in ("status", "content_type", "body")}}
            for op, (method, pattern, _) in OPERATIONS.items()
        ]))
        cert, key, bundle = _certificate(Path(tmp))
        # http: what a loopback test sees; https: what talking to the real API loads (TLS, the CA bundle).
        for scheme, server_args in (("http", []), ("https", [str(cert), str(key)])):
            server = subprocess.Popen([sys.executable, "-c", SERVER, str(routes), *server_args],
                                      stdout=subprocess.PIPE, text=True)
            try:
                assert server.stdout is not None
                base_url = f"{scheme}://127.0.0.1:{server.stdout.readline().strip()}"
                tls = scheme == "https"
                # httpx's default TLS context reads SSL_CERT_FILE; the official client takes the file itself
                figures[f"ours_{scheme}"] = max_rss(ours_python, OURS, ours_calls, base_url, path=WORK,
                                                    rounds=options.rounds,
                                                    env={"SSL_CERT_FILE": str(bundle)} if tls else None)
                figures[f"official_{scheme}"] = max_rss(official, OFFICIAL, official_calls, base_url,
                                                        *([str(bundle)] if tls else []), rounds=options.rounds)
            finally:
                server.terminate()
                server.wait()
    print(f"machine: {machine()}")
    print(f"bare interpreter: ours {figures['ours_bare']:.1f} MiB, official's venv {figures['official_bare']:.1f} MiB")
    for scheme in ("http", "https"):
        ours, peer = figures[f"ours_{scheme}"], figures[f"official_{scheme}"]
        print(f"ten operations over {scheme} (peak RSS): ours {ours:.1f} MiB vs official {OFFICIAL_VERSION} {peer:.1f} MiB: "
              f"{ours / peer:.2f}x; above a bare interpreter {ours - figures['ours_bare']:.1f} vs "
              f"{peer - figures['official_bare']:.1f} MiB: "
              f"{(ours - figures['ours_bare']) / (peer - figures['official_bare']):.2f}x")
    (Path(__file__).resolve().parent / "memory.json").write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
