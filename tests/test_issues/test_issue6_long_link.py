"""Issue 6, observation 7: a listing link longer than Fluent's placeable limit got no answer
at all (the refusal quoting it could not be formatted and the handler crashed). Every value a
text quotes is cut for display in the catalog layer; the refusal comes, the draft is unchanged."""

from __future__ import annotations

import html

from dialogs.i18n import LINK_DISPLAY_CHARS, texts
from tests.e2e.claimant import LISTING, Claimant
from tests.e2e.conftest import CLAIMANT, RunningBot
from tests.fake_telegram import FakeTelegram
from tests.test_issues.issue6 import refused_unchanged, saved_draft

LONG = "https://aliexpress.ru/item/1005001234567890.html?spm=" + "a" * 3000


async def test_an_overlong_link_is_refused_with_a_short_quote(
    fake: FakeTelegram, either_bot: RunningBot
) -> None:
    anna = Claimant(fake, CLAIMANT)
    await anna.reaches("links")
    answer = await refused_unchanged(
        fake, either_bot, "links", lambda: fake.user_sends_text(CLAIMANT, LONG), "longer than"
    )
    text = answer.text or ""
    assert text.startswith("❌ https://aliexpress.ru/item/1005001234567890.html?spm=aaa")
    assert "…" in text and len(text) < LINK_DISPLAY_CHARS + 100
    # A good link with the long one in one message: one verdict each, the good one saved.
    await anna.says(f"{LONG}\n{LISTING}", expect="Links saved: 1")
    assert (await saved_draft(either_bot)).links == [LISTING]


def test_no_value_can_break_a_text() -> None:
    for lang in ("en", "ru"):
        t = texts(lang)
        for value in ("&" * 5000, "x" * 100_000, "<b>" * 3000):
            assert t("link-rejected", link=value, reason=value).startswith("❌ ")
            assert t.plain("err-text-too-long", max=2000, length=len(value))
            shown = html.unescape(t("link-duplicate", link=value))
            assert len(shown) < LINK_DISPLAY_CHARS + 20
