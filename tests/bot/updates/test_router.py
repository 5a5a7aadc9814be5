"""The runtime-neutral update router: both frameworks' objects read as the same event, each
event goes to the side of the bot it is for, a flooding claimant is held back, and one user's
updates are handled one at a time."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import aiogram.types
import telegram

from bot.claimant.albums import AlbumResult
from bot.claimant.intake import Sender
from bot.updates.claimant import ClaimantRouter
from bot.updates.convert import message_of, press_of
from bot.updates.incoming import Chat, Message, Press, Shown, Toast, User
from bot.updates.router import UpdateRouter
from bot.updates.user_locks import UserLocks

BOT_ID = 42
STAFF_CHAT = -100500
CARD = "📁 Case IP-2026-000007 · received"
STAFF = {"id": 7, "is_bot": False, "first_name": "Olga", "last_name": "K", "username": "olga"}
CARD_MESSAGE = {
    "message_id": 10,
    "date": 1,
    "chat": {"id": STAFF_CHAT, "type": "supergroup", "is_forum": True},
    "from": {"id": BOT_ID, "is_bot": True, "first_name": "IP bot"},
    "document": {"file_id": "f1", "file_unique_id": "u1", "file_name": "dossier.pdf"},
    "caption": CARD,
    "reply_markup": {"inline_keyboard": [[{"text": "Take", "callback_data": "st:take:"}]]},
}
REPLY = {
    "message_id": 11,
    "date": 2,
    "chat": {"id": STAFF_CHAT, "type": "supergroup", "is_forum": True},
    "from": STAFF,
    "text": "/reject not a listing of ours",
    "message_thread_id": 9,
    "is_topic_message": True,
    "reply_to_message": CARD_MESSAGE,
}
PRESS = {
    "id": "q1",
    "from": STAFF,
    "chat_instance": "c",
    "data": "st:take:",
    "message": CARD_MESSAGE,
}


def both(kind: str, data: dict[str, Any]) -> tuple[Any, Any]:
    """The same Bot API object as aiogram and as python-telegram-bot read it."""
    if kind == "message":
        return aiogram.types.Message.model_validate(data), telegram.Message.de_json(data, None)
    return aiogram.types.CallbackQuery.model_validate(data), telegram.CallbackQuery.de_json(
        data, None
    )


def test_a_reply_to_a_card_reads_alike_on_both_runtimes() -> None:
    events = [
        message_of(5, message, bot_id=BOT_ID, content_type="text", file=None)
        for message in both("message", REPLY)
    ]
    assert events[0] == events[1]
    event = events[0]
    assert event.chat == Chat(STAFF_CHAT, "supergroup")
    assert event.user == User(7, "Olga K", "olga", None)
    assert event.user.actor.name == "Olga K (@olga)"
    assert event.thread_id == 9
    assert event.reply_to is not None and event.reply_to.card_text == CARD  # from the caption
    assert event.command == ("reject", "not a listing of ours")


def test_a_press_reads_alike_on_both_runtimes() -> None:
    aiogram_press, ptb_press = (press_of(6, q, bot_id=BOT_ID) for q in both("query", PRESS))
    assert aiogram_press == ptb_press
    assert aiogram_press.shown is not None and aiogram_press.shown.card_text == CARD


def test_only_the_bots_own_message_with_card_buttons_is_a_card() -> None:
    assert Shown(1, from_bot=True, text=CARD, button_data=("st:take:",)).card_text == CARD
    assert Shown(1, from_bot=False, text=CARD, button_data=("st:take:",)).card_text is None
    assert Shown(1, from_bot=True, text=CARD, button_data=("q:answer:1",)).card_text is None
    assert Shown(1, from_bot=True, text=None, button_data=("st:take:",)).card_text is None


def test_commands_are_read_without_the_bots_name() -> None:
    def command(text: str | None) -> tuple[str, str] | None:
        return Message(1, Chat(1, "private"), None, 1, text=text).command

    assert command("/Case@ipbot  IP-2026-000001 ") == ("case", "IP-2026-000001")
    assert command("/status") == ("status", "")
    assert command("status") is None
    assert command(None) is None


class Side:
    """Stands in for the staff or the claimant router: records what it is handed."""

    def __init__(self, staff_chat: int | None = None) -> None:
        self.staff_chat = staff_chat
        self.got: list[object] = []

    async def is_staff_chat(self, chat_id: int) -> bool:
        return chat_id == self.staff_chat

    async def message(self, message: Message) -> None:
        self.got.append(message)

    async def press(self, press: Press) -> Toast:
        self.got.append(press)
        return Toast("ok")


def routed() -> tuple[UpdateRouter, Side, Side]:
    staff, claimant = Side(STAFF_CHAT), Side()
    return UpdateRouter(staff, claimant), staff, claimant  # type: ignore[arg-type]


async def test_messages_go_to_their_side_and_other_groups_are_left_alone() -> None:
    router, staff, claimant = routed()
    user = User(7)
    in_staff = Message(1, Chat(STAFF_CHAT, "supergroup"), user, 1, text="/find anna")
    private = Message(2, Chat(7, "private"), user, 2, text="hello")
    elsewhere = Message(3, Chat(-1, "group"), user, 3, text="hello")
    for message in (in_staff, private, elsewhere):
        await router.message(message)
    assert staff.got == [in_staff]
    assert claimant.got == [private]


async def test_card_presses_go_to_staff_wherever_they_are_pressed() -> None:
    router, staff, claimant = routed()
    user = User(7)
    card = Press(1, "a", user, "st:take:", Chat(7, "private"), Shown(1))
    intake = Press(2, "b", user, "i:role:holder", Chat(7, "private"), Shown(2))
    in_group = Press(3, "c", user, "i:role:holder", Chat(-1, "group"), Shown(3))
    unknown = Press(4, "d", user, "i:role:holder")  # Telegram no longer says where
    assert await router.press(card) == Toast("ok")
    assert await router.press(intake) == Toast("ok")
    assert await router.press(in_group) is None
    assert await router.press(unknown) is None
    assert staff.got == [card]
    assert claimant.got == [intake]


class Slow(Side):
    """A claimant side whose handling waits until let go: who is in it, and in what order."""

    def __init__(self) -> None:
        super().__init__()
        self.inside: set[int] = set()
        self.both_at_once = False
        self.go = asyncio.Event()

    async def message(self, message: Message) -> None:
        assert message.user is not None
        self.both_at_once |= bool(self.inside - {message.user.id})
        self.inside.add(message.user.id)
        self.got.append(message.update_id)
        await self.go.wait()
        self.inside.discard(message.user.id)


async def test_one_users_updates_wait_for_each_other_in_order_while_other_users_go_on() -> None:
    claimant = Slow()
    router = UpdateRouter(Side(STAFF_CHAT), claimant)  # type: ignore[arg-type]
    anna, boris = User(7), User(8)
    tasks = [
        asyncio.create_task(router.message(Message(i, Chat(u.id, "private"), u, i, text="x")))
        for i, u in [(1, anna), (2, anna), (3, boris), (4, anna)]
    ]
    await asyncio.sleep(0.01)
    assert claimant.got == [1, 3]  # Anna's second waits for her first; Boris goes on
    assert claimant.both_at_once
    claimant.go.set()
    await asyncio.gather(*tasks)
    assert claimant.got == [1, 3, 2, 4]


class Gate:
    """Stands in for `ThrottleGate`: stops every update of the users in `stopped`."""

    def __init__(self, *stopped: int) -> None:
        self.stopped = set(stopped)
        self.asked: list[tuple[int, int, str | None, str | None]] = []

    async def stops(
        self, user_id: int, chat_id: int, language_code: str | None, album: str | None
    ) -> bool:
        self.asked.append((user_id, chat_id, language_code, album))
        return user_id in self.stopped


async def test_a_throttled_private_update_goes_nowhere_and_waits_for_no_lock() -> None:
    staff, claimant = Side(STAFF_CHAT), Side()
    gate = Gate(7)
    router = UpdateRouter(staff, claimant, gate)  # type: ignore[arg-type]
    anna = User(7, language_code="de")
    async with router.locks[anna.id]:  # her earlier update is still in hand
        text = Message(1, Chat(7, "private"), anna, 1, text="x", media_group_id="g")
        await router.message(text)
        assert await router.press(Press(2, "a", anna, "i:role:holder", Chat(7, "private"))) is None
    in_staff = Message(3, Chat(STAFF_CHAT, "supergroup"), anna, 3, text="/find anna")
    await router.message(in_staff)  # groups are never held back
    assert gate.asked == [(7, 7, "de", "g"), (7, 7, "de", None)]
    assert claimant.got == []
    assert staff.got == [in_staff]


async def test_an_albums_answer_waits_for_its_claimants_lock() -> None:
    """The album's answer comes later, from a timer: it waits like an update of theirs."""
    settled: list[int] = []

    class Intake:
        settings = SimpleNamespace(album_settle_seconds=0)

        async def album_settled(self, sender: Sender, result: AlbumResult) -> None:
            settled.append(sender.user_id)

    locks = UserLocks()
    claimant = ClaimantRouter(Intake(), None, None, lambda: None, locks)  # type: ignore[arg-type]
    async with locks[7]:  # an update of theirs is in hand
        answer = asyncio.create_task(claimant._album_settled(Sender(7, 7), AlbumResult(2)))
        await asyncio.sleep(0.01)
        assert settled == []
    await answer
    assert settled == [7]
