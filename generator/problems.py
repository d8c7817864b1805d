"""Problems found in a spec (or a template), collected as values and reported together."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a spec, located by file, line and JSON pointer."""

    file: str
    line: int
    pointer: str
    message: str
    level: str = ERROR

    def __str__(self) -> str:
        prefix = "" if self.level == ERROR else f"{self.level}: "
        return f"{self.file}:{self.line}: {self.pointer or '/'}: {prefix}{self.message}"


class SpecError(Exception):
    """Raised by a pipeline stage when the spec cannot be turned into a client."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))


class SpecMissing(SpecError):
    """The spec file or folder does not exist: a file-system error (exit 2), not a problem in a spec."""


class TemplateError(Exception):
    """A template (the user's or a built-in one) failed to compile or to render: `file:LINE: message`."""

    def __init__(self, file: str, line: int, message: str) -> None:
        self.file, self.line, self.message = file, line, message
        super().__init__(f"{file}:{line}: {message}")


def escape_pointer_token(token: object) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def unescape_pointer_token(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def pointer(*tokens: object) -> str:
    return "".join("/" + escape_pointer_token(t) for t in tokens)


def split_pointer(ptr: str) -> list[str]:
    if not ptr or ptr == "/":
        return []
    return [unescape_pointer_token(t) for t in ptr.lstrip("/").split("/")]
