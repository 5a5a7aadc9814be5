"""A scripted claimant's action turned into the Telegram update a user would cause at the fake."""

from __future__ import annotations

from bench.arrivals import Arrivals
from bench.script import Action, file_for
from tests.fake_telegram import FakeTelegram


def send(fake: FakeTelegram, arrivals: Arrivals, user_id: int, action: Action, seed: int) -> None:
    """Queue `action` as `user_id`'s update; a press finds its button in the bot's replies."""
    match action.kind:
        case "command":
            fake.user_sends_text(user_id, f"/{action.value}")
        case "text":
            fake.user_sends_text(user_id, action.value)
        case "press":
            message = arrivals.with_button(user_id, action.value)
            fake.user_presses(user_id, message, callback_data=action.value)
        case "upload":
            name, data, mime = file_for(action.value, seed)
            fake.user_sends_document(user_id, data, name, mime)
