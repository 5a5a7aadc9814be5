"""The staff group's side: buttons on case cards and replies to them. Only members of the
staff group may act; the case is always the one whose card the button or reply is attached to."""

from __future__ import annotations

from collections.abc import Callable

from aiogram import Bot, F, Router
from aiogram.enums import ChatMemberStatus
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message, User

from bot.settings import Settings
from bot.staff.card import STAFF_PREFIX
from bot.staff.desk import OTHER_REASON, REJECT_REASONS, ActionRefused, Actor, CaseDesk
from dialogs.i18n import texts
from dialogs.model import Case

ACTING_STATUSES = {
    ChatMemberStatus.CREATOR,
    ChatMemberStatus.ADMINISTRATOR,
    ChatMemberStatus.MEMBER,
}
REJECT_COMMAND = "/reject"


def actor_of(user: User) -> Actor:
    return Actor(user.id, user.full_name + (f" (@{user.username})" if user.username else ""))


def staff_router(desk: CaseDesk, settings: Settings, on_change: Callable[[], None]) -> Router:
    router = Router(name="staff")
    staff_chat = settings.staff_chat_id
    t = texts(settings.staff_lang)

    async def is_staff(bot: Bot, user_id: int) -> bool:
        """Asked of Telegram every time: someone removed from the group loses the right at once."""
        if staff_chat is None:
            return False
        member = await bot.get_chat_member(staff_chat, user_id)
        return member.status in ACTING_STATUSES or bool(getattr(member, "is_member", False))

    @router.callback_query(F.data.startswith(f"{STAFF_PREFIX}:"))
    async def on_card_button(query: CallbackQuery, bot: Bot) -> None:
        assert query.data is not None
        message = query.message
        if (
            message is None
            or message.chat.id != staff_chat
            or not await is_staff(bot, query.from_user.id)
        ):
            await query.answer(t.plain("staff-refused"), show_alert=True)
            return
        case = await desk.storage.cases.get_by_staff_message(message.message_id)
        if case is None:
            await query.answer(t.plain("staff-not-a-card"), show_alert=True)
            return
        _, action, arg = [*query.data.split(":", 2), "", ""][:3]
        try:
            note = await act(case, actor_of(query.from_user), action, arg, bot, message.message_id)
        except ActionRefused as refusal:
            await query.answer(t.plain(refusal.args[0]), show_alert=True)
            return
        on_change()
        await query.answer(note, show_alert=action in ("ask", "reason") and arg in ("", "other"))

    async def act(
        case: Case, actor: Actor, action: str, arg: str, bot: Bot, card_id: int
    ) -> str | None:
        match action:
            case "take":
                await desk.take(case, actor)
                return t.plain("staff-taken", number=case.number)
            case "ask":
                return t.plain("staff-ask-hint")
            case "accept":
                decided = await desk.accept(case, actor)
            case "forward":
                decided = await desk.forward(case, actor)
            case "reject":
                await bot.edit_message_reply_markup(
                    chat_id=staff_chat, message_id=card_id, reply_markup=reasons_markup()
                )
                return t.plain("staff-reject-choose", number=case.number)
            case "reason" if arg == OTHER_REASON:
                return t.plain("staff-reject-other-hint")
            case "reason":
                decided = await desk.reject(case, actor, arg)
            case "back":
                await desk.refresh_card(case)
                return None
            case _:
                raise ActionRefused("staff-refused-state")
        return t.plain(
            "staff-decided", number=case.number, status=t.plain(f"status-{decided.status.value}")
        )

    def reasons_markup() -> InlineKeyboardMarkup:
        rows = [
            [{"text": t.plain(f"staff-reason-{r}"), "callback_data": f"{STAFF_PREFIX}:reason:{r}"}]
            for r in (*REJECT_REASONS, OTHER_REASON)
        ]
        rows.append(
            [{"text": t.plain("staff-btn-cancel"), "callback_data": f"{STAFF_PREFIX}:back:"}]
        )
        return InlineKeyboardMarkup.model_validate({"inline_keyboard": rows})

    @router.message(F.chat.id == staff_chat, F.reply_to_message, F.text)
    async def on_reply_to_card(message: Message, bot: Bot) -> None:
        """A reply to a card is a question for the claimant; `/reject text` rejects with it."""
        assert message.reply_to_message is not None and message.text is not None
        assert message.from_user is not None
        case = await desk.storage.cases.get_by_staff_message(message.reply_to_message.message_id)
        if case is None:
            return
        if not await is_staff(bot, message.from_user.id):
            await message.reply(t("staff-refused"), parse_mode="HTML")
            return
        actor = actor_of(message.from_user)
        text = message.text.strip()
        try:
            if text.lower().startswith(REJECT_COMMAND):
                note = text[len(REJECT_COMMAND) :].strip()
                decided = await desk.reject(case, actor, OTHER_REASON, note)
                status = t.plain(f"status-{decided.status.value}")
                answer = t("staff-decided", number=case.number, status=status)
            elif text.startswith("/"):
                return
            else:
                await desk.ask(case, actor, text)
                answer = t("staff-question-sent", number=case.number)
        except ActionRefused as refusal:
            answer = t(refusal.args[0])
        on_change()
        await message.reply(answer, parse_mode="HTML")

    return router
