"""The case API over HTTP against the running bot, on SQLite and PostgreSQL: reading a case
filed in Telegram (its files and dossier streamed), keys and their scopes and rates, pages that
stay stable while cases change, idempotent actions, and the events feed carrying what the
webhook delivers, each event valid against its schema in the OpenAPI document."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import jsonschema
import pytest
from aiohttp import web
from pydantic import SecretStr
from standardwebhooks import Webhook, WebhookVerificationError

from bot.__main__ import main
from storage.api_keys import ApiKeys
from tests.bot.api.conftest import LINKS, ApiBot, StartApi
from tests.e2e.claimant import Complaint, pdf
from tests.e2e.conftest import CLAIMANT
from tests.e2e.staff.conftest import file_complaint
from tests.fake_telegram import FakeTelegram

SECRET = "whsec_" + base64.b64encode(b"the receiver's secret, 32 bytes!").decode()


async def test_a_case_filed_in_telegram_read_in_full(fake: FakeTelegram, api: ApiBot) -> None:
    certificate = pdf("certificate 4242")
    complaint = Complaint(
        link="\n".join(LINKS[:2]), rights_docs=(("certificate.pdf", certificate),)
    )
    filed = await file_complaint(fake, api.bot, CLAIMANT, complaint)
    page = (await api.read.get("/api/v1/cases", claimant=str(CLAIMANT))).body
    (summary,) = page["cases"]
    assert summary["number"] == filed.number and summary["claimant"]["username"] == "anna"
    assert page["next_cursor"] is None
    by_listing = await api.read.get("/api/v1/cases", listing=LINKS[1] + "?spm=share")
    assert [c["number"] for c in by_listing.body["cases"]] == [filed.number]
    assert (await api.read.get("/api/v1/cases", listing=LINKS[2])).body["cases"] == []
    assert (await api.read.get("/api/v1/cases", right_type="patent")).body["cases"] == []

    case = (await api.read.get(f"/api/v1/cases/{summary['id']}")).body
    assert [x["link"] for x in case["links"]] == LINKS[:2]
    assert {x["decision"] for x in case["links"]} == {"pending"}
    assert case["answers"]["rights_holder"] == "Romashka LLC"
    wanted = hashlib.sha256(certificate).hexdigest()
    assert wanted in {f["sha256"] for f in case["files"]}
    got = await api.read.get(f"/api/v1/cases/{summary['id']}/files/{wanted}")
    assert got.status == 200 and got.body == certificate
    assert "attachment" in got.headers["Content-Disposition"]
    dossier = await api.read.get(f"/api/v1/cases/{summary['id']}/dossier.pdf")
    assert dossier.status == 200 and dossier.body.startswith(b"%PDF")
    assert dossier.headers["Content-Type"] == "application/pdf"


async def test_keys_scopes_and_the_rate_per_key(start_api: StartApi) -> None:
    api = await start_api(api_rate_per_second=0.5, api_rate_burst=3)
    case = await api.new_case(3001)
    path = f"/api/v1/cases/{case.id}"
    missing = await api.read.as_key(None).get(path)
    assert missing.status == 401 and missing.body["code"] == "unauthorized"
    assert (await api.read.as_key("ipk_guess").get(path)).status == 401
    refused = await api.read.post(path + "/take", {})
    assert refused.status == 403 and refused.body["code"] == "forbidden"
    assert (await api.storage.cases.get(case.id)).status.value == "submitted"  # type: ignore[union-attr]

    statuses = [(await api.read.get(path)).status for _ in range(4)]
    assert statuses == [200, 200, 200, 429]  # 3 in a burst, then one every 2 s
    limited = await api.read.get(path)
    assert limited.status == 429 and int(limited.headers["Retry-After"]) >= 1
    assert (await api.decide.get(path)).status == 200  # another key has its own bucket
    await asyncio.sleep(2.1)
    assert (await api.read.get(path)).status == 200

    await ApiKeys(api.storage.db).revoke("reader")
    assert (await api.read.get(path)).status == 401


async def test_pages_stay_stable_while_cases_are_filed_and_change(api: ApiBot) -> None:
    first = [await api.new_case(4000 + i) for i in range(7)]
    seen: list[int] = []
    page = (await api.read.get("/api/v1/cases", limit=3)).body
    seen += [c["id"] for c in page["cases"]]
    # Between the requests: new cases are filed, one on the next page is taken.
    later = [await api.new_case(4100 + i) for i in range(2)]
    assert (await api.decide.post(f"/api/v1/cases/{first[4].id}/take", {})).status == 200
    while page["next_cursor"]:
        page = (await api.read.get("/api/v1/cases", limit=3, cursor=page["next_cursor"])).body
        seen += [c["id"] for c in page["cases"]]
    assert seen == [c.id for c in first + later]  # each once, in the order filed

    taken = (await api.read.get("/api/v1/cases", status="in_review")).body["cases"]
    assert [c["id"] for c in taken] == [first[4].id]
    huge = await api.read.get("/api/v1/cases", limit=10**6)
    assert huge.status == 422 and huge.body["details"][0]["loc"] == ["limit"]
    bad = await api.read.get("/api/v1/cases", cursor="bm90IGEgY3Vyc29y")
    assert bad.status == 400 and bad.body["code"] == "bad_cursor"
    naive = await api.read.get("/api/v1/cases", since="2026-12-01T00:00:00")
    assert naive.status == 422


async def test_a_retried_action_is_done_once(api: ApiBot) -> None:
    case = await api.new_case(5001)
    path = f"/api/v1/cases/{case.id}/question"
    first = await api.decide.post(path, {"question": "Which shop?"}, key="q-1")
    again = await api.decide.post(path, {"question": "Which shop?"}, key="q-1")
    assert first.status == again.status == 200
    assert again.body == first.body and again.headers["Idempotent-Replayed"] == "true"
    other = await api.decide.post(path, {"question": "Another?"}, key="q-1")
    assert other.status == 422 and other.body["code"] == "idempotency_key_reused"
    elsewhere = await api.decide.post(f"/api/v1/cases/{case.id}/take", {}, key="q-1")
    assert elsewhere.status == 422
    trail = await api.storage.audit.for_case(case.id)
    asked = [e for e in trail if e.action == "asked"]
    assert len(asked) == 1 and asked[0].actor_name == "api:ip-team"
    assert asked[0].detail["question"] == "Which shop?"
    # A refusal is an answer too: kept, and given again.
    done = await api.decide.post(f"/api/v1/cases/{case.id}/take", {}, key="t-1")
    assert done.status == 409 and done.body["code"] == "staff-refused-state"
    assert (await api.decide.post(f"/api/v1/cases/{case.id}/take", {}, key="t-1")).body == done.body


@dataclass
class Receiver:
    bodies: list[bytes] = field(default_factory=list)
    url: str = ""

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        try:
            Webhook(SECRET).verify(body, dict(request.headers))
        except WebhookVerificationError:
            return web.Response(status=401)
        self.bodies.append(body)
        return web.Response(status=204)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    from tests.backends import free_port

    rec = Receiver()
    app = web.Application()
    app.router.add_post("/events", rec.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    rec.url = f"http://127.0.0.1:{port}/events"
    yield rec
    await runner.cleanup()


def validate_event(event: dict[str, Any], doc: dict[str, Any]) -> None:
    operation = doc["webhooks"][event["type"]]["post"]
    ref = operation["requestBody"]["content"]["application/json"]["schema"]
    jsonschema.validate(event, {**ref, "components": doc["components"]})


async def test_the_events_feed_carries_what_the_webhook_delivers(
    fake: FakeTelegram, start_api: StartApi, receiver: Receiver
) -> None:
    api = await start_api(
        case_webhook_url=receiver.url,
        case_webhook_secret=SecretStr(SECRET),
        case_webhook_retry_seconds=0.1,
    )
    filed = await file_complaint(fake, api.bot, CLAIMANT, Complaint(link="\n".join(LINKS)))
    case_id = (await api.read.get("/api/v1/cases")).body["cases"][0]["id"]
    base = f"/api/v1/cases/{case_id}"
    await api.decide.post(base + "/question", {"question": "Which <b>shop</b>?"})
    listings = [
        {"index": 1, "accept": True},
        {"index": 2, "accept": False, "reason": "no_authority"},
        {"index": 3, "accept": True},
    ]
    decided = await api.decide.post(
        base + "/decide", {"decision": "per_listing", "listings": listings}
    )
    assert decided.status == 200, decided.body
    await api.decide.post(
        base + "/listings/3/outcome", {"outcome": "removed", "at": "2026-12-05T10:00:00Z"}
    )
    rejected = await api.decide.post(
        base + "/listings/2/outcome", {"outcome": "removed", "at": "2026-12-05T10:00:00Z"}
    )
    assert rejected.status == 409 and rejected.body["code"] == "outcome-not-accepted"

    feed: list[dict[str, Any]] = []
    after = 0
    for _ in range(20):
        page = (await api.read.get("/api/v1/events", after=after, limit=2)).body
        feed += page["events"]
        after = page["next_after"]
        if not page["events"]:
            break
    kinds = [e["type"] for e in feed]
    assert kinds == [
        "case.submitted",
        "case.question",
        "case.decision",
        "case.listing_outcome",
    ], kinds
    await fake.wait_until(lambda: len(receiver.bodies) == len(feed), 10)
    assert [json.loads(b) for b in receiver.bodies] == feed  # the same events, the same JSON
    doc = (await api.read.get("/api/v1/openapi.json")).body
    for event in feed:
        validate_event(event, doc)
    decision = feed[2]["data"]
    assert [x["outcome"] for x in decision["listings"]] == ["accepted", "rejected", "accepted"]
    assert decision["actor_name"] == "api:ip-team"
    assert filed.number == feed[0]["case_number"]
    broken = {**feed[3], "data": {**feed[3]["data"], "listings": [{"listing": "three"}]}}
    with pytest.raises(jsonschema.ValidationError):
        validate_event(broken, doc)


def test_api_keys_from_the_command_line(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    assert main(["api-key", "create", "--name", "backoffice", "--scope", "decide"]) == 0
    key = capsys.readouterr().out.strip().splitlines()[-1]
    assert key.startswith("ipk_") and len(key) > 40
    assert main(["api-key", "create", "--name", "backoffice", "--scope", "read"]) == 1
    capsys.readouterr()
    assert main(["api-key", "list"]) == 0
    listed = capsys.readouterr().out
    assert "backoffice\tdecide" in listed and "active" in listed and key not in listed
    raw = (tmp_path / "data" / "intake.sqlite3").read_bytes()
    assert key.encode() not in raw  # only its hash is kept
    assert hashlib.sha256(key.encode()).hexdigest().encode() in raw
    assert main(["api-key", "revoke", "--name", "backoffice"]) == 0
    assert main(["api-key", "revoke", "--name", "backoffice"]) == 1
    capsys.readouterr()
    main(["api-key", "list"])
    assert "revoked" in capsys.readouterr().out
