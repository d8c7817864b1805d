"""Every operation of every bundled client, called against Prism serving the bundled spec.

Prism validates each request against the spec (`sl-violations`) and answers from the spec's examples,
which must then parse into the declared types. Sync and async.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
import pytest

from conftest import ROOT, import_generated
from prism import Prism
from spec_examples import media_examples

from clientsmith.cli import main
from clientsmith.config import load_targets
from clientsmith.spec.merge import load_spec
from clientsmith.pipeline import build_api
from clientsmith.spec.resolve import Resolver

TARGETS = load_targets(ROOT / "pyproject.toml")


@pytest.fixture(scope="module", params=TARGETS, ids=[t.distribution for t in TARGETS])
def served(request, tmp_path_factory):
    target = request.param
    folder = tmp_path_factory.mktemp("prism")
    bundle = folder / "openapi.yaml"
    assert main(["bundle", str(target.spec), "-o", str(bundle)]) == 0
    prism = Prism(bundle, folder / "prism.log")
    yield target, prism
    prism.stop()


def example_value(schema: dict[str, Any], name: str) -> Any:
    if "example" in schema:
        return schema["example"]
    if schema.get("format") == "uuid":
        return str(uuid.UUID(int=7))
    if schema.get("enum"):
        return schema["enum"][0]
    return {"integer": 1, "number": 1.5, "boolean": True}.get(schema.get("type"), f"{name}-1")


def calls(target):
    """(method name, resource attribute, path args, keyword args) for every operation, from its examples."""
    spec = load_spec(target.spec, ROOT)
    resolver = Resolver(spec)
    api, _ = build_api(spec, target.package, target.distribution)
    request_examples = {}
    for schema_ptr, _schema, label, value in media_examples(spec.document, resolver):
        if "/requestBody" in schema_ptr:
            request_examples.setdefault(schema_ptr.split("/requestBody")[0], value)
    for resource in api.resources:
        for op in resource.operations:
            from clientsmith.problems import pointer

            op_ptr = pointer("paths", op.path, op.http_method.lower())
            raw_op = spec.document["paths"][op.path][op.http_method.lower()]
            params = {resolver.deref(p)["name"]: resolver.deref(p) for p in raw_op.get("parameters") or []}
            args = [example_value(resolver.deref(params[p.name].get("schema", {})), p.name) for p in op.path_params]
            kwargs: dict[str, Any] = {}
            for p in op.query_params + op.header_params:
                if p.required:
                    kwargs[p.python_name] = example_value(resolver.deref(params[p.name].get("schema", {})), p.name)
            if op.body is not None:
                kwargs["body"] = request_examples.get(op_ptr, {})
            yield resource.attribute, op.method_name, args, kwargs


def credentials(package) -> dict[str, Any]:
    import inspect

    signature = inspect.signature(package.Client.__init__)
    wanted = {}
    for name, param in signature.parameters.items():
        if name in ("client_id", "client_secret"):
            continue
        annotation = str(param.annotation)
        if "Token" in annotation or name.endswith("_key") or name.endswith("token"):
            wanted[name] = "test-credential"
        elif "tuple[str, str]" in annotation:
            wanted[name] = ("user", "password")
    return wanted


def test_every_operation_passes_prism_validation_sync_and_async(served):
    target, prism = served
    package = import_generated(target.output, target.package)
    violations: list[str] = []

    def record(response: httpx.Response) -> None:
        if "sl-violations" in response.headers:
            violations.append(f"{response.request.method} {response.request.url}: {response.headers['sl-violations']}")

    async def arecord(response: httpx.Response) -> None:
        record(response)

    all_calls = list(calls(target))
    assert all_calls
    unstable = {method for _, method, _, _ in all_calls}
    options = dict(base_url=prism.url, unstable_operations=unstable, max_retries=0, **credentials(package))
    results = []
    with package.Client(http_client=httpx.Client(event_hooks={"response": [record]}), **options) as client:
        for resource, method, args, kwargs in all_calls:
            results.append((method, getattr(getattr(client, resource), method)(*args, **kwargs)))

    async def run_async():
        http = httpx.AsyncClient(event_hooks={"response": [arecord]})
        async with package.AsyncClient(http_client=http, **options) as client:
            for resource, method, args, kwargs in all_calls:
                results.append((method, await getattr(getattr(client, resource), method)(*args, **kwargs)))
        await http.aclose()

    asyncio.run(run_async())
    assert violations == []
    assert len(results) == 2 * len(all_calls)
