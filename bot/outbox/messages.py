"""What the bot sends, as data: one typed message per outbox item.

The dialogue core and the case services produce these, in the transaction of the change they
follow from; the sender resolves what is known only later (the card's message id, the case's
forum topic) and turns each into one Bot API call (`bot_call`), which a small adapter per
runtime performs. Nothing here is a pseudo Bot API method or a marker key inside a payload:
a file from the store is `sha256` + `filename`, the card of a case is `case_id`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from dialogs.model import Lang
from dialogs.replies import Reply

LINK_PREVIEW_OFF = {"is_disabled": True}  # LinkPreviewOptions(is_disabled=True)


class Button(BaseModel):
    model_config = ConfigDict(frozen=True)

    text: str
    callback_data: str


Keyboard = list[list[Button]]


class _Message(BaseModel):
    model_config = ConfigDict(frozen=True)

    chat_id: int


class Text(_Message):
    """An HTML text, maybe with buttons; under a case's card and in its topic when asked."""

    kind: Literal["text"] = "text"
    text: str
    keyboard: Keyboard | None = None
    reply_to_card_of: int | None = None  # case id: a reply to that case's staff card
    topic_of: int | None = None  # case id: in that case's forum topic (if it has one)
    reply_to_message_id: int | None = None  # a reply to this message (known when queued)
    message_thread_id: int | None = None  # in this forum topic (known when queued)
    contact_button: str | None = None  # a reply keyboard sharing the phone number, by label
    reply_keys: list[str] = []  # below it, keys that send their label (Back, Skip, Keep)
    remove_keyboard: bool = False  # that reply keyboard taken away again


class Document(_Message):
    """A file from the content-addressed store."""

    kind: Literal["document"] = "document"
    sha256: str
    filename: str
    caption: str | None = None
    reply_to_card_of: int | None = None
    topic_of: int | None = None


class AlbumItem(BaseModel):
    model_config = ConfigDict(frozen=True)

    sha256: str
    filename: str
    caption: str | None = None


class Album(_Message):
    """Two to ten documents from the store, sent as one media group."""

    kind: Literal["album"] = "album"
    documents: list[AlbumItem]
    topic_of: int | None = None
    reply_to_card_of: int | None = None  # case id: under that case's staff card (files on demand)


class StaffCard(_Message):
    """The case card staff act on; its message id is recorded once sent. With `document`
    (the dossier PDF) the card is that document's caption: one message per case."""

    kind: Literal["card"] = "card"
    case_id: int
    text: str
    keyboard: Keyboard
    topic_of: int | None = None
    document: AlbumItem | None = None
    zip: AlbumItem | None = None  # not sent: the dossier ZIP kept for "📎 Files" (and retention)


class CardEdit(_Message):
    """The case card drawn again as the case stands (whichever message the card is now)."""

    kind: Literal["card_edit"] = "card_edit"
    case_id: int
    text: str
    keyboard: Keyboard


class CardButtons(_Message):
    """Only the buttons of the case card changed (the reasons to reject, say)."""

    kind: Literal["card_buttons"] = "card_buttons"
    case_id: int
    keyboard: Keyboard


class Delete(_Message):
    """A message removed (a duplicate card left by a send retried after delivery)."""

    kind: Literal["delete"] = "delete"
    message_id: int


class DeleteMessages(_Message):
    """Messages removed at once (up to 100: erasing a case clears the staff group of it)."""

    kind: Literal["delete_messages"] = "delete_messages"
    message_ids: list[int]


class DeleteTopic(_Message):
    """A forum topic removed with every message in it (erasing a case posted in its topic)."""

    kind: Literal["delete_topic"] = "delete_topic"
    message_thread_id: int


class OpenTopic(_Message):
    """A forum topic of its own for the case, opened before its dossier is posted."""

    kind: Literal["open_topic"] = "open_topic"
    case_id: int
    name: str


class ComposeDossier(_Message):
    """Not a Telegram call: the sender builds the dossier (PDF, ZIP) off the event loop and
    queues its messages in this item's place."""

    kind: Literal["compose_dossier"] = "compose_dossier"
    case_id: int
    staff_lang: Lang
    username: str | None = None
    topic: bool = False
    time_zone: str = "Europe/Moscow"  # TIME_ZONE: the card's and the dossier's times


OutboxMessage = Annotated[
    Text
    | Document
    | Album
    | StaffCard
    | CardEdit
    | CardButtons
    | Delete
    | DeleteMessages
    | DeleteTopic
    | OpenTopic
    | ComposeDossier,
    Field(discriminator="kind"),
]
_ADAPTER: TypeAdapter[OutboxMessage] = TypeAdapter(OutboxMessage)


def parse_message(kind: str, payload: dict[str, Any]) -> OutboxMessage:
    return _ADAPTER.validate_python({**payload, "kind": kind})


def keyboard_of(reply: Reply) -> Keyboard | None:
    if not reply.buttons:
        return None
    return [[Button(text=b.label, callback_data=b.data) for b in row] for row in reply.buttons]


def markup_of(keyboard: Keyboard | None) -> dict[str, Any] | None:
    if keyboard is None:
        return None
    return {"inline_keyboard": [[b.model_dump() for b in row] for row in keyboard]}


# --- as Bot API calls ----------------------------------------------------------------------


@dataclass(frozen=True)
class Upload:
    """A file from the store to upload with the call (read by the runtime's adapter)."""

    sha256: str
    filename: str


@dataclass(frozen=True)
class BotCall:
    """One Bot API call: its parameters as JSON, except files (`Upload`)."""

    method: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Resolved:
    """What the sender looked up: the case card's message id and the case's topic."""

    card_message_id: int | None = None
    thread_id: int | None = None
    card_is_caption: bool = False  # the card is a document's caption: edited as one


def bot_call(message: OutboxMessage, refs: Resolved = Resolved()) -> BotCall:
    """The Bot API call for a message (not for `ComposeDossier`, which is local work)."""
    chat = {"chat_id": message.chat_id}
    thread = {} if refs.thread_id is None else {"message_thread_id": refs.thread_id}
    reply_to: dict[str, Any] = {}
    if getattr(message, "reply_to_card_of", None) is not None and refs.card_message_id:
        reply_to = {"reply_parameters": {"message_id": refs.card_message_id}}
    if isinstance(message, Text):
        if message.reply_to_message_id is not None:
            reply_to = {
                "reply_parameters": {
                    "message_id": message.reply_to_message_id,
                    "allow_sending_without_reply": True,
                }
            }
        if message.message_thread_id is not None:
            thread = {"message_thread_id": message.message_thread_id}
    match message:
        case StaffCard(document=AlbumItem() as pdf):
            return BotCall(
                "sendDocument",
                {
                    **chat,
                    **thread,
                    "document": Upload(pdf.sha256, pdf.filename),
                    **_caption(message.text),
                    "reply_markup": markup_of(message.keyboard),
                },
            )
        case Text() | StaffCard():
            markup = markup_of(message.keyboard)
            if isinstance(message, Text) and message.contact_button is not None:
                contact = {"text": message.contact_button, "request_contact": True}
                keys = [[{"text": key}] for key in message.reply_keys]
                markup = {"keyboard": [[contact], *keys], "resize_keyboard": True}
                markup["one_time_keyboard"] = True
            elif isinstance(message, Text) and message.remove_keyboard:
                markup = {"remove_keyboard": True}
            return BotCall(
                "sendMessage",
                {
                    **chat,
                    **thread,
                    "text": message.text,
                    "parse_mode": "HTML",
                    "link_preview_options": LINK_PREVIEW_OFF,
                    **({"reply_markup": markup} if markup else {}),
                    **reply_to,
                },
            )
        case Document():
            return BotCall(
                "sendDocument",
                {
                    **chat,
                    **thread,
                    "document": Upload(message.sha256, message.filename),
                    **_caption(message.caption),
                    **reply_to,
                },
            )
        case Album():
            media = [
                {
                    "type": "document",
                    "media": Upload(d.sha256, d.filename),
                    **_caption(d.caption),
                }
                for d in message.documents
            ]
            return BotCall("sendMediaGroup", {**chat, **thread, "media": media, **reply_to})
        case CardEdit() if refs.card_is_caption:
            assert refs.card_message_id is not None
            return BotCall(
                "editMessageCaption",
                {
                    **chat,
                    "message_id": refs.card_message_id,
                    **_caption(message.text),
                    "reply_markup": markup_of(message.keyboard),
                },
            )
        case CardEdit():
            assert refs.card_message_id is not None
            return BotCall(
                "editMessageText",
                {
                    **chat,
                    "message_id": refs.card_message_id,
                    "text": message.text,
                    "parse_mode": "HTML",
                    "link_preview_options": LINK_PREVIEW_OFF,
                    "reply_markup": markup_of(message.keyboard),
                },
            )
        case CardButtons():
            assert refs.card_message_id is not None
            return BotCall(
                "editMessageReplyMarkup",
                {
                    **chat,
                    "message_id": refs.card_message_id,
                    "reply_markup": markup_of(message.keyboard),
                },
            )
        case Delete():
            return BotCall("deleteMessage", {**chat, "message_id": message.message_id})
        case DeleteMessages():
            return BotCall("deleteMessages", {**chat, "message_ids": message.message_ids})
        case DeleteTopic():
            return BotCall(
                "deleteForumTopic", {**chat, "message_thread_id": message.message_thread_id}
            )
        case OpenTopic():
            return BotCall("createForumTopic", {**chat, "name": message.name})
        case ComposeDossier():
            raise ValueError("composing the dossier is not a Bot API call")


def _caption(caption: str | None) -> dict[str, Any]:
    return {} if caption is None else {"caption": caption, "parse_mode": "HTML"}
