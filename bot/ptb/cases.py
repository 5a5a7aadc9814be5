"""The claimant's submitted cases on python-telegram-bot: /status, /case N, and answering staff
questions. Mirrors `bot.telegram.cases` (aiogram).

While a claimant is answering a question, their messages belong to the case, not to a new
complaint: that handler runs in a group before the intake's and stops the update there."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from telegram import Update
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.claimant_cases import ANSWER_PREFIX, CASE_PREFIX, WITHDRAW_COMMAND, ClaimantCases
from bot.intake import Sender
from bot.ptb.private import offered_file
from bot.ptb.replies import answer_query, send_replies

# PTB runs one handler per group, lowest group first; the intake's handlers are in group 0.
ANSWERING_GROUP = -1

Handlers = dict[int, Sequence[BaseHandler[Any, Any, Any]]]


def cases_handlers(cases: ClaimantCases, on_change: Callable[[], None]) -> Handlers:
    """By group: the answering-mode messages first, then /status, /case and the `q:` buttons
    (to be registered in group 0 before the intake's handlers)."""
    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE

    async def on_status(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.message
        assert message is not None and message.from_user is not None
        reply = await cases.status(Sender.of(message.from_user, message.chat.id))
        await send_replies(context.bot, message.chat.id, [reply])

    async def on_case(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.message
        assert message is not None and message.from_user is not None
        sender = Sender.of(message.from_user, message.chat.id)
        number = " ".join(context.args or ())
        await send_replies(context.bot, message.chat.id, [await cases.case(sender, number)])

    async def on_withdraw(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.message
        assert message is not None and message.from_user is not None
        sender = Sender.of(message.from_user, message.chat.id)
        number = " ".join(context.args or ())
        await cases.withdraw_command(sender, number, f"m{message.message_id}")
        on_change()

    async def on_case_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.data is not None and query.message is not None
        sender = Sender.of(query.from_user, query.message.chat.id)
        refusal = await cases.press_case(sender, query.data, f"q{query.id}")
        on_change()
        await answer_query(query, refusal, alert=refusal is not None)

    async def on_answer_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.data is not None and query.message is not None
        sender = Sender.of(query.from_user, query.message.chat.id)
        reply, refusal = await cases.press(sender, query.data)
        await answer_query(query, refusal, alert=refusal is not None)
        if reply is not None:
            on_change()
            await send_replies(context.bot, sender.chat_id, [reply])

    async def on_answer_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Every private message: an answer if the sender is answering a question (the update
        then goes no further), else left to the intake."""
        message = update.message
        assert message is not None
        if message.from_user is None or (message.text or "").startswith("/"):
            return
        question = await cases.answering(message.from_user.id)
        if question is None:
            return
        try:
            sender = Sender.of(message.from_user, message.chat.id)
            offered = offered_file(context.bot, message, quiet=False)
            text = message.text or message.caption or ""
            key = f"m{message.message_id}"
            reply = await cases.answer(sender, question, text, offered, key)
            on_change()
            if reply is not None:
                await send_replies(context.bot, sender.chat_id, [reply])
        except Exception as error:
            # Reported like any failure, but never handed on to the intake as a new complaint.
            await context.application.process_error(update, error)
        raise ApplicationHandlerStop

    return {
        ANSWERING_GROUP: [MessageHandler(private, on_answer_message)],
        0: [
            CommandHandler("status", on_status, filters=private),
            CommandHandler("case", on_case, filters=private),
            CommandHandler(WITHDRAW_COMMAND, on_withdraw, filters=private),
            CallbackQueryHandler(on_case_button, pattern=f"^{re.escape(CASE_PREFIX)}:"),
            CallbackQueryHandler(on_answer_button, pattern=f"^{re.escape(ANSWER_PREFIX)}:"),
        ],
    }
