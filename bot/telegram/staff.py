"""The staff group's side, on aiogram: who may act, which card, then `bot.staff.actions`."""

from __future__ import annotations

from collections.abc import Callable

from aiogram import Bot, F, Router
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message, User

from bot.settings import Settings
from bot.staff import actions
from bot.staff.card import STAFF_PREFIX
from bot.staff.desk import Actor, CaseDesk
from bot.staff.members import actor_name, is_staff
from dialogs.i18n import texts


def actor_of(user: User) -> Actor:
    return Actor(user.id, actor_name(user.full_name, user.username))


def staff_router(desk: CaseDesk, settings: Settings, on_change: Callable[[], None]) -> Router:
    router = Router(name="staff")
    staff_chat = settings.staff_chat_id
    lang = settings.staff_lang
    t = texts(lang)

    @router.callback_query(F.data.startswith(f"{STAFF_PREFIX}:"))
    async def on_card_button(query: CallbackQuery, bot: Bot) -> None:
        assert query.data is not None
        message = query.message
        if (
            message is None
            or message.chat.id != staff_chat
            or not await is_staff(bot.get_chat_member, staff_chat, query.from_user.id)
        ):
            await query.answer(t.plain("staff-refused"), show_alert=True)
            return
        case = await desk.storage.cases.get_by_staff_message(message.message_id)
        if case is None:
            await query.answer(t.plain("staff-not-a-card"), show_alert=True)
            return
        answer = await actions.press(desk, case, actor_of(query.from_user), query.data, lang)
        if answer.card_markup is not None:
            await bot.edit_message_reply_markup(
                chat_id=message.chat.id,
                message_id=message.message_id,
                reply_markup=InlineKeyboardMarkup.model_validate(answer.card_markup),
            )
        on_change()
        await query.answer(answer.note, show_alert=answer.alert)

    @router.message(F.chat.id == staff_chat, F.reply_to_message, F.text)
    async def on_reply_to_card(message: Message, bot: Bot) -> None:
        assert message.reply_to_message is not None and message.text is not None
        assert message.from_user is not None
        case = await desk.storage.cases.get_by_staff_message(message.reply_to_message.message_id)
        if case is None:
            return
        if not await is_staff(bot.get_chat_member, staff_chat, message.from_user.id):
            await message.reply(t("staff-refused"), parse_mode="HTML")
            return
        answer = await actions.reply_to_card(
            desk, case, actor_of(message.from_user), message.text, lang
        )
        if answer is not None:
            on_change()
            await message.reply(answer, parse_mode="HTML")

    return router
