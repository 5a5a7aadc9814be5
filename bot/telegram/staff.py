"""The staff group's side, on aiogram: who may act, which card, then `bot.staff.actions`."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from aiogram import Bot, F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message, Update, User

from bot.settings import Settings
from bot.staff import actions, commands
from bot.staff.card import STAFF_PREFIX
from bot.staff.desk import Actor, AlreadyApplied, CaseDesk, applying
from bot.staff.members import actor_name
from bot.telegram.replies import answer_query


def actor_of(user: User) -> Actor:
    return Actor(user.id, actor_name(user.full_name, user.username))


def card_text(message: Message, bot_id: int) -> str | None:
    """The text (or caption) of the bot's own message with card buttons (any card of a case
    works)."""
    markup = message.reply_markup
    if message.from_user is None or message.from_user.id != bot_id or markup is None:
        return None
    datas = [button.callback_data or "" for row in markup.inline_keyboard for button in row]
    text = message.text or message.caption  # the card is the dossier PDF's caption
    return text if any(d.startswith(f"{STAFF_PREFIX}:") for d in datas) else None


def staff_router(desk: CaseDesk, settings: Settings, on_change: Callable[[], None]) -> Router:
    router = Router(name="staff")
    staff_chats = settings.staff_chats  # every staff group; each acts on its own cases
    lang = settings.staff_lang

    @router.callback_query(F.data.startswith(f"{STAFF_PREFIX}:"))
    async def on_card_button(query: CallbackQuery, bot: Bot, event_update: Update) -> None:
        assert query.data is not None
        message = query.message
        pressed_in = (message.chat.id, message.message_id) if message else None
        actor = actor_of(query.from_user)
        try:
            with applying(event_update.update_id):  # a press delivered twice is applied once
                answer = await actions.press_card(
                    desk,
                    staff_chats,
                    pressed_in,
                    actor,
                    query.data,
                    bot.get_chat_member,
                    lang,
                    card_text(message, bot.id) if isinstance(message, Message) else None,
                )
        except AlreadyApplied:
            answer = actions.StaffAnswer(None)
        if answer.card_markup is not None and pressed_in is not None:
            with contextlib.suppress(TelegramBadRequest):  # already showing them: fine
                await bot.edit_message_reply_markup(
                    chat_id=pressed_in[0],
                    message_id=pressed_in[1],
                    reply_markup=InlineKeyboardMarkup.model_validate(answer.card_markup),
                )
        on_change()
        await answer_query(query, answer.note, alert=answer.alert)

    @router.message(F.chat.id.in_(staff_chats), F.text.startswith("/"), F.from_user)
    async def on_command(message: Message, bot: Bot) -> None:
        """`/find`, `/mine`, `/stats`: answered as a reply, through the outbox."""
        assert message.text is not None and message.from_user is not None
        parsed = commands.parse_command(message.text)
        if parsed is None:
            raise SkipHandler  # another command (`/reject` on a card, say)
        command = commands.StaffCommand(
            message.chat.id,
            message.message_id,
            message.message_thread_id if message.is_topic_message else None,
            actor_of(message.from_user),
            *parsed,
        )
        queued = await commands.answer_command(
            desk.storage,
            message.chat.id,
            command,
            bot.get_chat_member,
            lang,
            desk.clock(),
            settings.listing_links,
        )
        if queued:
            on_change()

    @router.message(F.chat.id.in_(staff_chats), F.reply_to_message, F.text)
    async def on_reply_to_card(message: Message, bot: Bot, event_update: Update) -> None:
        """A reply to a card is a question for the claimant; `/reject text` rejects with it."""
        assert message.reply_to_message is not None and message.text is not None
        assert message.from_user is not None
        try:
            with applying(event_update.update_id):  # delivered twice, asked once
                answer = await actions.reply_on_card(
                    desk,
                    message.chat.id,
                    message.reply_to_message.message_id,
                    actor_of(message.from_user),
                    message.text,
                    bot.get_chat_member,
                    lang,
                    card_text(message.reply_to_message, bot.id),
                )
        except AlreadyApplied:
            return
        if answer is not None:
            on_change()
            await message.reply(answer, parse_mode="HTML")

    return router
