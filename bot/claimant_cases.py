"""A claimant's submitted cases, decided without any Telegram framework: /status, /case N,
and answering the IP team's questions (text or files, in as many messages as needed)."""

from __future__ import annotations

from bot.intake import IntakeService, Sender
from bot.staff.desk import ActionRefused, CaseDesk
from bot.uploads import OfferedFile, receive_file
from dialogs.i18n import Texts, pick_lang, texts
from dialogs.model import Case, FileSection, Lang
from dialogs.render import local_time, summary
from dialogs.replies import Button, Reply
from dialogs.validators import Invalid
from storage import Question

ANSWER_PREFIX = "q"


class ClaimantCases:
    def __init__(self, desk: CaseDesk, intake: IntakeService) -> None:
        self.desk = desk
        self.intake = intake
        self.storage = desk.storage

    async def lang_of(self, sender: Sender) -> Lang:
        """The language the claimant chose: in the intake, else in their latest case, else
        Telegram's."""
        draft = await self.storage.drafts.load(sender.user_id)
        if draft is not None:
            return draft.lang
        cases = await self.storage.cases.list_for_user(sender.user_id)
        return cases[0].lang if cases else pick_lang(sender.language_code)

    async def answering(self, user_id: int) -> Question | None:
        return await self.storage.questions.answering(user_id)

    async def status(self, sender: Sender) -> Reply:
        t = texts(await self.lang_of(sender))
        cases = await self.storage.cases.list_for_user(sender.user_id)
        if not cases:
            return Reply(t("status-none"))
        lines = [t("status-title"), *(status_line(case, t) for case in cases), t("status-hint")]
        return Reply("\n".join(lines))

    async def case(self, sender: Sender, number: str) -> Reply:
        t = texts(await self.lang_of(sender))
        number = number.strip().upper()
        if not number:
            return Reply(t("case-usage"))
        case = await self.storage.cases.get_by_number(number)
        if case is None or case.user_id != sender.user_id:
            return Reply(t("case-not-yours"))  # never reveal whether another's case exists
        return Reply(case_detail(case, t))

    async def press(self, sender: Sender, data: str) -> tuple[Reply | None, str | None]:
        """An Answer / Finish button: (a reply to send, or an alert refusing it)."""
        lang = await self.lang_of(sender)
        t = texts(lang)
        _, action, raw_id = [*data.split(":", 2), "", ""][:3]
        question_id = int(raw_id) if raw_id.isdigit() else -1
        try:
            if action == "answer":
                question = await self.desk.start_answering(sender.user_id, question_id)
                case = await self.storage.cases.get(question.case_id)
                assert case is not None
                start = t("case-answer-start", number=case.number)
                return Reply(start, finish_button(t, question_id)), None
            current = await self.answering(sender.user_id)
            if action != "finish" or current is None or current.id != question_id:
                raise ActionRefused("case-question-answered")
            case = await self.desk.finish_answering(sender.user_id, current)
            return Reply(t("case-answer-sent", number=case.number)), None
        except ActionRefused as refusal:
            return None, t.plain(refusal.args[0])

    async def answer(
        self, sender: Sender, question: Question, text: str, offered: OfferedFile | None
    ) -> Reply:
        """One message of the answer: kept with the case and posted under its card."""
        t = texts(await self.lang_of(sender))
        files = []
        if offered is not None:
            received = await receive_file(
                self.storage, offered, FileSection.EVIDENCE, limit_bytes=self.intake.file_limit
            )
            if isinstance(received, Invalid):
                return Reply("⚠️ " + t(received.code, **received.params))
            files.append(received)
        if not text and not files:
            return Reply(t("case-answer-wrong-kind"))
        case = await self.desk.add_answer(question, sender.user_id, text, files)
        return Reply(t("case-answer-added", number=case.number), finish_button(t, question.id))


def finish_button(t: Texts, question_id: int) -> tuple[tuple[Button, ...], ...]:
    label = t.plain("case-answer-finish-btn")
    return ((Button(label, f"{ANSWER_PREFIX}:finish:{question_id}"),),)


def status_line(case: Case, t: Texts) -> str:
    return t(
        "status-line",
        number=case.number,
        date=local_time(case.submitted_at, date_only=True),
        status=t.plain(f"case-status-{case.status.value}"),
    )


def case_detail(case: Case, t: Texts) -> str:
    head = t(
        "case-detail",
        number=case.number,
        status=t.plain(f"case-status-{case.status.value}"),
        date=local_time(case.submitted_at),
    )
    return head + "\n\n" + summary(case.draft, t, include_confirmations=False)
