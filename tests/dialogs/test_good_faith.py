"""The optional statement of good faith (EU DSA Art. 16(2)(d)), switched on by a setting."""

from __future__ import annotations

from dataclasses import replace

from dialogs.model import Confirmation
from tests.dialogs.test_engine import Session, walk


def _walk(features: tuple[str, ...], lang: str = "en") -> Session:
    s = Session(lang)
    s.ctx = replace(s.ctx, features=features)
    return walk(s, "review")


def test_off_by_default_on_by_setting_and_stored_like_the_other_confirmations():
    assert "confirm_good_faith" not in _walk(()).seen
    s = _walk(("good_faith",))
    assert s.seen.index("confirm_good_faith") == s.seen.index("confirm_authorised") + 1
    stored = s.draft.confirmations["confirm_good_faith"]
    assert isinstance(stored, Confirmation) and stored.lang == "en"
    assert "in good faith" in stored.text and "accurate and complete" in stored.text


def test_it_is_missing_from_the_review_until_confirmed():
    from dialogs.engine import handle
    from dialogs.inputs import Command

    s = _walk(("good_faith",), "ru")
    confirmations = {k: v for k, v in s.draft.confirmations.items() if k != "confirm_good_faith"}
    draft = s.draft.model_copy(update={"confirmations": confirmations})
    review = handle(draft, Command("help"), s.ctx).replies[-1]
    assert "• Заявление о добросовестности" in review.text
    assert not any(b.data == "u:review:" for row in review.buttons for b in row)


def test_times_are_shown_in_the_configured_zone_and_stored_in_utc():
    from datetime import UTC

    from dialogs.engine import handle
    from dialogs.inputs import Command

    s = _walk(())
    stored = s.draft.confirmations["confirm_data_processing"].at
    assert stored.tzinfo is not None and stored.utcoffset() == UTC.utcoffset(None)
    review = handle(s.draft, Command("help"), s.ctx).replies[-1].text
    assert "confirmed, 2024-05-01 15:00 MSK" in review  # all on one line (issue 15)
    london = replace(s.ctx, time_zone="Europe/London")
    assert (
        "confirmed, 2024-05-01 13:00 BST"
        in handle(s.draft, Command("help"), london).replies[-1].text
    )
