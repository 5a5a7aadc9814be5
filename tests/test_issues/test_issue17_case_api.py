"""Issue 17: the marketplace's systems in the loop. A complaint about three listings is filed in
Telegram by a Russian-speaking claimant, taken and accepted through the case API (the same desk
as the staff buttons: the claimant's notice, the card), two listings are reported removed and
one not found; the claimant gets ONE notice, in Russian, per listing; `/case` and the card say
the same. On both runtimes and both databases, with Telegram failing on the way (a 429 on the
notice, a connection dropped) and the API client retrying a report."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.serving.aiogram_app import AiogramApp
from bot.serving.ptb_app import PtbApp
from tests.bot.api.conftest import LINKS, ApiBot, StartApi, start_api
from tests.e2e.claimant import Complaint
from tests.e2e.conftest import CLAIMANT, STAFF_CHAT_ID
from tests.e2e.staff.conftest import file_complaint
from tests.fake_telegram import FakeTelegram

__all__ = ["start_api"]

RU_SUMMARY = "2 из 3 карточек товаров удалены 5 декабря; 1 не найдена"
EN_SUMMARY = "2 of 3 listings were removed on 5 December; 1 was not found"


async def status_becomes(api: ApiBot, case_id: int, status: str) -> dict[str, Any]:
    for _ in range(100):
        answer = await api.read.get(f"/api/v1/cases/{case_id}")
        if answer.body["status"] == status:
            return answer.body  # type: ignore[no-any-return]
        await asyncio.sleep(0.1)
    raise AssertionError(f"case {case_id} never became {status}: {answer.body['status']}")


@pytest.mark.parametrize("runtime", [AiogramApp, PtbApp], ids=["aiogram", "ptb"])
async def test_accepted_through_the_api_and_listing_outcomes_told_once(
    fake: FakeTelegram, start_api: StartApi, runtime: Any
) -> None:
    api = await start_api(runtime, decision_undo_seconds=0.3)
    filed = await file_complaint(
        fake, api.bot, CLAIMANT, Complaint(link="\n".join(LINKS)), russian=True
    )
    found = await api.read.get("/api/v1/cases", claimant="@anna")
    (summary,) = found.body["cases"]
    assert summary["number"] == filed.number and summary["listings"] == 3
    case_id = summary["id"]

    taken = await api.decide.post(f"/api/v1/cases/{case_id}/take", {})
    assert taken.status == 200 and taken.body["case"]["assignee"] == "api:ip-team"
    await fake.wait_until(lambda: "Assigned to: api:ip-team" in filed.card.content, 5)
    decided = await api.decide.post(f"/api/v1/cases/{case_id}/decide", {"decision": "accept"})
    assert decided.status == 200, decided.body
    await status_becomes(api, case_id, "accepted")
    accepted = await fake.wait_for_message(
        CLAIMANT,
        lambda m: filed.number in m.content and "принята" in m.content,
        after=filed.receipt,
        timeout=8,
    )

    # Telegram refuses the outcome notice once (429), then drops the connection before
    # performing it: the claimant still reads it exactly once. (A drop after delivery makes a
    # second copy, as for every text: Telegram has no idempotency key; tests/test_issues/
    # test_issue6_reply_lost_on_429.py.)
    fake.flood("sendMessage", retry_after=1)
    fake.drop_next("sendMessage", after_delivery=False)
    outcome = f"/api/v1/cases/{case_id}/listings/{{n}}/outcome"
    reports = [
        (1, {"outcome": "removed", "at": "2026-12-05T10:00:00+03:00"}),
        (2, {"outcome": "removed", "at": "2026-12-05T18:30:00+03:00"}),
        (3, {"outcome": "not_found", "at": "2026-12-05T19:00:00+03:00"}),
    ]
    answers = {}
    for n, body in reports:
        answers[n] = await api.decide.post(outcome.format(n=n), body, key=f"report-{n}")
        assert answers[n].status == 200 and answers[n].body["changed"] is True, answers[n].body
    # A report retried (its answer lost on the way) changes nothing and tells nothing.
    again = await api.decide.post(outcome.format(n=1), reports[0][1], key="report-1")
    assert (again.status, again.body) == (200, answers[1].body)
    assert again.headers.get("Idempotent-Replayed") == "true"
    # The same outcome reported anew (another key) is no change either.
    same = await api.decide.post(outcome.format(n=2), reports[1][1])
    assert same.status == 200 and same.body["changed"] is False

    notice = await fake.wait_for_message(
        CLAIMANT, lambda m: RU_SUMMARY in m.content, after=accepted, timeout=15
    )
    assert LINKS[0] in notice.content and LINKS[2] in notice.content
    assert "не найдена" in notice.content.splitlines()[-1]
    await asyncio.sleep(3)  # longer than the reports take to settle: nothing else comes
    told = [m for m in fake.messages(CLAIMANT) if "что стало с карточками товаров" in m.content]
    assert len(told) == 1, [m.content for m in told]

    detail = (await api.read.get(f"/api/v1/cases/{case_id}")).body
    outcomes = [(x["decision"], x["outcome"]) for x in detail["links"]]
    assert outcomes == [
        ("accepted", "removed"),
        ("accepted", "removed"),
        ("accepted", "not_found"),
    ]
    outcome_entries = [h for h in detail["history"] if h["action"] == "listing-outcome"]
    assert [h["by"] for h in outcome_entries] == ["api:ip-team"] * 3

    # /case shows it in the claimant's language; the card (staff language: English) agrees.
    before = fake.messages(CLAIMANT)[-1]
    fake.user_sends_command(CLAIMANT, "case", filed.number)
    shown = await fake.wait_for_message(CLAIMANT, lambda m: RU_SUMMARY in m.content, after=before)
    assert "Карточки товаров: " + RU_SUMMARY in shown.content
    card = fake.messages(STAFF_CHAT_ID)
    assert any(EN_SUMMARY in m.content for m in card if m.message_id == filed.card.message_id)
    assert EN_SUMMARY in filed.card.content


async def test_a_decision_in_the_group_and_through_the_api_at_once_ends_in_one(
    fake: FakeTelegram, start_api: StartApi
) -> None:
    """Staff press Accept and Confirm while the API rejects: one decision stands, the other
    side is refused (the row lock decides them one after the other)."""
    from tests.e2e.conftest import STAFF_MEMBER
    from tests.e2e.staff.conftest import staff_decides

    api = await start_api()
    filed = await file_complaint(fake, api.bot, CLAIMANT)
    case_id = (await api.read.get("/api/v1/cases")).body["cases"][0]["id"]
    body = {"decision": "reject", "reason": "documents_missing"}
    staff, through_api = await asyncio.gather(
        staff_decides(fake, STAFF_MEMBER, filed.card, "Accept"),
        api.decide.post(f"/api/v1/cases/{case_id}/decide", body),
        return_exceptions=True,
    )
    detail = (await api.read.get(f"/api/v1/cases/{case_id}")).body
    confirmed = [d for d in detail["decisions"] if d["action"] in ("accepted", "rejected")]
    assert len(confirmed) == 1, (detail["decisions"], staff, through_api)
    assert not isinstance(through_api, BaseException)
    if confirmed[0]["by"] == "api:ip-team":
        assert through_api.status == 200 and detail["status"] == "rejected"
    else:
        assert through_api.status == 409, through_api.body
        assert detail["status"] == "accepted"
