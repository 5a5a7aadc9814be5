"""The case API's aiohttp application and its server (API_HOST:API_PORT, off while the port is
unset). Each request: the key checked (and its rate), the case found, the body and query
validated against their models, an action done once per `Idempotency-Key`; every error a
`Problem` with a 4xx status, an unforeseen one a 500 that says nothing more."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from aiohttp import web
from pydantic import BaseModel, ValidationError

from bot.api.auth import Gate, actor_of
from bot.api.errors import ApiError, not_found
from bot.api.models import Problem
from bot.api.openapi import document
from bot.api.routes import (
    ENDPOINTS,
    Api,
    Call,
    Endpoint,
    Query,
    listing_index,
    parse_query,
)
from bot.config.settings import Settings
from bot.staff.desk import CaseDesk
from storage.api_keys import ApiKeys
from storage.idempotency import Idempotency, InFlight, Mismatch

log = logging.getLogger(__name__)

IDEMPOTENCY_HEADER = "Idempotency-Key"
MAX_IDEMPOTENCY_KEY = 255
MAX_BODY = 64 * 1024


def problem(error: ApiError) -> web.Response:
    body = Problem(code=error.code, message=error.message, details=error.details)
    return web.json_response(
        body.model_dump(exclude_none=True), status=error.status, headers=error.headers
    )


def _details(failure: ValidationError) -> list[dict[str, Any]]:
    return [
        {"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]}
        for e in failure.errors(include_url=False, include_input=False)
    ]


@web.middleware
async def problems(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    try:
        return await handler(request)
    except ApiError as error:
        return problem(error)
    except ValidationError as failure:
        return problem(
            ApiError(422, "invalid_request", "The request is not valid.", details=_details(failure))
        )
    except web.HTTPException as http:
        if http.status >= 400:
            code = {404: "not_found", 405: "method_not_allowed"}.get(http.status, "bad_request")
            return problem(ApiError(http.status, code, http.reason, headers=dict(http.headers)))
        raise
    except Exception:
        log.exception("case API request failed: %s %s", request.method, request.path)
        return problem(ApiError(500, "internal", "Something went wrong on our side."))


def _json(model: BaseModel | None, status: int) -> web.Response:
    body = None if model is None else model.model_dump(mode="json")
    return web.json_response(body, status=status)


class Server:
    def __init__(self, api: Api, gate: Gate, idempotency: Idempotency) -> None:
        self.api = api
        self.gate = gate
        self.idempotency = idempotency

    def handler(self, endpoint: Endpoint) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def handle(request: web.Request) -> web.StreamResponse:
            key = await self.gate.caller(request, endpoint.scope)
            case = None
            if "case_id" in request.match_info:
                raw = request.match_info["case_id"]
                found = await self.api.storage.cases.get(int(raw)) if raw.isdigit() else None
                if found is None:
                    raise not_found()
                case = found
            if "n" in request.match_info:
                listing_index(request)  # a listing that cannot be: 404 before anything
            query = parse_query(endpoint.query or Query, request)  # unknown parameters: 422
            if not endpoint.acts:
                call = Call(request, actor_of(key), case, None, query)
                result = await endpoint.handler(self.api, call)
                if isinstance(result, web.StreamResponse):
                    return result
                return _json(result, endpoint.status)
            raw_body = await _read_body(request)
            body = endpoint.body.model_validate(raw_body) if endpoint.body else None
            call = Call(request, actor_of(key), case, body, query)
            return await self._once(request, key.id, raw_body, endpoint, call)

        handle.__name__ = endpoint.operation_id
        return handle

    async def _once(
        self, request: web.Request, key_id: int, body: Any, endpoint: Endpoint, call: Call
    ) -> web.StreamResponse:
        """An action done at most once per Idempotency-Key; a retry gets the first answer."""
        idem = request.headers.get(IDEMPOTENCY_HEADER, "").strip()
        if not idem or len(idem) > MAX_IDEMPOTENCY_KEY:
            raise ApiError(
                400,
                "idempotency_key_required",
                f"Actions need an `{IDEMPOTENCY_HEADER}` header (1-{MAX_IDEMPOTENCY_KEY} chars).",
            )
        where = f"{request.method} {request.path}"
        digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
        try:
            stored = await self.idempotency.claim(key_id, idem, where, digest)
        except Mismatch as mismatch:
            raise ApiError(
                422,
                "idempotency_key_reused",
                "This Idempotency-Key was used with another request.",
            ) from mismatch
        except InFlight as busy:
            raise ApiError(
                409,
                "idempotency_key_in_flight",
                "A request with this Idempotency-Key is being handled; retry shortly.",
                headers={"Retry-After": "1"},
            ) from busy
        if stored is not None:
            return web.json_response(
                stored.body, status=stored.status, headers={"Idempotent-Replayed": "true"}
            )
        try:
            result = await endpoint.handler(self.api, call)
            status, answer = endpoint.status, result.model_dump(mode="json")
        except ApiError as error:
            if error.status >= 500:
                await self.idempotency.release(key_id, idem)
                raise
            status = error.status
            answer = Problem(code=error.code, message=error.message).model_dump(exclude_none=True)
        except BaseException:
            await self.idempotency.release(key_id, idem)
            raise
        await self.idempotency.keep(key_id, idem, status, answer)
        return web.json_response(answer, status=status)


async def _read_body(request: web.Request) -> Any:
    if request.content_length is not None and request.content_length > MAX_BODY:
        raise ApiError(413, "too_large", f"Bodies are at most {MAX_BODY} bytes.")
    raw = await request.content.read(MAX_BODY + 1)
    if len(raw) > MAX_BODY:
        raise ApiError(413, "too_large", f"Bodies are at most {MAX_BODY} bytes.")
    if not raw.strip():
        return {}
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as bad:
        raise ApiError(400, "bad_json", "The body is not JSON.") from bad


def make_app(desk: CaseDesk, kick: Callable[[], None]) -> web.Application:
    settings = desk.settings
    db = desk.storage.db
    gate = Gate(ApiKeys(db), rate=settings.api_rate_per_second, burst=settings.api_rate_burst)
    server = Server(Api(desk, kick), gate, Idempotency(db))
    app = web.Application(middlewares=[problems], client_max_size=MAX_BODY)
    spec = document()

    async def openapi(_: web.Request) -> web.Response:
        return web.json_response(spec)

    app.router.add_get("/api/v1/openapi.json", openapi)
    for endpoint in ENDPOINTS:
        app.router.add_route(endpoint.method, endpoint.path, server.handler(endpoint))
    return app


@asynccontextmanager
async def serving(
    desk: CaseDesk, kick: Callable[[], None], *, reuse_port: bool = False
) -> AsyncIterator[web.AppRunner | None]:
    """The API's server while the block runs, when API_PORT is set (`reuse_port`: the workers
    of a cluster all listen on it)."""
    settings: Settings = desk.settings
    if settings.api_port is None:
        yield None
        return
    runner = web.AppRunner(make_app(desk, kick), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, settings.api_host, settings.api_port, reuse_port=reuse_port or None)
    await site.start()
    log.info("case API on http://%s:%s/api/v1/", settings.api_host, settings.api_port)
    try:
        yield runner
    finally:
        await runner.cleanup()
