"""A generated package's webhook checks per call, against the `standardwebhooks` package (a test extra).

    .venv/bin/python bench/webhooks.py

The package is generated from tests/fixtures/webhooks/incidents-3.1.yaml into a temporary folder. Both
sides verify the same Standard Webhooks delivery (a ~1 KB body); theirs returns the parsed JSON, so
`unwrap` (verify, then a pydantic model) is set against it as well as `verify` alone.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
import timeit
from datetime import datetime, timezone
from pathlib import Path

from standardwebhooks import Webhook

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "tests" / "fixtures" / "webhooks" / "incidents-3.1.yaml"
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


def per_call(function, number: int = 5000) -> float:
    return min(timeit.repeat(function, number=number, repeat=7)) / number


def main() -> None:
    from clientsmith.config import ClientTarget
    from clientsmith.pipeline import generate

    with tempfile.TemporaryDirectory() as out:
        generate(ClientTarget(SPEC, "bench_events", "bench_events", Path(out)), base=ROOT)
        sys.path.insert(0, out)
        from bench_events.webhooks import Webhooks

        body = json.dumps({"type": "incident.created",
                           "data": {"id": "inc_1", "title": "Checkout down " + "x" * 900, "severity": 2}})
        sent = int(time.time())
        headers = {"webhook-id": "msg_1", "webhook-timestamp": str(sent),
                   "webhook-signature": Webhook(SECRET).sign("msg_1", datetime.fromtimestamp(sent, tz=timezone.utc), body)}
        ours, theirs = Webhooks(SECRET), Webhook(SECRET)
        ours.unwrap(body, headers)  # validators built once, as a long-lived handler has them
        figures = {
            "body_bytes": len(body),
            "standardwebhooks_verify_us": per_call(lambda: theirs.verify(body, headers)) * 1e6,
            "ours_verify_us": per_call(lambda: ours.verify(body, headers)) * 1e6,
            "ours_unwrap_us": per_call(lambda: ours.unwrap(body, headers)) * 1e6,
        }
    figures["verify_ratio"] = figures["ours_verify_us"] / figures["standardwebhooks_verify_us"]
    figures["unwrap_ratio"] = figures["ours_unwrap_us"] / figures["standardwebhooks_verify_us"]
    print(json.dumps({k: round(v, 2) if isinstance(v, float) else v for k, v in figures.items()}, indent=2))


if __name__ == "__main__":
    main()
