"""The OpenAPI 3.1 document of the case API, generated from the endpoints' declarations and
the pydantic models the code validates with, with a `webhooks` section holding each case
event's JSON Schema. `python -m bot.api.openapi > docs/api/openapi.json` writes the copy kept
in the repository (a test checks it is current)."""

from __future__ import annotations

import json
import re
import sys
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from bot.api.event_schemas import EVENT_MODELS
from bot.api.models import Problem
from bot.api.routes import ENDPOINTS, Endpoint
from storage.case_events import event_type

REF = "#/components/schemas/{model}"
VERSION = "1.0.0"
ERRORS = {
    400: "Malformed request (body not JSON, bad cursor, missing Idempotency-Key)",
    401: "Missing, unknown or revoked API key",
    403: "The key's scope does not allow this",
    404: "No such case, file or listing",
    409: "The workflow refuses the action now (the code says why), or the same "
    "Idempotency-Key is in flight",
    413: "Body too large",
    422: "The body or query does not match its schema, or an Idempotency-Key reused with "
    "another request",
    429: "Too many requests with this key (see Retry-After)",
}


def _models() -> list[type[BaseModel]]:
    models: list[type[BaseModel]] = [Problem, *EVENT_MODELS.values()]
    for e in ENDPOINTS:
        models += [m for m in (e.response, e.body) if m is not None]
    return list(dict.fromkeys(models))


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": REF.format(model=model.__name__)}


def _parameters(endpoint: Endpoint) -> list[dict[str, Any]]:
    params: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": schema}
        for name, schema in (
            ("case_id", {"type": "integer", "minimum": 1}),
            ("sha256", {"type": "string", "pattern": "^[0-9a-f]{64}$"}),
            ("n", {"type": "integer", "minimum": 1}),
        )
        if "{" + name + "}" in endpoint.path
    ]
    if endpoint.query is not None:
        schema = endpoint.query.model_json_schema(ref_template=REF)
        for name, prop in schema["properties"].items():
            prop = dict(prop)
            description = prop.pop("description", None)
            prop.pop("title", None)
            param = {"name": name, "in": "query", "required": False, "schema": prop}
            if description:
                param["description"] = description
            params.append(param)
    if endpoint.acts:
        params.append(
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": True,
                "description": "Unique per action: a retry with the same key and body gets "
                "the first answer and changes nothing",
                "schema": {"type": "string", "minLength": 1, "maxLength": 255},
            }
        )
    return params


def _operation(endpoint: Endpoint) -> dict[str, Any]:
    ok: dict[str, Any] = {"description": "OK"}
    if endpoint.response is not None:
        ok["content"] = {endpoint.media: {"schema": _ref(endpoint.response)}}
    else:
        ok["content"] = {endpoint.media: {"schema": {"type": "string", "format": "binary"}}}
    problem = {"application/json": {"schema": _ref(Problem)}}
    codes = [401, 403, 404, 422, 429]
    if endpoint.acts:
        codes += [400, 409, 413]
    if endpoint.query is not None:
        codes.append(400)
    responses: dict[str, Any] = {str(endpoint.status): ok}
    for code in sorted(set(codes)):
        responses[str(code)] = {"description": ERRORS[code], "content": problem}
    operation: dict[str, Any] = {
        "operationId": endpoint.operation_id,
        "summary": endpoint.summary,
        "security": [{"bearer": [endpoint.scope.value]}],
        "x-scope": endpoint.scope.value,
        "parameters": _parameters(endpoint),
        "responses": responses,
    }
    doc = (endpoint.handler.__doc__ or "").strip()
    if doc:
        operation["description"] = re.sub(r"\s+", " ", doc)
    if endpoint.body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _ref(endpoint.body)}},
        }
    return operation


def _webhooks() -> dict[str, Any]:
    headers = [
        {"name": name, "in": "header", "required": True, "schema": {"type": "string"}}
        for name in ("webhook-id", "webhook-timestamp", "webhook-signature")
    ]
    return {
        event_type(event.value): {
            "post": {
                "summary": f"The `{event_type(event.value)}` event",
                "parameters": headers,
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref(model)}},
                },
                "responses": {"2XX": {"description": "Received (otherwise retried)"}},
            }
        }
        for event, model in EVENT_MODELS.items()
    }


def document() -> dict[str, Any]:
    _, schemas = models_json_schema(
        [(m, "serialization" if m in _responses() else "validation") for m in _models()],
        ref_template=REF,
    )
    paths: dict[str, dict[str, Any]] = {}
    for endpoint in ENDPOINTS:
        paths.setdefault(endpoint.path, {})[endpoint.method.lower()] = _operation(endpoint)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "IP complaint cases",
            "version": VERSION,
            "description": "Read and act on the intake bot's IP complaint cases. "
            "See docs/api/README.md.",
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "webhooks": _webhooks(),
        "components": {
            "schemas": schemas.get("$defs", {}),
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "`python -m bot api-key create --name NAME --scope read|decide`",
                }
            },
        },
    }


def _responses() -> set[type[BaseModel]]:
    return {e.response for e in ENDPOINTS if e.response is not None} | set(EVENT_MODELS.values())


def dumps() -> str:
    return json.dumps(document(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


if __name__ == "__main__":
    sys.stdout.write(dumps())
