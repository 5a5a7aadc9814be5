"""A Telegram update as the router needs it, whichever runtime received it.

aiogram's and python-telegram-bot's objects are turned into these (`bot.updates.convert`), so
what an update means is decided once (`bot.updates.router`), not once per runtime."""

from __future__ import annotations

from dataclasses import dataclass

from bot.claimant.uploads import OfferedFile
from bot.staff.card import STAFF_PREFIX
from bot.staff.members import actor_name
from bot.staff.workflow import Actor

PRIVATE = "private"


@dataclass(frozen=True)
class User:
    id: int
    full_name: str = ""
    username: str | None = None
    language_code: str | None = None

    @property
    def actor(self) -> Actor:
        """As the audit trail names a staff member."""
        return Actor(self.id, actor_name(self.full_name, self.username))


@dataclass(frozen=True)
class Chat:
    id: int
    type: str  # "private", "group", "supergroup", "channel"

    @property
    def private(self) -> bool:
        return self.type == PRIVATE


@dataclass(frozen=True)
class Shown:
    """A message already in a chat: the one replied to, or the one whose button was pressed."""

    message_id: int
    from_bot: bool = False  # sent by this bot
    text: str | None = None  # its text, or its caption (a card may be a document's caption)
    button_data: tuple[str, ...] = ()  # the callback data of its inline buttons

    @property
    def card_text(self) -> str | None:
        """The text of the bot's own message with card buttons (any card of a case works)."""
        is_card = any(data.startswith(f"{STAFF_PREFIX}:") for data in self.button_data)
        return self.text if self.from_bot and is_card else None


@dataclass(frozen=True)
class Message:
    update_id: int
    chat: Chat
    user: User | None
    message_id: int
    text: str | None = None
    caption: str | None = None
    content_type: str = "text"  # for an explanation of what a step expects instead
    contact_phone: str | None = None  # a shared contact
    file: OfferedFile | None = None  # a document, photo or video, not yet downloaded
    media_group_id: str | None = None  # one of an album
    thread_id: int | None = None  # the forum topic it was posted in
    reply_to: Shown | None = None

    @property
    def command(self) -> tuple[str, str] | None:
        """`/case@ipbot IP-2026-000001` → ("case", "IP-2026-000001"); None for other text."""
        if not self.text or not self.text.startswith("/"):
            return None
        head, _, args = self.text.partition(" ")
        return head[1:].split("@", 1)[0].lower(), args.strip()


@dataclass(frozen=True)
class Press:
    """A button pressed; `shown` is the message it is under (None when Telegram no longer
    says which)."""

    update_id: int
    query_id: str
    user: User
    data: str
    chat: Chat | None = None
    shown: Shown | None = None


@dataclass(frozen=True)
class Toast:
    """The answer to a press: answered at once by the runtime (answerCallbackQuery), never
    queued, since it must answer the press itself."""

    text: str | None = None
    alert: bool = False
