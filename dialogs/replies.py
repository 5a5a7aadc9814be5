"""What the engine answers: HTML texts with inline buttons, for any shell to draw."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Choice:
    label: str
    data: str


@dataclass(frozen=True)
class Reply:
    text: str  # Telegram HTML, user values already escaped
    buttons: tuple[tuple[Choice, ...], ...] = ()
    # A reply-keyboard button that shares the claimant's phone number (Telegram's
    # request_contact), by its label; a message carries it or inline buttons, never both, so
    # the step's other buttons (Back, Skip, Keep) come as reply-keyboard keys below it: a key
    # sends its label as text, which the engine takes as the press of that button.
    contact_button: str | None = None
    reply_keys: tuple[str, ...] = ()
    remove_keyboard: bool = False  # take that reply keyboard away again

    @property
    def has_markup(self) -> bool:
        return bool(self.buttons) or self.contact_button is not None or self.remove_keyboard
