"""aiogram issue #1317: updates of one user handled concurrently can race on the same state.

The updates below are queued back to back, before the bot polls, so they reach it in one
getUpdates batch (asserted) and aiogram starts handling them together. Each answer must be taken
exactly once, in order, and no save may collide with another (no StaleDraftError).
"""

from __future__ import annotations

import logging

import pytest

from tests.e2e.claimant import PROMPTS, Claimant, png
from tests.e2e.conftest import (  # the fixtures are the e2e suite's
    CLAIMANT,
    RunningBot,
)
from tests.fake_telegram import FakeTelegram, QueuedUpdate


def one_batch(fake: FakeTelegram, updates: list[QueuedUpdate]) -> bool:
    """Did a single getUpdates answer carry all these updates?"""
    wanted = {u["update_id"] for u in updates}
    return any(
        wanted <= {u["update_id"] for u in (r.result or [])}
        for r in fake.calls("getUpdates")
        if isinstance(r.result, list)
    )


def assert_no_races(caplog: pytest.LogCaptureFixture) -> None:
    for record in caplog.get_records("call"):
        message = record.getMessage()
        assert "stale draft" not in message.lower(), message
        assert "StaleDraftError" not in message, message
        assert record.exc_info is None or "StaleDraftError" not in repr(record.exc_info[1])
        assert not (record.name.startswith(("aiogram.event", "bot")) and record.levelno >= 40), (
            message
        )


async def load(running_bot: RunningBot):  # type: ignore[no-untyped-def]
    assert running_bot.app is not None
    draft = await running_bot.app.storage.drafts.load(CLAIMANT)
    assert draft is not None
    return draft


async def test_two_texts_back_to_back_are_both_taken_in_order(
    fake: FakeTelegram, running_bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    anna = Claimant(fake, CLAIMANT)
    await anna.reaches("rights_holder")
    updates = [
        fake.user_sends_text(CLAIMANT, "Romashka LLC"),
        fake.user_sends_text(CLAIMANT, "Counterfeit bags with our logo"),
    ]
    await fake.wait_for_message(CLAIMANT, lambda m: PROMPTS["claim_subject"] in (m.text or ""))
    assert one_batch(fake, updates)

    draft = await load(running_bot)
    assert draft.step == "claim_subject"
    assert draft.answers["rights_holder"] == "Romashka LLC"
    assert draft.answers["infringement_description"] == "Counterfeit bags with our logo"
    assert draft.history[-2:] == ["rights_holder", "infringement_description"]
    assert draft.history.count("rights_holder") == 1
    # Each prompt once, in order: the description was asked, then what to do.
    texts = [m.text or "" for m in fake.messages(CLAIMANT)]
    asked = [t for t in texts if PROMPTS["infringement_description"] in t]
    assert len(asked) == 1
    assert texts.index(asked[0]) < texts.index(
        next(t for t in texts if PROMPTS["claim_subject"] in t)
    )
    assert not any("⚠️" in t for t in texts)
    assert_no_races(caplog)


async def test_done_pressed_twice_advances_once(
    fake: FakeTelegram, running_bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    anna = Claimant(fake, CLAIMANT)
    await anna.reaches("evidence_files")
    await anna.attaches(png(1))
    drawn = fake.messages(CLAIMANT)[-1]
    done = next(text for text in drawn.button_texts if "Done" in text)
    before = await load(running_bot)

    baseline = anna._baseline()  # the replies may come before the presses' answers
    presses = [
        fake.user_presses(CLAIMANT, drawn, text=done),
        fake.user_presses(CLAIMANT, drawn, text=done),
    ]
    first = await fake.wait_for_callback_answer(presses[0])
    second = await fake.wait_for_callback_answer(presses[1])
    assert one_batch(fake, presses)
    notice = await fake.wait_for_message(
        CLAIMANT, lambda m: "belongs to an earlier message" in (m.text or ""), after=baseline
    )
    await fake.wait_for_message(
        CLAIMANT, lambda m: PROMPTS["evidence_note"] in (m.text or ""), after=notice
    )

    draft = await load(running_bot)
    assert draft.step == "evidence_note"
    assert draft.history.count("evidence_files") == 1
    assert draft.revision == before.revision + 1  # one step advance, one save
    assert draft.files == before.files
    assert first.get("text") is None
    assert second.get("text") == "That button is out of date."
    assert_no_races(caplog)


async def test_two_choices_pressed_together_take_the_first(
    fake: FakeTelegram, running_bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    anna = Claimant(fake, CLAIMANT)
    prompt = await anna.reaches("right_type")
    trademark = next(t for t in prompt.button_texts if t.startswith("Trademark"))
    patent = next(t for t in prompt.button_texts if t.startswith("Patent"))
    baseline = anna._baseline()
    presses = [
        fake.user_presses(CLAIMANT, prompt, text=trademark),
        fake.user_presses(CLAIMANT, prompt, text=patent),
    ]
    await fake.wait_for_callback_answer(presses[1])
    await fake.wait_for_message(
        CLAIMANT, lambda m: "belongs to an earlier" in (m.text or ""), after=baseline
    )
    assert one_batch(fake, presses)
    draft = await load(running_bot)
    assert draft.answers["right_type"] == "trademark"
    assert draft.step == "rights_number"
    assert "patent_kind" not in draft.answers
    assert_no_races(caplog)


async def test_a_file_then_done_at_once_keeps_the_file_and_advances(
    fake: FakeTelegram, running_bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    """The press waits for the download and save of the file sent just before it."""
    caplog.set_level(logging.WARNING)
    anna = Claimant(fake, CLAIMANT)
    prompt = await anna.reaches("evidence_files")
    updates = [
        fake.user_sends_photo(CLAIMANT, png(9)),
        fake.forge_callback(CLAIMANT, CLAIMANT, prompt.message_id, "d:evidence_files:"),
    ]
    await fake.wait_for_message(CLAIMANT, lambda m: PROMPTS["evidence_note"] in (m.text or ""))
    assert one_batch(fake, updates)
    texts = [m.text or "" for m in fake.messages(CLAIMANT)]
    received = next(i for i, t in enumerate(texts) if "Received" in t)
    advanced = next(i for i, t in enumerate(texts) if PROMPTS["evidence_note"] in t)
    assert received < advanced
    assert not any("Please send at least one file" in t for t in texts)
    draft = await load(running_bot)
    assert draft.step == "evidence_note"
    assert len(draft.files) == 1
    assert_no_races(caplog)


async def test_album_of_five_arriving_together_gives_five_files(
    fake: FakeTelegram, running_bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    anna = Claimant(fake, CLAIMANT)
    await anna.reaches("evidence_files")
    before = len(fake.messages(CLAIMANT))
    items: list[tuple[str, bytes, str | None, str | None]] = [
        ("photo", png(30 + i), None, None) for i in range(5)
    ]
    answer = await anna.sends_album(items, expect="from the album")
    assert "Received 5 files from the album" in (answer.text or "")
    prompt = await anna.until_button("Done", after=answer.message_id)
    assert "5 files" in (prompt.text or "")

    draft = await load(running_bot)
    assert len(draft.files) == 5
    assert len({f.sha256 for f in draft.files}) == 5
    album_answers = [
        m for m in fake.messages(CLAIMANT)[before:] if "from the album" in (m.text or "")
    ]
    assert len(album_answers) == 1
    assert not any("Received “" in (m.text or "") for m in fake.messages(CLAIMANT)[before:])
    assert_no_races(caplog)
