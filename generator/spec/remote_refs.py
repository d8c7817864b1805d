"""Remote `$ref`s (http/https), followed only when the user allows them: fetched once each, bounded, and
copied into `components/schemas` so the rest of the pipeline sees a self-contained document."""

from __future__ import annotations

import copy
import re
import urllib.error
import urllib.request
from typing import Any, Callable
from urllib.parse import urldefrag, urljoin

from generator.spec.loader import MAX_FILE_BYTES, load_text
from generator.spec.merge import MergedSpec
from generator.problems import Problem, SpecError, pointer
from generator.spec.resolve import _MISSING, iter_refs, lookup

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


class RemoteRefs:
    def __init__(self, spec: MergedSpec, fetch: Fetch = fetch_url) -> None:
        self.spec = spec
        self.fetch = fetch
        self.documents: dict[str, Any] = {}
        self.local_name: dict[str, str] = {}  # absolute ref -> component name
        self.problems: list[Problem] = []
        self.fetched_text: list[str] = []

    def inline(self) -> list[Problem]:
        """Rewrite every remote ref of the document to a local component. Returns the problems."""
        schemas = self.spec.document.setdefault("components", {}).setdefault("schemas", {})
        for holder, ref in list(iter_refs(self.spec.document)):
            if isinstance(ref, str) and is_remote(ref):
                node = lookup(self.spec.document, holder)
                name = self._component(ref, f"{holder}/$ref", schemas)
                if name:
                    node["$ref"] = f"#/components/schemas/{name}"
        return self.problems

    def _document(self, url: str, where: str) -> Any:
        if url not in self.documents:
            try:
                text = self.fetch(url)
                self.fetched_text.append(url + "\n" + text)
                self.documents[url] = load_text(text, url).data
            except SpecError as exc:
                self.problems.extend(exc.problems)
                self.documents[url] = None
            except urllib.error.HTTPError as exc:
                self.problems.append(self.spec.problem(where, f"cannot fetch remote $ref {url!r}: HTTP {exc.code} {exc.reason}"))
                self.documents[url] = None
            except (OSError, ValueError) as exc:
                reason = getattr(exc, "reason", None) or exc
                self.problems.append(self.spec.problem(where, f"cannot fetch remote $ref {url!r}: {reason}"))
                self.documents[url] = None
        return self.documents[url]

    def _component(self, ref: str, where: str, schemas: dict[str, Any]) -> str:
        if ref in self.local_name:
            return self.local_name[ref]
        url, fragment = urldefrag(ref)
        document = self._document(url, where)
        if document is None:
            return ""
        target = lookup(document, fragment) if fragment else document
        if target is _MISSING:
            self.problems.append(self.spec.problem(where, f"remote $ref {ref!r} does not resolve"))
            return ""
        base = re.sub(r"\W+", "_", (fragment.rstrip("/").rsplit("/", 1)[-1] if fragment else url.rsplit("/", 1)[-1]))
        name, n = base.strip("_") or "Remote", 2
        while name in schemas:
            name, n = f"{base}_{n}", n + 1
        self.local_name[ref] = name
        schema = copy.deepcopy(target)
        schemas[name] = schema
        self.spec.owners.setdefault(pointer("components", "schemas", name), self.spec.files[0])
        # refs inside the fetched schema are relative to its own document
        for holder, inner in list(iter_refs(schema)):
            if not isinstance(inner, str):
                continue
            absolute = urljoin(url, inner) if not inner.startswith("#") else url + inner
            if is_remote(absolute):
                node = lookup(schema, holder) if holder else schema
                local = self._component(absolute, where, schemas)
                if local:
                    node["$ref"] = f"#/components/schemas/{local}"
        return name
