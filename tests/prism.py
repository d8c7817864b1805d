"""Prism, the spec-driven mock server, started on 127.0.0.1 with a bundled spec (installed by `make test`)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRISM = ROOT / "node_modules" / ".bin" / "prism"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Prism:
    def __init__(self, spec_file: Path, log_file: Path) -> None:
        if not PRISM.exists():
            raise RuntimeError(f"{PRISM} is missing: `make test` installs it with npm ci")
        if shutil.which("node") is None:
            raise RuntimeError("node is not on PATH")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_file = log_file
        self.log = open(log_file, "w")
        self.process = subprocess.Popen(
            [str(PRISM), "mock", str(spec_file), "-h", "127.0.0.1", "-p", str(self.port), "--errors"],
            stdout=self.log, stderr=subprocess.STDOUT, cwd=ROOT,
        )
        self._wait()

    def _wait(self, seconds: float = 60.0) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"prism exited: {self.log_file.read_text()[-2000:]}")
            if "Prism is listening" in self.log_file.read_text():
                return
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"prism did not start: {self.log_file.read_text()[-2000:]}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()
