"""The claimant's submitted cases: /status, /case N, and answering the IP team's questions.

Included before the intake router: while a claimant is answering a question, their messages
belong to the case, not to a new complaint."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject, Filter
from aiogram.types import CallbackQuery, Message

from bot.intake import IntakeService
from bot.staff.desk import ActionRefused, CaseDesk
from bot.telegram.private import offered_file, sender_of
from bot.telegram.replies import send_replies
from bot.uploads import receive_file
from dialogs.i18n import pick_lang, texts
from dialogs.model import Case, FileSection, Lang
from dialogs.replies import Button, Reply
from dialogs.validators import Invalid

ANSWER_PREFIX = "q"


class Answering(Filter):
    """Passes when the sender is answering a staff question; hands the question to the handler."""

    def __init__(self, desk: CaseDesk) -> None:
        self.desk = desk

    async def __call__(self, message: Message) -> bool | dict[str, Any]:
        if message.from_user is None or (message.text or "").startswith("/"):
            return False
        question = await self.desk.storage.questions.answering(message.from_user.id)
        return {"question": question} if question else False


def cases_router(desk: CaseDesk, intake: IntakeService, on_change: Callable[[], None]) -> Router:
    router = Router(name="claimant-cases")
    router.message.filter(F.chat.type == "private")
    storage = desk.storage

    async def lang_of(user_id: int, language_code: str | None) -> Lang:
        draft = await storage.drafts.load(user_id)
        return draft.lang if draft else pick_lang(language_code)

    def finish_button(lang: Lang, question_id: int) -> tuple[tuple[Button, ...], ...]:
        label = texts(lang).plain("case-answer-finish-btn")
        return ((Button(label, f"{ANSWER_PREFIX}:finish:{question_id}"),),)

    @router.message(Command("status"))
    async def on_status(message: Message, bot: Bot) -> None:
        assert message.from_user is not None
        t = texts(await lang_of(message.from_user.id, message.from_user.language_code))
        cases = await storage.cases.list_for_user(message.from_user.id)
        if not cases:
            await send_replies(bot, message.chat.id, [Reply(t("status-none"))])
            return
        lines = [t("status-title")] + [status_line(case, t) for case in cases]
        lines.append(t("status-hint"))
        await send_replies(bot, message.chat.id, [Reply("\n".join(lines))])

    @router.message(Command("case"))
    async def on_case(message: Message, command: CommandObject, bot: Bot) -> None:
        assert message.from_user is not None
        t = texts(await lang_of(message.from_user.id, message.from_user.language_code))
        number = (command.args or "").strip().upper()
        case = await storage.cases.get_by_number(number) if number else None
        if not number:
            reply = Reply(t("case-usage"))
        elif case is None or case.user_id != message.from_user.id:
            reply = Reply(t("case-not-yours"))  # never reveal whether another's case exists
        else:
            reply = Reply(case_detail(case, t))
        await send_replies(bot, message.chat.id, [reply])

    @router.callback_query(F.data.startswith(f"{ANSWER_PREFIX}:"))
    async def on_answer_button(query: CallbackQuery, bot: Bot) -> None:
        assert query.data is not None and query.message is not None
        user = query.from_user
        lang = await lang_of(user.id, user.language_code)
        t = texts(lang)
        _, action, raw_id = [*query.data.split(":", 2), "", ""][:3]
        question_id = int(raw_id) if raw_id.isdigit() else -1
        try:
            if action == "answer":
                question = await desk.start_answering(user.id, question_id)
                case = await storage.cases.get(question.case_id)
                assert case is not None
                reply = Reply(
                    t("case-answer-start", number=case.number), finish_button(lang, question_id)
                )
            else:
                current = await storage.questions.answering(user.id)
                if current is None or current.id != question_id:
                    raise ActionRefused("case-question-answered")
                case = await desk.finish_answering(user.id, current)
                on_change()
                reply = Reply(t("case-answer-sent", number=case.number))
        except ActionRefused as refusal:
            await query.answer(t.plain(refusal.args[0]), show_alert=True)
            return
        await query.answer()
        await send_replies(bot, query.message.chat.id, [reply])

    @router.message(Answering(desk))
    async def on_answer_message(message: Message, bot: Bot, question: Any) -> None:
        assert message.from_user is not None
        sender = sender_of(message.from_user, message.chat.id)
        lang = await lang_of(sender.user_id, sender.language_code)
        t = texts(lang)
        offered = offered_file(bot, message, quiet=False)
        files = []
        if offered is not None:
            received = await receive_file(
                storage, offered, FileSection.EVIDENCE, limit_bytes=intake.file_limit
            )
            if isinstance(received, Invalid):
                error = t(received.code, **received.params)
                await send_replies(bot, sender.chat_id, [Reply("⚠️ " + error)])
                return
            files.append(received)
        text = message.text or message.caption or ""
        if not text and not files:
            await send_replies(bot, sender.chat_id, [Reply(t("case-answer-wrong-kind"))])
            return
        case = await desk.add_answer(question, sender.user_id, text, files)
        on_change()
        reply = Reply(t("case-answer-added", number=case.number), finish_button(lang, question.id))
        await send_replies(bot, sender.chat_id, [reply])

    return router


def status_line(case: Case, t: Any) -> str:
    return t(
        "status-line",
        number=case.number,
        date=case.submitted_at.strftime("%Y-%m-%d"),
        status=t.plain(f"case-status-{case.status.value}"),
    )


def case_detail(case: Case, t: Any) -> str:
    from dialogs.render import summary

    head = t(
        "case-detail",
        number=case.number,
        status=t.plain(f"case-status-{case.status.value}"),
        date=case.submitted_at.strftime("%Y-%m-%d %H:%M UTC"),
    )
    return head + "\n\n" + summary(case.draft, t, include_confirmations=False)
