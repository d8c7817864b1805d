"""Run the same calls through a generated package's `Client` and `AsyncClient`, so each rule is checked both ways."""

from __future__ import annotations

import asyncio
import atexit
import functools
import shutil
import tempfile
from pathlib import Path
from typing import Any

import httpx


class Flavor:
    def __init__(self, package: Any, is_async: bool) -> None:
        self.package = package
        self.is_async = is_async

    def provider(self, **kwargs: Any) -> Any:
        """An OAuth2 client-credentials provider of this flavour."""
        cls = self.package.AsyncClientCredentials if self.is_async else self.package.ClientCredentials
        return cls(**kwargs)

    def run(self, client_kwargs: dict[str, Any], *calls: tuple[Any, ...], follow_redirects: bool | None = None,
            keep: list[Any] | None = None) -> list[Any]:
        """Make each call `(resource.method, *args, {kwargs})` with one client; a raised error is the result.

        `follow_redirects` injects an httpx client built with that setting; `keep` receives the client."""
        def split(client: Any, call: tuple[Any, ...]) -> tuple[Any, tuple[Any, ...], dict[str, Any]]:
            name, *args = call
            kwargs = args.pop() if args and isinstance(args[-1], dict) else {}
            method = client
            for part in name.split("."):
                method = getattr(method, part)
            return method, tuple(args), kwargs

        if not self.is_async:
            http = httpx.Client(follow_redirects=follow_redirects) if follow_redirects is not None else None
            results = []
            with self.package.Client(**client_kwargs, **({"http_client": http} if http else {})) as client:
                if keep is not None:
                    keep.append(client)
                for call in calls:
                    method, args, kwargs = split(client, call)
                    try:
                        results.append(method(*args, **kwargs))
                    except Exception as exc:  # noqa: BLE001 - the error is what the test looks at
                        results.append(exc)
            if http:
                http.close()
            return results

        async def main() -> list[Any]:
            http = httpx.AsyncClient(follow_redirects=follow_redirects) if follow_redirects is not None else None
            results = []
            async with self.package.AsyncClient(**client_kwargs, **({"http_client": http} if http else {})) as client:
                if keep is not None:
                    keep.append(client)
                for call in calls:
                    method, args, kwargs = split(client, call)
                    try:
                        results.append(await method(*args, **kwargs))
                    except Exception as exc:  # noqa: BLE001
                        results.append(exc)
            if http:
                await http.aclose()
            return results

        return asyncio.run(main())


@functools.lru_cache(maxsize=None)
def generated(spec: str, package: str) -> Path:
    """tests/fixtures/<spec> generated once per test session (in a temporary folder), for import_generated."""
    from clientsmith.config import ClientTarget
    from clientsmith.pipeline import generate

    root = Path(__file__).resolve().parent.parent
    out = Path(tempfile.mkdtemp(prefix=f"{package}-"))
    atexit.register(shutil.rmtree, out, True)
    generate(ClientTarget(root / "tests" / "fixtures" / spec, package, package, out, models="module"), base=root)
    return out
