"""Progress is shown on a terminal and never when output is piped (CI): one summary line per client."""

from __future__ import annotations

import io
import os
import re
import pty
import subprocess
import sys

from conftest import FIXTURES, ROOT


def test_piped_output_is_one_summary_line(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "clientsmith", "generate", "--no-cache", "--spec", str(FIXTURES / "mini"),
         "--package", "mini", "--output", str(tmp_path / "out")],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 0
    written = sum(1 for p in (tmp_path / "out").rglob("*") if p.is_file())  # the manifest included
    assert result.stdout == f"mini: {written} added, 0 changed, 0 removed, 0 unchanged\n"
    assert result.stderr == ""


def test_terminal_shows_stages_and_counts(tmp_path):
    main_fd, child_fd = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "clientsmith", "generate", "--no-cache", "--spec", str(FIXTURES / "mini"),
         "--package", "mini", "--output", str(tmp_path / "out")],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=child_fd,
    )
    os.close(child_fd)
    chunks = []
    while True:
        try:
            data = os.read(main_fd, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    process.wait()
    screen = b"".join(chunks).decode()
    assert process.returncode == 0
    assert "mini: loading" in screen and "mini: validating" in screen
    assert "mini: rendering 6 operations in 2 modules" in screen
    # The count follows the number of generated modules: only that it runs to its end is checked.
    assert re.search(r"mini: formatting chunks with black (\d+)/\1\r", screen)


def test_progress_object_is_silent_when_disabled():
    from clientsmith.progress import Progress

    stream = io.StringIO()
    progress = Progress("x", stream=stream, enabled=False)
    progress.stage("formatting", 3)
    progress.advance(3)
    progress.finish()
    assert stream.getvalue() == ""
