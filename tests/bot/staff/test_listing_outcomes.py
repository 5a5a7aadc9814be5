"""Listing outcomes the marketplace reports (issue 17): only for accepted listings of an
accepted case, kept once per change, told to the claimant once the reports arriving together
have settled (one notice for a burst, another for a later change), in their language; the card
shows them. The desk with a clock the test moves, on each database backend."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.staff.apply import ActionRefused
from bot.staff.card import draw_card
from bot.staff.decision_protocol import Decision
from bot.staff.desk import CaseDesk
from bot.staff.outcomes import summary
from bot.staff.timers import OUTCOMES_SETTLE_SECONDS
from bot.staff.workflow import Actor
from dialogs.i18n import texts
from storage.listing_outcomes import ListingOutcome, Reported
from tests.bot.staff.test_timed_decisions import (
    LINKS,
    WINDOW,
    Clock,
    claimant_notices,
    clock,
    desk,
    submitted,
)

__all__ = ["clock", "desk"]
API = Actor(-1, "api:backoffice")
DAY = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)


def report(listing: int, outcome: ListingOutcome, day: int = 5) -> Reported:
    return Reported(listing, outcome, DAY.replace(day=day), API.name)


async def decided(desk: CaseDesk, clock: Clock, decision: Decision) -> int:
    case = await submitted(desk, clock, LINKS)
    await desk.take(case, API)
    await desk.propose(case, API, decision)
    await desk.confirm(case, API)
    clock.pass_(WINDOW + 1)
    await desk.notify_due()
    return case.id


async def test_a_burst_is_told_once_and_a_later_change_again(desk: CaseDesk, clock: Clock) -> None:
    case_id = await decided(desk, clock, Decision())
    case = await desk.storage.cases.get(case_id)
    assert case is not None
    before = len(await claimant_notices(desk, case))
    for r in (report(1, ListingOutcome.REMOVED), report(2, ListingOutcome.REMOVED)):
        await desk.report_outcomes(case, API, [r])
        clock.pass_(0.5)
    await desk.report_outcomes(case, API, [report(3, ListingOutcome.NOT_FOUND)])
    assert await desk.tell_outcomes_due() == 0  # still arriving
    clock.pass_(OUTCOMES_SETTLE_SECONDS + 0.1)
    assert await desk.tell_outcomes_due() == 1
    assert await desk.tell_outcomes_due() == 0
    notices = (await claimant_notices(desk, case))[before:]
    assert len(notices) == 1
    assert "2 of 3 listings were removed on 5 December; 1 was not found" in notices[0]

    _, changed = await desk.report_outcomes(case, API, [report(1, ListingOutcome.REMOVED)])
    assert changed == []  # no change: nothing kept, nothing told
    clock.pass_(OUTCOMES_SETTLE_SECONDS + 0.1)
    assert await desk.tell_outcomes_due() == 0

    await desk.report_outcomes(case, API, [report(2, ListingOutcome.RESTORED, day=9)])
    clock.pass_(OUTCOMES_SETTLE_SECONDS + 0.1)
    assert await desk.tell_outcomes_due() == 1
    latest = (await claimant_notices(desk, case))[-1]
    assert "1 of 3 listings was removed on 5 December" in latest
    assert "1 was restored on 9 December" in latest and "1 was not found" in latest
    card = await draw_card(desk.storage, case, "en")
    assert "Listings: 1 of 3 listings was removed on 5 December" in card.text


async def test_only_accepted_listings_of_an_accepted_case(desk: CaseDesk, clock: Clock) -> None:
    open_case = await submitted(desk, clock, LINKS)
    with pytest.raises(ActionRefused):
        await desk.report_outcomes(open_case, API, [report(1, ListingOutcome.REMOVED)])
    case_id = await decided(desk, clock, Decision(listings=("+", "no_authority", "+")))
    case = await desk.storage.cases.get(case_id)
    assert case is not None
    with pytest.raises(ActionRefused) as refused:
        await desk.report_outcomes(case, API, [report(2, ListingOutcome.REMOVED)])
    assert refused.value.code == "outcome-not-accepted"
    with pytest.raises(ActionRefused) as refused:
        await desk.report_outcomes(case, API, [report(4, ListingOutcome.REMOVED)])
    assert refused.value.code == "outcome-no-such-listing"
    assert await desk.storage.listing_outcomes.current(case.id) == {}


def test_the_summary_in_both_languages() -> None:
    reported = {
        1: report(1, ListingOutcome.REMOVED),
        2: report(2, ListingOutcome.REMOVED, day=6),
        3: report(3, ListingOutcome.NOT_FOUND),
    }
    en = summary(texts("en"), reported, 3)
    assert en == (
        "1 of 3 listings was removed on 5 December; 1 was removed on 6 December; 1 was not found"
    )
    ru = summary(texts("ru"), {1: reported[1], 3: reported[3]}, 2)
    assert ru == "1 из 2 карточек товаров удалена 5 декабря; 1 не найдена"
