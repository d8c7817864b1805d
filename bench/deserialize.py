"""Parsing a real Datadog response into the generated models, against json.loads of the same bytes.

    .venv/bin/python bench/deserialize.py

Target: at most 3x json.loads. The body is the create-incident response recorded from the real API.
"""

from __future__ import annotations

import json
import sys
import timeit
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CASSETTE = ROOT.parent / "shared" / "real" / "datadog" / "cassettes" / "create_an_incident_returns_created_response.yaml"


def body() -> bytes:
    for interaction in yaml.safe_load(CASSETTE.read_text())["interactions"]:
        if interaction["request"]["uri"].endswith("/api/v2/incidents"):
            return interaction["response"]["body"]["string"].encode()
    raise SystemExit("no create-incident response in the cassette")


def main() -> None:
    sys.path.insert(0, str(ROOT / "generated" / "datadog-incidents"))
    from datadog_incidents.models import IncidentResponse

    data = body()
    IncidentResponse.model_validate_json(data)  # build validators once, as a long-lived client has
    number = 2000
    loads = min(timeit.repeat(lambda: json.loads(data), number=number, repeat=7)) / number
    parse = min(timeit.repeat(lambda: IncidentResponse.model_validate_json(data), number=number, repeat=7)) / number
    print(json.dumps({
        "body_bytes": len(data),
        "json_loads_us": round(loads * 1e6, 2),
        "IncidentResponse.model_validate_json_us": round(parse * 1e6, 2),
        "ratio (target <= 3)": round(parse / loads, 2),
    }, indent=2))


if __name__ == "__main__":
    main()
