"""Recorded traffic as plain interactions, whatever tool recorded it: HAR 1.2 exports and VCR cassettes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from clientsmith.problems import ERROR, WARNING, Problem, SpecError
from clientsmith.spec.bundle import display_path
from clientsmith.spec.loader import LoadedFile, load_file

TRAFFIC_SUFFIXES = (".har", ".yaml", ".yml", ".json")
Headers = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Interaction:
    """One request and its response. Bodies are bytes as recorded less the recording format's own
    encoding (base64); compression is undone by bodies.decoded. A body of None was not recorded (a HAR
    export may leave bodies out): nothing is said about it."""

    source: str  # where it was recorded: `file.yaml#2` (interaction index) or `export.har#entry 5`
    method: str  # upper case
    url: str
    request_headers: Headers
    request_body: bytes | None
    status: int
    response_headers: Headers
    response_body: bytes | None

    def request_header(self, name: str) -> str | None:
        return header(self.request_headers, name)

    def response_header(self, name: str) -> str | None:
        return header(self.response_headers, name)


def header(headers: Headers, name: str) -> str | None:
    name = name.lower()
    for key, value in headers:
        if key.lower() == name:
            return value
    return None


def traffic_files(paths: list[Path]) -> list[tuple[Path, bool]]:
    """(file, whether it was named rather than found in a folder given), in a stable order."""
    files: list[tuple[Path, bool]] = []
    for path in paths:
        if path.is_dir():
            found = (p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in TRAFFIC_SUFFIXES)
            files += [(p, False) for p in sorted(found, key=lambda p: p.relative_to(path).as_posix())]
        elif path.exists():
            files.append((path, True))
        else:
            raise SpecError([Problem(path.as_posix(), 0, "", "no such file or folder")])
    return files


def read_traffic(paths: list[Path], base: Path) -> tuple[list[Interaction], list[Problem]]:
    """Every interaction of every file, and warnings. A file named that is in no known format is a located
    error; one found in a folder is left out with a warning (folders of cassettes hold other files too)."""
    from clientsmith.verify.cassettes import is_cassette, read_cassette
    from clientsmith.verify.har import is_har, read_har

    interactions: list[Interaction] = []
    problems: list[Problem] = []
    warnings: list[Problem] = []
    for path, named in traffic_files(paths):
        display = display_path(path, base)
        try:
            loaded = load_file(path, display, any_top_level=True)
            if is_har(loaded.data):
                interactions += read_har(loaded)
            elif is_cassette(loaded.data):
                interactions += read_cassette(loaded)
            else:
                (problems if named else warnings).append(
                    Problem(display, 1, "", "neither a HAR export (`log.entries`) nor a VCR cassette "
                            "(`interactions` or `http_interactions`)" + ("" if named else ": left out"),
                            ERROR if named else WARNING))
        except SpecError as exc:
            problems += exc.problems
    if problems:
        raise SpecError(problems)
    return interactions, warnings


def bad(loaded: LoadedFile, ptr: str, message: str) -> SpecError:
    return SpecError([Problem(loaded.display, loaded.line_of(ptr), ptr, message)])
