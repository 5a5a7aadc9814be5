"""Contract tests generated from the OpenAPI document the bot serves (a small generator of our
own over it, instead of schemathesis): for every operation, requests without a key, with an
unknown or revoked key, with a key of too small a scope, with malformed bodies (not JSON, not
an object, each property of the wrong type, an unknown property, a required one missing), with
query parameters out of their schema (huge pages included), and with unknown ids. Each gets a
clear 4xx with a `Problem` body — never a 500 — and leaves the database as it was."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import jsonschema

from bot.api.openapi import dumps
from storage import Storage
from storage.api_keys import ApiKeys, Scope
from tests.bot.api.conftest import Answer, Client, StartApi


@dataclass(frozen=True)
class Probe:
    what: str
    method: str
    path: str
    client: str  # "none" | "unknown" | "revoked" | "read" | "decide"
    body: Any = None
    raw: bytes | None = None
    params: dict[str, str] | None = None
    statuses: tuple[int, ...] = (400, 401, 403, 404, 409, 413, 422)


def _resolve(schema: dict[str, Any], doc: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = doc["components"]["schemas"][name]
    return schema


def _types(schema: dict[str, Any], doc: dict[str, Any]) -> set[str]:
    schema = _resolve(schema, doc)
    if "anyOf" in schema:
        return set().union(*(_types(s, doc) for s in schema["anyOf"]))
    if "enum" in schema or "const" in schema:
        return {"enum"}
    kind = schema.get("type")
    return {kind} if isinstance(kind, str) else set(kind or [])


def wrong_values(schema: dict[str, Any], doc: dict[str, Any]) -> Iterator[Any]:
    """Values the schema refuses, as JSON."""
    types = _types(schema, doc)
    resolved = _resolve(schema, doc)
    candidates: list[Any] = [{"nested": True}, [1, 2], "not-a-thing", 3.5, True]
    for value in candidates:
        try:
            jsonschema.validate(value, {**resolved, "components": doc["components"]})
        except jsonschema.ValidationError:
            yield value
        except jsonschema.exceptions.RefResolutionError:  # pragma: no cover - nested refs
            if not types & {"object", "array", "string", "integer", "number", "boolean"}:
                yield value


def wrong_query(schema: dict[str, Any]) -> Iterator[str]:
    """Query values the parameter's schema refuses."""
    branches = schema.get("anyOf", [schema])
    kinds = {b.get("type") for b in branches}
    if "integer" in kinds:
        branch = next(b for b in branches if b.get("type") == "integer")
        yield "many"
        yield "1.5"
        if "maximum" in branch:
            yield str(branch["maximum"] + 1)
            yield str(10**12)  # a huge page
        if "minimum" in branch:
            yield str(branch["minimum"] - 1)
    if any("enum" in b or "$ref" in b for b in branches):
        yield "no-such-value"
    if any(b.get("format") == "date-time" for b in branches):
        yield "yesterday"
        yield "2026-12-01T10:00:00"  # without a zone
    for b in branches:
        if "maxLength" in b:
            yield "x" * (b["maxLength"] + 1)


def probes(doc: dict[str, Any], ids: dict[str, str]) -> Iterator[Probe]:
    for template, operations in doc["paths"].items():
        for method, operation in operations.items():
            path = template.format(**ids)
            scope = operation["x-scope"]
            body_ref = operation.get("requestBody", {}).get("content", {})
            body_schema = body_ref.get("application/json", {}).get("schema")
            good: Any = {} if body_schema else None
            if body_schema is not None:
                good = _example(_resolve(body_schema, doc))
            for client in ("none", "unknown", "revoked"):
                yield Probe(f"{client} key", method, path, client, good, statuses=(401,))
            if scope == "decide":
                yield Probe("read key acting", method, path, "read", good, statuses=(403,))
            actor = "decide" if scope == "decide" else "read"
            if "{case_id}" in template:
                for missing in ("999999", "abc", "0"):
                    other = template.format(**{**ids, "case_id": missing})
                    yield Probe(f"case {missing}", method, other, actor, good, statuses=(404,))
            if "{sha256}" in template:
                other = template.format(**{**ids, "sha256": "0" * 64})
                yield Probe("unknown file", method, other, actor, statuses=(404,))
            if "{n}" in template:
                for n in ("0", "9", "x"):
                    other = template.format(**{**ids, "n": n})
                    yield Probe(f"listing {n}", method, other, actor, good, statuses=(404, 409))
            for param in operation.get("parameters", []):
                if param["in"] != "query":
                    continue
                for value in wrong_query(param["schema"]):
                    params = {param["name"]: value}
                    yield Probe(f"{param['name']}={value[:20]}", method, path, actor, params=params)
            if method == "get":
                yield Probe("unknown parameter", method, path, actor, params={"nope": "1"})
                continue
            yield Probe("not JSON", method, path, actor, raw=b"{not json")
            yield Probe("a JSON list", method, path, actor, body=[1, 2])
            yield Probe("too large", method, path, actor, raw=b" " * 70_000 + b"{}")
            if body_schema is None:
                continue
            schema = _resolve(body_schema, doc)
            yield Probe("unknown property", method, path, actor, body={**good, "zzz": 1})
            for name in schema.get("required", []):
                rest = {k: v for k, v in good.items() if k != name}
                yield Probe(f"without {name}", method, path, actor, body=rest)
            for name, prop in schema.get("properties", {}).items():
                for value in wrong_values(prop, doc):
                    yield Probe(
                        f"{name}={value!r}", method, path, actor, body={**good, name: value}
                    )


def _example(schema: dict[str, Any]) -> dict[str, Any]:
    """A valid body for the schemas in use (their required properties)."""
    values = {
        "question": "Which shop?",
        "decision": "accept",
        "outcome": "removed",
        "at": "2026-12-05T10:00:00+03:00",
    }
    return {k: values[k] for k in schema.get("required", [])}


async def snapshot(storage: Storage) -> tuple[object, ...]:
    async with storage.db.read() as conn:
        counts = []
        for table in (
            "audit",
            "case_events",
            "outbox",
            "listing_outcomes",
            "pending_questions",
        ):
            row = await conn.fetch_one(f"SELECT count(*) AS n FROM {table}")
            assert row is not None
            counts.append((table, int(row["n"])))
        rows = await conn.execute_fetchall("SELECT id, status, assignee_id FROM cases ORDER BY id")
    return (*counts, [tuple(r) for r in rows])


async def test_every_operation_answers_bad_requests_with_a_clear_4xx_and_changes_nothing(
    start_api: StartApi,
) -> None:
    api = await start_api(api_rate_per_second=10_000, api_rate_burst=10_000)  # rates: elsewhere
    storage = api.storage
    case = await api.new_case(2001, with_file=True)
    sha256 = case.draft.files[0].sha256
    revoked = await api.key(Scope.DECIDE, "gone")
    await ApiKeys(storage.db).revoke("gone")
    clients: dict[str, Client] = {
        "none": api.read.as_key(None),
        "unknown": api.read.as_key("ipk_" + "x" * 43),
        "revoked": api.read.as_key(revoked),
        "read": api.read,
        "decide": api.decide,
    }
    doc = (await api.read.get("/api/v1/openapi.json")).body
    problem = {**doc["components"]["schemas"]["Problem"], "components": doc["components"]}
    before = await snapshot(storage)
    ids = {"case_id": str(case.id), "sha256": sha256, "n": "1"}
    tried = 0
    operations: set[str] = set()
    for probe in probes(doc, ids):
        client = clients[probe.client]
        answer: Answer
        if probe.method == "get":
            answer = await client.get(probe.path, **(probe.params or {}))
        else:
            answer = await client.post(probe.path, probe.body, raw=probe.raw)
        tried += 1
        where = f"{probe.method.upper()} {probe.path} ({probe.what})"
        assert answer.status in probe.statuses, (where, answer.status, answer.body)
        assert isinstance(answer.body, dict), (where, answer.body)
        jsonschema.validate(answer.body, problem)
        if answer.status == 401:
            assert answer.headers.get("WWW-Authenticate") == "Bearer"
        operations.add(f"{probe.method} {probe.path}")
    assert await snapshot(storage) == before
    # Only the workflow's refusals were kept for their Idempotency-Key (a retry gets them).
    async with storage.db.read() as conn:
        kept = await conn.execute_fetchall("SELECT DISTINCT status FROM api_idempotency")
    assert {row["status"] for row in kept} <= {409}
    assert tried > 120  # the generator found its way through every operation
    assert sum(len(ops) for ops in doc["paths"].values()) == 9
    assert doc == json.loads(dumps())  # what is served is the generated document


async def test_the_served_document_is_the_one_in_docs() -> None:
    """docs/api/openapi.json is current (regenerate: python -m bot.api.openapi >
    docs/api/openapi.json), and every schema in it is a valid JSON Schema."""
    from pathlib import Path

    from bot.api.openapi import document

    kept = Path(__file__).resolve().parents[3] / "docs" / "api" / "openapi.json"
    assert kept.read_text(encoding="utf-8") == dumps(), "docs/api/openapi.json is stale"
    doc = document()
    assert doc["openapi"].startswith("3.1")
    for schema in doc["components"]["schemas"].values():
        jsonschema.Draft202012Validator.check_schema(schema)
    assert set(doc["webhooks"]) == {
        "case.submitted",
        "case.taken",
        "case.question",
        "case.answer",
        "case.evidence",
        "case.decision",
        "case.forwarded",
        "case.withdrawn",
        "case.listing_outcome",
    }
