"""What the models are made from, and the models taken from the cache when those inputs are unchanged:
operation prose, tags and servers do not count, so editing them does not run datamodel-code-generator."""

from __future__ import annotations

import json

from clientsmith import tool_versions
from clientsmith.cache import Cache, code_digest, digest
from clientsmith.config import SPLIT_MODELS_OVER, ClientTarget
from clientsmith.models.generate import ModelsError, ModelsResult, generate_models
from clientsmith.models.split import split_models
from clientsmith.problems import SpecError
from clientsmith.spec.merge import MergedSpec


def models_key(spec: MergedSpec, header: str) -> str:
    """Everything the models are made from; `header` is the first line of every generated file."""
    return digest("models", code_digest(), tool_versions.models_version(), tool_versions.python_version(),
                  "# " + header, json.dumps(model_inputs(spec.document), default=str))


def formatted_models_key(spec: MergedSpec, header: str, black_kind: str, target: ClientTarget) -> str:
    """Formatted (and split) models are reusable when the models' inputs, black and the layout are the same."""
    return digest(models_key(spec, header), black_kind, target.models, target.package)


def cached_models(spec: MergedSpec, header: str, cache: Cache) -> ModelsResult:
    key = models_key(spec, header)
    models = cache.get("models", key)
    if not isinstance(models, ModelsResult):
        try:
            models = generate_models(spec.document, "# " + header)
        except ModelsError as exc:
            raise SpecError([spec.problem("/components/schemas", str(exc))]) from None
        cache.put("models", key, models)
    return models


def model_inputs(document: dict) -> dict:
    """The parts of a document the models depend on: operation prose, tags and security do not count."""
    kept = ("operationId", "parameters", "requestBody", "responses")
    paths = {
        path: {
            method: {k: v for k, v in op.items() if k in kept} if isinstance(op, dict) else op
            for method, op in item.items()
        }
        if isinstance(item, dict)
        else item
        for path, item in (document.get("paths") or {}).items()
    }
    return {**document, "paths": paths, "info": {}, "tags": [], "servers": []}


def split_models_wanted(models: ModelsResult, target: ClientTarget) -> bool:
    """A `models/` package rather than `models.py`: when asked, or for specs with many models."""
    return target.models == "package" or (target.models == "auto" and len(models.kind_by_class) > SPLIT_MODELS_OVER)


def split_modules(source: str, header: str, package: str, cache: Cache) -> dict[str, str]:
    """The formatted models module cut into a `models/` package (modules keep black's layout)."""
    key = digest("split", code_digest(), header, source)
    modules = cache.get("split", key)
    if not isinstance(modules, dict):
        modules = split_models(source, "# " + header)
        cache.put("split", key, modules)
    return {f"{package}/models/{name}": text for name, text in modules.items()}
