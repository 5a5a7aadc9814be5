"""The card is enough to decide, within Telegram's limits (a message; a caption when compact)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest

from bot.config.settings import Settings
from bot.outbox.text_limits import MESSAGE_LIMIT, visible_length
from bot.staff.card import CAPTION_LIMIT, card_facts, draw_card, render_card
from bot.staff.desk import CaseDesk
from bot.staff.workflow import Actor
from dialogs.model import Case, utcnow
from storage import Storage
from tests.bot.dossier.test_pdf import make_case
from tests.bot.staff.deciding import decided as decide_now
from tests.dialogs.test_engine import assert_telegram_html

SERGEY = Actor(501, "Sergey (@sergey)")


@pytest.fixture
async def desk(tmp_path: Path) -> AsyncIterator[CaseDesk]:
    storage = await Storage.open(tmp_path / "data")
    yield CaseDesk(storage, Settings(staff_chat_id=-100, decision_undo_seconds=0, _env_file=None))
    await storage.close()


async def submit(desk: CaseDesk, case: Case) -> Case:
    async with desk.storage.db.transaction() as conn:
        submitted = await desk.storage.cases.submit(conn, case.draft, now=utcnow())
        await desk.storage.cases.set_claimant_username(conn, submitted.id, "ivan_p")
    return submitted


async def test_everything_needed_to_decide(desk: CaseDesk) -> None:
    earlier = await submit(desk, make_case())
    case = await submit(desk, make_case(rights_holder="ООО «Ромашка» <b>"))
    await desk.take(case, SERGEY)
    decided = await decide_now(desk, case, SERGEY, "documents_missing")
    text = (await draw_card(desk.storage, decided, "en")).text
    for expected in (
        f"Case {case.number}",
        "rejected",
        "@ivan_p",  # kept with the case: still there after every edit
        "Assigned to: Sergey (@sergey)",
        "Right: trademark (incl. counterfeit goods) · filed by a representative of the",
        "Holder: ООО «Ромашка» &lt;b&gt;",
        "RU 123456 — Российская Федерация",
        "Listings: 2 · files: Evidence 1, Documents of rights 1, Documents of authority 1",
        "Decision: rejected by Sergey (@sergey)",
        "reason: Documents missing",
        f"Earlier cases about the same listing: {earlier.number}",
        "Claimant's record: 1 filed",
        "1. https://aliexpress.ru/item/1005006123456789.html",
    ):
        assert expected in text, (expected, text)
    assert "Missing" not in text
    assert_telegram_html(text)


async def test_what_is_missing_is_said(desk: CaseDesk) -> None:
    bare = make_case()
    bare.draft.files = []
    case = await submit(desk, bare)
    text = (await draw_card(desk.storage, case, "ru")).text
    assert "Не хватает:" in text and "Доказательства" in text


@pytest.mark.parametrize("limit", [CAPTION_LIMIT, MESSAGE_LIMIT])
async def test_a_huge_case_fits_the_limit(desk: CaseDesk, limit: int) -> None:
    big = make_case(
        rights_holder="Очень длинное название правообладателя " * 5,
        infringement_description="x" * 3000,
    )
    big.draft.links = [
        f"https://aliexpress.ru/item/{10**15 + i}.html?{'q' * 100}" for i in range(50)
    ]
    case = await submit(desk, big)
    card = await draw_card(desk.storage, case, "en", limit=limit)
    assert visible_length(card.text) <= limit
    assert card.text.startswith(f"📁 <b>Case {case.number}</b>")
    assert "Listings: 50" in card.text and "more" in card.text
    assert "1. https://aliexpress.ru/item/" in card.text
    assert_telegram_html(card.text)


async def test_the_card_is_rendered_from_facts_read_once(desk: CaseDesk) -> None:
    """Rendering does no I/O: the same facts give the same card, the storage closed or not,
    and nothing beyond the facts is read."""
    case = await submit(desk, make_case())
    await desk.take(case, SERGEY)
    taken = await desk.storage.cases.get(case.id)
    assert taken is not None
    facts = await card_facts(desk.storage, taken)
    drawn = await draw_card(desk.storage, taken, "en")
    await desk.storage.close()
    assert render_card(facts, "en") == drawn
    unreachable = render_card(replace(facts, unreachable=True, username=None), "en")
    assert "@ivan_p" not in unreachable.text and "@ivan_p" in drawn.text
    assert unreachable.text != drawn.text and unreachable.keyboard == drawn.keyboard
