"""Remote `$ref`s (http/https), followed only when the user allows them: each document fetched once and
size-bounded. Bundling (spec/bundle.py) treats what they point at like a local file's objects."""

from __future__ import annotations

import urllib.error
import urllib.request
from typing import Callable

from clientsmith.problems import Problem, SpecError
from clientsmith.spec.loader import MAX_FILE_BYTES, LoadedFile, load_text

FETCH_TIMEOUT = 15.0
Fetch = Callable[[str], str]


def fetch_url(url: str) -> str:
    request = urllib.request.Request(url, headers={"Accept": "application/yaml, application/json, text/plain"})
    with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT) as response:  # noqa: S310 (http/https only)
        data = response.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise ValueError(f"over the {MAX_FILE_BYTES:,}-byte limit")
    return data.decode("utf-8")


def is_remote(ref: str) -> bool:
    return ref.startswith(("http://", "https://"))


class RemoteDocuments:
    """Fetched documents by URL (without fragment); a URL that failed is not fetched again."""

    def __init__(self, fetch: Fetch = fetch_url) -> None:
        self.fetch = fetch
        self.documents: dict[str, LoadedFile | None] = {}
        self.fetched_text: list[str] = []  # what was fetched, for cache keys

    def get(self, url: str, problems: list[Problem], where: Callable[[str], Problem]) -> LoadedFile | None:
        """The document at `url`, or None after adding a problem (`where` locates it at the ref)."""
        if url in self.documents:
            return self.documents[url]
        document = None
        try:
            text = self.fetch(url)
            self.fetched_text.append(url + "\n" + text)
            document = load_text(text, url, any_top_level=True)
        except SpecError as exc:
            problems.extend(exc.problems)
        except urllib.error.HTTPError as exc:
            problems.append(where(f"cannot fetch remote $ref {url!r}: HTTP {exc.code} {exc.reason}"))
        except (OSError, ValueError) as exc:
            reason = getattr(exc, "reason", None) or exc
            problems.append(where(f"cannot fetch remote $ref {url!r}: {reason}"))
        self.documents[url] = document
        return document
