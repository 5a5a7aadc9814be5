"""The case-event webhook against a real aiohttp server on 127.0.0.1: bodies signed the Standard
Webhooks way (checked with the `standardwebhooks` package), retries until a 2xx, each event
acknowledged once, in order per case, resumed after a restart; a replayed delivery refused."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from aiohttp import web
from standardwebhooks import Webhook, WebhookVerificationError

from bot.api.webhook_delivery import CaseWebhook
from dialogs.model import Case, Draft, utcnow
from storage import Storage
from tests.backends import Backend

SECRET = "whsec_" + base64.b64encode(b"a secret of the tests, 32 bytes!").decode()


@dataclass
class Receiver:
    """A webhook endpoint: answers with the queued statuses first, then 200."""

    statuses: list[int] = field(default_factory=list)
    seen: list[tuple[int, dict[str, object], bool]] = field(default_factory=list)  # id, body, ok
    captured: list[tuple[bytes, dict[str, str]]] = field(default_factory=list)  # body, headers
    url: str = ""

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        headers = dict(request.headers)
        self.captured.append((body, headers))
        try:
            Webhook(SECRET).verify(body, headers)
        except WebhookVerificationError:
            return web.Response(status=401)
        status = self.statuses.pop(0) if self.statuses else 200
        event_id = int(request.headers["webhook-id"])
        document = json.loads(body)
        assert document["type"] == f"case.{document['kind']}"
        assert document["schema_version"] == 1
        assert document["event_id"] == event_id
        self.seen.append((event_id, document, status == 200))
        return web.Response(status=status)

    def acknowledged(self) -> list[int]:
        return [event_id for event_id, _, ok in self.seen if ok]


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    rec = Receiver()
    app = web.Application()
    app.router.add_post("/hook", rec.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    rec.url = f"http://127.0.0.1:{port}/hook"
    yield rec
    await runner.cleanup()


@pytest.fixture
async def storage(backend: Backend) -> AsyncIterator[Storage]:
    """The events' store on each database backend."""
    s = await backend.storage()
    yield s
    await s.close()


async def new_case(storage: Storage, user_id: int) -> Case:
    async with storage.db.transaction() as conn:
        return await storage.cases.submit(
            conn, Draft(user_id=user_id, chat_id=user_id), now=utcnow()
        )


async def events(storage: Storage, case: Case, *kinds: str) -> list[int]:
    ids = []
    async with storage.db.transaction() as conn:
        for kind in kinds:
            ids.append(await storage.case_events.record(conn, case, kind, {"k": kind}))
    return ids


def deliverer(storage: Storage, url: str, *, late: timedelta = timedelta(0)) -> CaseWebhook:
    """The deliverer (`late`: its clock that far behind the receiver's)."""
    return CaseWebhook(
        storage.case_events,
        url,
        SECRET,
        first_retry_seconds=0.05,
        poll_seconds=0.05,
        clock=lambda: utcnow() - late,
    )


async def until(predicate, timeout: float = 5.0) -> None:  # type: ignore[no-untyped-def]
    deadline = asyncio.get_running_loop().time() + timeout
    while not await predicate():
        assert asyncio.get_running_loop().time() < deadline, "not delivered in time"
        await asyncio.sleep(0.02)


async def all_delivered(storage: Storage, *cases: Case) -> bool:
    for case in cases:
        if any(e.delivered_at is None for e in await storage.case_events.for_case(case.id)):
            return False
    return True


async def test_a_500_then_a_200_delivers_once_in_order(
    storage: Storage, receiver: Receiver
) -> None:
    a, b = await new_case(storage, 1), await new_case(storage, 2)
    a_ids = await events(storage, a, "submitted", "taken", "decision")
    b_ids = await events(storage, b, "submitted", "withdrawn")
    receiver.statuses = [500]  # the very first attempt (case a's first event) fails
    webhook = deliverer(storage, receiver.url)
    async with webhook.running():
        await until(lambda: all_delivered(storage, a, b))

    acknowledged = receiver.acknowledged()
    assert sorted(acknowledged) == sorted(a_ids + b_ids)  # each exactly once
    assert [i for i in acknowledged if i in a_ids] == a_ids  # in order per case
    assert [i for i in acknowledged if i in b_ids] == b_ids
    failed = [event_id for event_id, _, ok in receiver.seen if not ok]
    assert failed == [a_ids[0]]
    # Case a's later events were not sent while its first was failing; case b went on.
    first_ok_a = next(n for n, (i, _, ok) in enumerate(receiver.seen) if i == a_ids[0] and ok)
    assert all(i not in a_ids[1:] for i, _, _ in receiver.seen[:first_ok_a])
    # The retry carried the same body (the signature covered it both times).
    bodies = [body for i, body, _ in receiver.seen if i == a_ids[0]]
    assert bodies[0] == bodies[1] and bodies[0]["kind"] == "submitted"
    assert bodies[0]["case_number"] == a.number
    stored = (await storage.case_events.for_case(a.id))[0]
    assert stored.attempts == 2


async def test_undelivered_events_are_delivered_after_a_restart(
    storage: Storage, receiver: Receiver
) -> None:
    case = await new_case(storage, 1)
    ids = await events(storage, case, "submitted", "question")
    unreachable = deliverer(storage, "http://127.0.0.1:9/hook")  # nothing listens there
    async with unreachable.running():
        await until(lambda: _attempted(storage, case))
    assert receiver.seen == []
    # "Restarted" with the endpoint up: the backlog goes out, once, in order.
    async with deliverer(storage, receiver.url).running():
        await until(lambda: all_delivered(storage, case))
    assert receiver.acknowledged() == ids


async def _attempted(storage: Storage, case: Case) -> bool:
    return any(e.attempts for e in await storage.case_events.for_case(case.id))


async def test_a_replayed_delivery_fails_verification(storage: Storage, receiver: Receiver) -> None:
    """A delivery captured and sent again ten minutes later (outside Standard Webhooks' five
    minutes) is refused; so is one whose body was altered; the original verifies."""
    case = await new_case(storage, 1)
    await events(storage, case, "submitted")
    async with deliverer(storage, receiver.url).running():
        await until(lambda: all_delivered(storage, case))
    body, headers = receiver.captured[-1]
    assert Webhook(SECRET).verify(body, headers)["case_id"] == case.id
    with pytest.raises(WebhookVerificationError):
        Webhook(SECRET).verify(body.replace(b"submitted", b"withdrawn"), headers)

    replayed = await new_case(storage, 2)
    await events(storage, replayed, "submitted")
    async with deliverer(storage, receiver.url, late=timedelta(minutes=10)).running():
        await until(lambda: _attempted(storage, replayed))
    assert all(e.delivered_at is None for e in await storage.case_events.for_case(replayed.id))
    stale_body, stale_headers = receiver.captured[-1]
    with pytest.raises(WebhookVerificationError, match="too old"):
        Webhook(SECRET).verify(stale_body, stale_headers)


async def test_a_plain_secret_signs_with_its_bytes(storage: Storage, receiver: Receiver) -> None:
    """A CASE_WEBHOOK_SECRET without `whsec_` is the key as it is (its UTF-8 bytes)."""
    case = await new_case(storage, 1)
    await events(storage, case, "submitted")
    plain = CaseWebhook(storage.case_events, receiver.url, "plain words", poll_seconds=0.05)
    async with plain.running():
        await until(lambda: _attempted(storage, case))
    body, headers = receiver.captured[-1]
    assert Webhook(b"plain words").verify(body, headers)["kind"] == "submitted"
    with pytest.raises(WebhookVerificationError):
        Webhook(SECRET).verify(body, headers)
