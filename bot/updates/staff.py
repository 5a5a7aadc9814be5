"""The staff group's updates: card buttons, replies to cards, `/find` `/mine` `/stats`.

Who may act and what an action does is `bot.staff`; this decides which of those an update
is, and queues what staff are told in the outbox (keyed by the update: delivered twice, told
once; a 429 only delays it)."""

from __future__ import annotations

from collections.abc import Callable

from bot.config.settings import Settings
from bot.outbox.messages import CardButtons, Keyboard, Text
from bot.outbox.queue import queue
from bot.staff import actions, commands
from bot.staff.apply import AlreadyApplied
from bot.staff.card import STAFF_PREFIX
from bot.staff.desk import CaseDesk
from bot.staff.members import GetChatMember
from bot.updates.incoming import Message, Press, Toast
from dialogs.model import Case
from storage.chat_states import ChatStates


def is_card_press(press: Press) -> bool:
    return press.data.startswith(f"{STAFF_PREFIX}:")


class StaffRouter:
    def __init__(
        self,
        desk: CaseDesk,
        settings: Settings,
        get_chat_member: GetChatMember,
        on_change: Callable[[], None],
    ) -> None:
        self.desk = desk
        self.storage = desk.storage
        self.chats = settings.staff_chats  # every staff group; each acts on its own cases
        self.moves = ChatStates(self.storage.db)  # a group upgraded to a supergroup: its new id
        self.lang = settings.staff_lang
        self.link_rules = settings.listing_links
        self.get_chat_member = get_chat_member
        self.on_change = on_change

    async def staff_chats(self) -> list[int]:
        """The staff groups by the ids they have now (a group Telegram upgraded to a
        supergroup has a new one, recorded by the outbox sender)."""
        moved = await self.moves.migrations()
        return [moved.get(chat, chat) for chat in self.chats]

    async def is_staff_chat(self, chat_id: int) -> bool:
        return chat_id in self.chats or chat_id in await self.staff_chats()

    async def press(self, press: Press) -> Toast:
        """A card button (in any chat: elsewhere it is refused by `actions.press_card`)."""
        shown = press.shown
        pressed_in = (press.chat.id, shown.message_id) if press.chat and shown else None
        try:
            answer = await actions.press_card(
                self.desk,
                await self.staff_chats(),
                pressed_in,
                press.user.actor,
                press.data,
                self.get_chat_member,
                self.lang,
                shown.card_text if shown else None,
                update_id=press.update_id,  # a press delivered twice is applied once
            )
        except AlreadyApplied:
            return Toast()
        if answer.card_keyboard is not None and answer.case is not None and pressed_in:
            await self._card_buttons(press, answer.case, answer.card_keyboard)
        return Toast(answer.note, alert=answer.alert)

    async def _card_buttons(self, press: Press, case: Case, keyboard: Keyboard) -> None:
        """The card's buttons changed (the reasons to reject): queued as an edit of the case's
        card, whichever message of it was pressed (the case found for the press)."""
        assert press.chat is not None
        edit = CardButtons(chat_id=press.chat.id, case_id=case.id, keyboard=keyboard)
        async with self.storage.db.transaction() as conn:
            await queue(
                conn, self.storage, edit, key=f"update:{press.update_id}:card", case_id=case.id
            )
        self.on_change()

    async def message(self, message: Message) -> bool:
        """A message in the staff group: a staff command, or a reply to a card. False when it
        is neither (left alone)."""
        if message.user is None or not message.text:
            return False
        parsed = commands.parse_command(message.text)
        if parsed is not None:
            await self._command(message, *parsed)
            return True
        if message.reply_to is not None:
            return await self._reply_to_card(message)
        return False

    async def _command(self, message: Message, name: str, args: str) -> None:
        """`/find`, `/mine`, `/stats`: answered as a reply, through the outbox."""
        assert message.user is not None
        command = commands.StaffCommand(
            message.chat.id,
            message.message_id,
            message.thread_id,
            message.user.actor,
            name,
            args,
        )
        queued = await commands.answer_command(
            self.storage,
            message.chat.id,
            command,
            self.get_chat_member,
            self.lang,
            self.desk.clock(),
            self.link_rules,
        )
        if queued:
            self.on_change()

    async def _reply_to_card(self, message: Message) -> bool:
        """A reply to a card is a question for the claimant; `/reject text` rejects with it.
        What staff are told is queued as a reply to their message."""
        assert message.user is not None and message.text and message.reply_to is not None
        replied = message.reply_to
        try:
            answer = await actions.reply_on_card(
                self.desk,
                message.chat.id,
                replied.message_id,
                message.user.actor,
                message.text,
                self.get_chat_member,
                self.lang,
                replied.card_text,
                update_id=message.update_id,  # delivered twice, asked once
            )
        except AlreadyApplied:
            return True
        if answer is None:
            return False
        told = Text(
            chat_id=message.chat.id,
            text=answer,
            reply_to_message_id=message.message_id,
            message_thread_id=message.thread_id,
        )
        async with self.storage.db.transaction() as conn:
            await queue(conn, self.storage, told, key=f"update:{message.update_id}:0")
        self.on_change()
        return True
