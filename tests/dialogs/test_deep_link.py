"""`t.me/<bot>?start=<item id>` from the listing page: the listing is filled in and the first
screening question answered; a payload that is no item is a plain /start."""

from __future__ import annotations

import pytest

from dialogs.inputs import Command
from tests.dialogs.test_engine import LINK, Session, all_text, last, session_at

ITEM = "1005001234567890"


@pytest.mark.parametrize("payload", [ITEM, f"item_{ITEM}", f"item-{ITEM}"])
def test_a_listing_link_starts_the_complaint_with_it(payload: str) -> None:
    s = Session()
    outcome = s.send(Command("start", payload))
    assert outcome.changed
    assert s.step == "screen_matter"
    assert s.draft is not None and s.draft.links == [LINK]
    assert s.draft.answers == {"screen_listing": "yes"}
    text = all_text(outcome)
    assert "A complaint about an infringement of exclusive rights" in text  # the welcome
    assert f"The listing {LINK} is added" in text
    assert "What is your complaint about?" in last(outcome).text
    # /back leads to the question the link answered.
    s.command("back")
    assert s.step == "screen_listing"


@pytest.mark.parametrize("payload", ["", "hello", "item_abc", "1" * 30, "<script>"])
def test_an_invalid_payload_is_ignored_with_the_welcome(payload: str) -> None:
    s = Session()
    outcome = s.send(Command("start", payload))
    assert s.step == "welcome" and s.draft is not None and s.draft.links == []
    assert "A complaint about an infringement of exclusive rights" in last(outcome).text


def test_a_complaint_under_way_gets_the_listing_added() -> None:
    s = session_at("contact_email")
    answers = dict(s.draft.answers)
    outcome = s.send(Command("start", "item_42"))
    assert s.draft.links == [LINK, "https://aliexpress.ru/item/42.html"]
    assert s.draft.answers == answers and s.step == "contact_email"
    assert "Your <b>email</b>" in last(outcome).text
    again = s.send(Command("start", "item_42"))
    assert not again.changed


def test_links_sent_as_a_file_get_one_verdict_each() -> None:
    from dialogs.inputs import LinkList

    s = session_at("links")
    csv = "url;note\nhttps://aliexpress.ru/item/1.html;bag\nhttps://aliexpress.ru/store/9\n"
    csv += "\n".join(f"https://aliexpress.ru/item/{n}.html" for n in range(100, 160))
    outcome = s.send(LinkList(csv, "links.csv"))
    assert outcome.changed
    report = outcome.replies[0].text
    assert "✅ https://aliexpress.ru/item/1.html" in report
    assert "❌ https://aliexpress.ru/store/9 — this is a store front" in report
    assert len(s.draft.links) == 61  # more than one message may hold (50)
    elsewhere = session_at("contact_email")
    before = elsewhere.draft
    refused = elsewhere.send(LinkList("https://aliexpress.ru/item/1.html", "a.txt"))
    assert not refused.changed and elsewhere.draft == before
