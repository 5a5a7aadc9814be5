"""The claimant's submitted cases on aiogram: /status, /case N, /withdraw, answering staff
questions and adding evidence unasked.

Included before the intake router: while a claimant is answering a question, their messages
belong to the case, not to a new complaint."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject, Filter
from aiogram.types import CallbackQuery, Message

from bot.claimant_cases import ANSWER_PREFIX, CASE_PREFIX, WITHDRAW_COMMAND, ClaimantCases
from bot.intake import Sender
from bot.telegram.private import offered_file
from bot.telegram.replies import answer_query, send_replies


class Answering(Filter):
    """Passes when the sender is answering a staff question; hands the question to the handler."""

    def __init__(self, cases: ClaimantCases) -> None:
        self.cases = cases

    async def __call__(self, message: Message) -> bool | dict[str, Any]:
        if message.from_user is None or (message.text or "").startswith("/"):
            return False
        question = await self.cases.answering(message.from_user.id)
        return {"question": question} if question else False


def cases_router(cases: ClaimantCases, on_change: Callable[[], None]) -> Router:
    router = Router(name="claimant-cases")
    router.message.filter(F.chat.type == "private")

    @router.message(Command("status"))
    async def on_status(message: Message, bot: Bot) -> None:
        assert message.from_user is not None
        reply = await cases.status(Sender.of(message.from_user, message.chat.id))
        await send_replies(bot, message.chat.id, [reply])

    @router.message(Command("case"))
    async def on_case(message: Message, command: CommandObject, bot: Bot) -> None:
        assert message.from_user is not None
        sender = Sender.of(message.from_user, message.chat.id)
        await send_replies(bot, message.chat.id, [await cases.case(sender, command.args or "")])

    @router.message(Command(WITHDRAW_COMMAND))
    async def on_withdraw(message: Message, command: CommandObject) -> None:
        assert message.from_user is not None
        sender = Sender.of(message.from_user, message.chat.id)
        await cases.withdraw_command(sender, command.args or "", f"m{message.message_id}")
        on_change()

    @router.callback_query(F.data.startswith(f"{CASE_PREFIX}:"))
    async def on_case_button(query: CallbackQuery) -> None:
        assert query.data is not None and query.message is not None
        sender = Sender.of(query.from_user, query.message.chat.id)
        refusal = await cases.press_case(sender, query.data, f"q{query.id}")
        on_change()
        await answer_query(query, refusal, alert=refusal is not None)

    @router.callback_query(F.data.startswith(f"{ANSWER_PREFIX}:"))
    async def on_answer_button(query: CallbackQuery, bot: Bot) -> None:
        assert query.data is not None and query.message is not None
        sender = Sender.of(query.from_user, query.message.chat.id)
        reply, refusal = await cases.press(sender, query.data)
        await answer_query(query, refusal, alert=refusal is not None)
        if reply is not None:
            on_change()
            await send_replies(bot, sender.chat_id, [reply])

    @router.message(Answering(cases))
    async def on_answer_message(message: Message, bot: Bot, question: Any) -> None:
        assert message.from_user is not None
        sender = Sender.of(message.from_user, message.chat.id)
        offered = offered_file(bot, message, quiet=False)
        text = message.text or message.caption or ""
        reply = await cases.answer(sender, question, text, offered, f"m{message.message_id}")
        on_change()
        if reply is not None:
            await send_replies(bot, sender.chat_id, [reply])

    return router
