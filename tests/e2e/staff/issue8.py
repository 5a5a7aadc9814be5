"""Issue 8 end to end, written once for both runtimes (run on each by `start_either_runtime` in
`tests/e2e/staff/test_issue8.py`): staff commands in the group, a claimant withdrawing and
adding evidence, forwarding with the seller notice, case events reaching a webhook. Each path
meets a fault: a 429 or a 5xx on the bot's answer, and the same update delivered twice."""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from aiohttp import web
from pydantic import SecretStr
from standardwebhooks import Webhook, WebhookVerificationError

from tests.e2e.claimant import LISTING, pdf
from tests.e2e.conftest import CLAIMANT, STAFF_CHAT_ID, STAFF_MEMBER, RunningBot, StartBot
from tests.e2e.staff.conftest import (
    Filed,
    audit_of,
    case_of,
    file_complaint,
    outbox_drained,
    staff_decides,
    staff_presses,
)
from tests.fake_telegram import FakeTelegram
from tests.fake_telegram.models import SentMessage

OUTSIDER = 666
EVIDENCE = "The seller relisted the bag as <b>new</b> & cheaper"
RELISTED = pdf("relisted listing")


async def staff_command(
    fake: FakeTelegram, text: str, user_id: int = STAFF_MEMBER
) -> tuple[dict, SentMessage]:  # type: ignore[type-arg]
    """A command in the staff group; returns the update and the bot's one reply to it."""
    update = fake.user_sends_in_group(STAFF_CHAT_ID, user_id, text)
    mid = update["message"]["message_id"]
    reply = await fake.wait_for_message(
        STAFF_CHAT_ID, lambda m: m.reply_to_message_id == mid, after=0, timeout=8
    )
    return update, reply


def replies_to(fake: FakeTelegram, update: dict) -> list[SentMessage]:  # type: ignore[type-arg]
    mid = update["message"]["message_id"]
    return [m for m in fake.messages(STAFF_CHAT_ID) if m.reply_to_message_id == mid]


async def staff_commands(fake: FakeTelegram, running_bot: RunningBot) -> None:
    fake.add_user(OUTSIDER, first_name="Mallory")
    filed = await file_complaint(fake, running_bot, CLAIMANT)
    number = filed.number

    # A 429 on the answer: it comes after retry_after, once, even if the update comes twice.
    fake.flood("sendMessage", retry_after=1)
    update, found = await staff_command(fake, f"/find {number.lower()}")
    assert f"Cases for “{number.lower()}”: 1" in found.content
    assert number in found.content and "Romashka LLC" in found.content
    fake.deliver_again(update)
    await asyncio.sleep(0.5)
    await outbox_drained(fake, running_bot)
    assert len(replies_to(fake, update)) == 1

    for query in ("@ANNA", "romashka", "654321", LISTING + "?spm=share", str(CLAIMANT)):
        _, found = await staff_command(fake, f"/find {query}")
        assert number in found.content, (query, found.content)
    _, none = await staff_command(fake, "/find <nobody & co>")
    assert "No case matches “<nobody & co>”" in none.content  # escaped, shown as typed
    _, usage = await staff_command(fake, "/find")
    assert "Send /find and a case number" in usage.content

    _, mine = await staff_command(fake, "/mine")
    assert "You hold no case" in mine.content
    await staff_presses(fake, STAFF_MEMBER, filed.card, "Take")
    fake.fail_next("sendMessage", error_code=502)  # a 5xx on the answer: sent again
    _, mine = await staff_command(fake, "/mine")
    assert "Your cases not yet decided</b>: 1" not in mine.content  # HTML, not shown raw
    assert "Your cases not yet decided: 1" in mine.content and number in mine.content

    _, figures = await staff_command(fake, "/stats 30")
    assert "Cases filed in the last 30 days" in figures.content
    assert "in review: 1" in figures.content and "Median time to a decision: —" in figures.content
    _, bad = await staff_command(fake, "/stats forever")
    assert "Send /stats and a number of days" in bad.content

    # Not a member: refused, no case shown.
    _, refused = await staff_command(fake, f"/find {number}", user_id=OUTSIDER)
    assert "Only members of the IP team" in refused.content and number not in refused.content
    assert all(r.ok for r in fake.requests if r.method != "sendMessage"), fake.dump()


async def claimant_adds_evidence_then_withdraws(
    fake: FakeTelegram, running_bot: RunningBot
) -> None:
    filed = await file_complaint(fake, running_bot, CLAIMANT)
    anna, card, number = filed.claimant, filed.card, filed.number
    detail = await anna.says(f"/case {number}", expect=number)
    assert detail.button_texts == ["📎 Add evidence or documents", "↩️ Withdraw the complaint"]

    fake.flood("sendMessage", retry_after=1)
    await anna.presses("Add evidence", expect="Send what you want to add to case")
    baseline = fake.messages(CLAIMANT)[-1].message_id
    update = fake.user_sends_text(CLAIMANT, EVIDENCE)
    await fake.wait_for_message(CLAIMANT, lambda m: "Added to case" in m.content, after=baseline)
    posted = await fake.wait_for_message(
        STAFF_CHAT_ID, lambda m: "added evidence" in m.content, after=card, timeout=5
    )
    assert posted.reply_to_message_id == card.message_id
    assert EVIDENCE in posted.content  # the claimant's text, escaped: shown as typed
    fake.deliver_again(update)  # the same message twice: added and posted once
    await anna.sends_document(RELISTED, "relisted.pdf", "application/pdf", expect="Added to case")
    document = await fake.wait_for_message(
        STAFF_CHAT_ID, lambda m: m.document is not None, after=card
    )
    assert document.reply_to_message_id == card.message_id
    assert document.document is not None and document.document.data == RELISTED
    await anna.presses("Finish", expect="has been passed to the IP team")
    await outbox_drained(fake, running_bot)
    assert sum(EVIDENCE in m.content for m in fake.messages(STAFF_CHAT_ID)) == 1
    assert running_bot.app is not None
    kept = await running_bot.app.storage.questions.messages((await case_of(running_bot, number)).id)
    assert [m.text for m in kept] == [EVIDENCE, ""]

    # Bad input leaves everything as it was.
    before = ((await case_of(running_bot, number)).status, len(await audit_of(running_bot, number)))
    await anna.says("/withdraw IP-2026-999999", expect="not among yours")
    await anna.says("/withdraw", expect="Send the number of the complaint")
    assert (
        (await case_of(running_bot, number)).status,
        len(await audit_of(running_bot, number)),
    ) == before

    # Withdrawn, with a 429 on the notice and the command delivered twice: told once.
    fake.flood("sendMessage", retry_after=1)
    baseline = fake.messages(CLAIMANT)[-1].message_id
    update = fake.user_sends_text(CLAIMANT, f"/withdraw {number}")
    await fake.wait_for_message(
        CLAIMANT, lambda m: "has been withdrawn" in m.content, after=baseline, timeout=8
    )
    fake.deliver_again(update)
    await fake.wait_until(lambda: "withdrawn by the claimant" in card.content)
    assert card.buttons == []
    await asyncio.sleep(0.5)
    await outbox_drained(fake, running_bot)
    assert sum("has been withdrawn" in m.content for m in fake.messages(CLAIMANT)) == 1
    trail = [e.action for e in await audit_of(running_bot, number)]
    assert trail[-3:] == ["evidence-added", "evidence-finished", "withdrawn"]
    assert trail.count("evidence-added") == 2
    # Decided now: an old staff button refuses, the claimant has no buttons left.
    old = fake.forge_callback(STAFF_MEMBER, STAFF_CHAT_ID, card.message_id, "st:accept:")
    refused = await fake.wait_for_callback_answer(old)
    assert refused.get("show_alert") is True and "does not apply" in refused.get("text", "")
    assert (await case_of(running_bot, number)).status.value == "withdrawn"
    await anna.says(f"/case {number}", expect="withdrawn")
    assert fake.messages(CLAIMANT)[-1].button_texts == []


async def claimant_withdraws_with_the_button(fake: FakeTelegram, running_bot: RunningBot) -> None:
    filed = await file_complaint(fake, running_bot, CLAIMANT)
    anna, number = filed.claimant, filed.number
    await anna.says(f"/case {number}", expect=number)
    await anna.presses("Withdraw", expect="Withdraw complaint")
    message, label = anna.find_button("Yes, withdraw") or (None, "")
    assert message is not None
    baseline = fake.messages(CLAIMANT)[-1].message_id
    fake.fail_next("answerCallbackQuery", error_code=502)
    press = fake.user_presses(CLAIMANT, message, text=label)
    await fake.wait_for_message(
        CLAIMANT, lambda m: "has been withdrawn" in m.content, after=baseline
    )
    fake.deliver_again(press)  # pressed twice (or delivered twice): one withdrawal
    await asyncio.sleep(0.5)
    await outbox_drained(fake, running_bot)
    assert sum("has been withdrawn" in m.content for m in fake.messages(CLAIMANT)) == 1
    assert (await case_of(running_bot, number)).status.value == "withdrawn"
    assert [e.action for e in await audit_of(running_bot, number)].count("withdrawn") == 1


@dataclass
class Receiver:
    secret: bytes
    bodies: list[dict] = field(default_factory=list)  # type: ignore[type-arg]
    fail_first: int = 0
    url: str = ""

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        try:
            Webhook(self.secret).verify(body, dict(request.headers))
        except WebhookVerificationError:
            return web.Response(status=401)
        if self.fail_first:
            self.fail_first -= 1
            return web.Response(status=503)
        self.bodies.append(json.loads(body))
        return web.Response(status=204)


@asynccontextmanager
async def receiver(secret: str) -> AsyncIterator[Receiver]:
    rec = Receiver(secret.encode(), fail_first=1)
    app = web.Application()
    app.router.add_post("/events", rec.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    rec.url = f"http://127.0.0.1:{port}/events"
    try:
        yield rec
    finally:
        await runner.cleanup()


async def forward_with_seller_notice_and_events(
    fake: FakeTelegram, running_bot: RunningBot, rec: Receiver
) -> Filed:
    """Run with CASE_WEBHOOK_URL → `rec`: accept, forward (a 429 on the notice's upload)."""
    filed = await file_complaint(fake, running_bot, CLAIMANT)
    card, number = filed.card, filed.number
    await staff_decides(fake, STAFF_MEMBER, card, "Accept")
    await fake.wait_until(lambda: "· accepted" in card.content)
    fake.flood("sendDocument", retry_after=1)
    answer = await staff_presses(fake, STAFF_MEMBER, card, "Forward to seller")
    assert f"Recorded: {number} — forwarded to the seller" in answer.get("text", "")
    notice = await fake.wait_for_message(
        STAFF_CHAT_ID,
        lambda m: (
            m.document is not None and (m.document.file_name or "").endswith("seller-notice.pdf")
        ),
        after=card,
        timeout=8,
    )
    assert notice.reply_to_message_id == card.message_id
    assert notice.document is not None and notice.document.data.startswith(b"%PDF")
    assert "the notice for the seller" in notice.content
    # The card says what was decided, by whom; and what the complaint is about.
    await fake.wait_until(lambda: "Decision: forwarded to the seller by Sergey" in card.content)
    assert "Right: trademark" in card.content and "Holder: Romashka LLC" in card.content
    assert "@anna" in card.content  # still there after the edits

    async def all_events() -> bool:
        return [b["kind"] for b in rec.bodies] == ["submitted", "decision", "forwarded"]

    await fake.wait_until(all_events, 8, message=f"events: {[b['kind'] for b in rec.bodies]}")
    assert all(b["case_number"] == number for b in rec.bodies)
    assert rec.bodies[1]["data"]["actor_name"].startswith("Sergey")
    assert rec.bodies[1]["status"] == "accepted"
    forwarded = rec.bodies[2]["data"]
    assert forwarded["seller_notice"] == hashlib.sha256(notice.document.data).hexdigest()
    return filed


async def forward_on(fake: FakeTelegram, start: StartBot) -> None:
    """The forward scenario on a runtime started with `CASE_WEBHOOK_URL` → a local receiver."""
    async with receiver("hook-secret") as rec:
        bot = await start(
            case_webhook_url=rec.url,
            case_webhook_secret=SecretStr("hook-secret"),
            case_webhook_retry_seconds=0.1,
        )
        try:
            await forward_with_seller_notice_and_events(fake, bot, rec)
        finally:
            await bot.stop()
