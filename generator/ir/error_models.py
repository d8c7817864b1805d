"""Error classes typed by their body: one `errors.<Model>Error` per model an operation declares for a
non-success status, whose `body` is that model (so `e.body.title` type-checks and `e.body.titel` does not)."""

from __future__ import annotations

from clientsmith.ir.nodes import ErrorModel, Resource

# What `errors` defines already: a typed class must not take one of these names.
RUNTIME_ERROR_NAMES = frozenset({
    "Error", "ApiError", "BadRequestError", "AuthenticationError", "PermissionDeniedError", "NotFoundError",
    "ConflictError", "UnprocessableEntityError", "RateLimitError", "ServerError", "ApiConnectionError",
    "ApiTimeoutError", "ResponseValidationError", "RequestValidationError", "UnstableOperationError",
    "MissingCredentialsError", "STATUS_ERRORS", "MODEL_ERRORS", "SECRETS", "error_class", "typed_error",
})


def typed_error_name(model: str, object_models: set[str]) -> str:
    """`<Model>Error`; `<Model>Exception` for a model named `...Error` (`Error` -> `ErrorException`, not
    `ErrorError`); `<Model>BodyError` where that is a runtime class (`NotFound` -> `NotFoundBodyError`)."""
    name = f"{model}Exception" if model.endswith("Error") else f"{model}Error"
    if name in RUNTIME_ERROR_NAMES:
        name = f"{model}BodyError"
        # another model's `<Model>Error` cannot be this one's too
        while name[: -len("Error")] in object_models:
            name = name[: -len("Error")] + "_Error"
    return name


def error_models(resources: tuple[Resource, ...]) -> tuple[ErrorModel, ...]:
    """Every model some operation declares as an error body, in first-seen order, with its statuses."""
    found: dict[str, tuple[str, list[str]]] = {}
    for resource in resources:
        for op in resource.operations:
            for response in op.responses:
                if response.error_class:
                    _, statuses = found.setdefault(response.type.render(), (response.error_class, []))
                    if response.status not in statuses:
                        statuses.append(response.status)
    return tuple(ErrorModel(model, name, tuple(statuses)) for model, (name, statuses) in found.items())
