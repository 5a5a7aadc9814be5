"""A claimant's submitted cases, decided without any Telegram framework: /status, /case N,
answering the IP team's questions and adding evidence unasked (text or files, in as many
messages as needed), and withdrawing a complaint before a decision.

What is allowed comes from the workflow (`bot.staff.workflow`) through the desk. Replies are
queued in the outbox keyed by the Telegram message or press they answer, so a 429 delays them
and an update delivered twice gets one; /status and /case only compose theirs (the update
router queues them with the update's mark, the terminal prints them)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.claimant.intake import IntakeService, Sender
from bot.claimant.uploads import OfferedFile, receive_file
from bot.outbox.queue import queue_replies
from bot.staff.apply import ActionRefused
from bot.staff.apply import claimant as claimant_actor
from bot.staff.desk import CaseDesk
from bot.staff.outcomes import outcome_lines
from bot.staff.outcomes import summary as outcomes_summary
from bot.staff.workflow import Action, allowed
from dialogs.i18n import Texts, pick_lang, texts
from dialogs.model import Case, FileSection, Lang
from dialogs.render import local_time, summary
from dialogs.replies import Choice, Reply
from dialogs.validators import Invalid
from storage import Question

ANSWER_PREFIX = "q"
CASE_PREFIX = "cs"  # not a Verb of the intake's buttons (`dialogs.buttons`)
WITHDRAW_COMMAND = "withdraw"


@dataclass(frozen=True)
class AddingEvidence:
    """The claimant's messages are evidence for this case until they press Finish."""

    case_id: int


Pending = Question | AddingEvidence


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

    async def answering(self, user_id: int) -> Pending | None:
        """What the claimant's next message belongs to: an answer, or evidence added unasked."""
        question = await self.storage.questions.answering(user_id)
        if question is not None:
            return question
        case_id = await self.storage.evidence.case_of(user_id)
        return AddingEvidence(case_id) if case_id is not None else None

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
        detail = case_detail(case, t)
        if reported := await self.storage.listing_outcomes.current(case.id):
            lines = outcome_lines(t, case.draft.links, reported)
            outcomes = t(
                "case-outcomes", summary=outcomes_summary(t, reported, len(case.draft.links))
            )
            detail = "\n".join([detail, "", outcomes, *lines])
        return Reply(detail, case_buttons(case, t))

    # --- withdrawing and adding evidence (replies queued in the outbox) ----------------------

    async def withdraw_command(self, sender: Sender, number: str, key: str) -> None:
        """`/withdraw IP-…`: the complaint is withdrawn; the desk queues the notice."""
        t = texts(await self.lang_of(sender))
        number = number.strip().upper()
        case = await self.storage.cases.get_by_number(number) if number else None
        if not number:
            await self._queue(sender, Reply(t("case-withdraw-usage")), key)
            return
        if case is None or case.user_id != sender.user_id:
            await self._queue(sender, Reply(t("case-not-yours")), key)
            return
        try:
            await self.desk.withdraw(sender.user_id, case)
        except ActionRefused as refusal:
            await self._queue(sender, Reply(t(refusal.code, **refusal.params)), key)

    async def press_case(self, sender: Sender, data: str, key: str) -> str | None:
        """A `c:` button from /case N: withdraw (asked to confirm first), add evidence, finish.
        Returns an alert refusing it, or None (replies are queued)."""
        t = texts(await self.lang_of(sender))
        _, action, raw_id = [*data.split(":", 2), "", ""][:3]
        case = await self.storage.cases.get(int(raw_id)) if raw_id.isdigit() else None
        if case is None or case.user_id != sender.user_id:
            return t.plain("case-not-yours")
        try:
            match action:
                case "withdraw":
                    if not allowed(case, Action.WITHDRAW, claimant_actor(sender.user_id)):
                        return t.plain("case-refused-state")
                    confirm = Reply(
                        t("case-withdraw-confirm", number=case.number),
                        (
                            (
                                Choice(
                                    t.plain("case-withdraw-yes-btn"),
                                    f"{CASE_PREFIX}:withdraw-yes:{case.id}",
                                ),
                            ),
                        ),
                    )
                    await self._queue(sender, confirm, key)
                case "withdraw-yes":
                    await self.desk.withdraw(sender.user_id, case)
                case "add":
                    await self.desk.start_evidence(sender.user_id, case)
                    start = Reply(
                        t("case-evidence-start", number=case.number),
                        evidence_finish_button(t, case.id),
                    )
                    await self._queue(sender, start, key)
                case "done":
                    if await self.storage.evidence.case_of(sender.user_id) != case.id:
                        return t.plain("case-evidence-not-adding")
                    await self.desk.finish_evidence(sender.user_id, case)
                    await self._queue(
                        sender, Reply(t("case-evidence-sent", number=case.number)), key
                    )
                case _:
                    return t.plain("case-refused-state")
        except ActionRefused as refusal:
            return t.plain(refusal.code, **refusal.params)
        return None

    async def add_evidence(
        self,
        sender: Sender,
        adding: AddingEvidence,
        text: str,
        offered: OfferedFile | None,
        key: str,
    ) -> None:
        t = texts(await self.lang_of(sender))
        case = await self.storage.cases.get(adding.case_id)
        assert case is not None
        files = []
        if offered is not None:
            received = await receive_file(
                self.storage, offered, FileSection.EVIDENCE, limit_bytes=self.intake.file_limit
            )
            if isinstance(received, Invalid):
                await self._queue(sender, Reply("⚠️ " + t(received.code, **received.params)), key)
                return
            files.append(received)
        if not text and not files:
            await self._queue(sender, Reply(t("case-answer-wrong-kind")), key)
            return
        try:
            await self.desk.add_evidence(case, sender.user_id, text, files, key)
        except ActionRefused as refusal:
            async with self.storage.db.transaction() as conn:
                await self.storage.evidence.finish(conn, sender.user_id)
            await self._queue(sender, Reply(t(refusal.code, **refusal.params)), key)
            return
        added = Reply(
            t("case-evidence-added", number=case.number), evidence_finish_button(t, case.id)
        )
        await self._queue(sender, added, key)

    async def _queue(self, sender: Sender, reply: Reply, key: str) -> None:
        """The reply to the claimant's message or press `key`: once, however often it comes."""
        async with self.storage.db.transaction() as conn:
            await queue_replies(
                conn, self.storage, sender.chat_id, [reply], key=f"claimant:{sender.chat_id}:{key}"
            )

    async def press(self, sender: Sender, data: str, key: str) -> str | None:
        """An Answer / Finish button. Returns an alert refusing it, or None (the reply is
        queued)."""
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
                await self._queue(sender, Reply(start, finish_button(t, question_id)), key)
                return None
            current = await self.storage.questions.answering(sender.user_id)
            if action != "finish" or current is None or current.id != question_id:
                raise ActionRefused("case-question-answered")
            case = await self.desk.finish_answering(sender.user_id, current)
        except ActionRefused as refusal:
            return t.plain(refusal.code, **refusal.params)
        await self._queue(sender, Reply(t("case-answer-sent", number=case.number)), key)
        return None

    async def answer(
        self,
        sender: Sender,
        pending: Pending,
        text: str,
        offered: OfferedFile | None,
        key: str,
    ) -> None:
        """One message of the answer (or of evidence added unasked): kept with the case and
        posted under its card; the reply is queued under `key`."""
        if isinstance(pending, AddingEvidence):
            await self.add_evidence(sender, pending, text, offered, key)
            return
        await self._queue(sender, await self._answer(sender, pending, text, offered, key), key)

    async def _answer(
        self, sender: Sender, question: Question, text: str, offered: OfferedFile | None, key: str
    ) -> Reply:
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
        try:
            case = await self.desk.add_answer(question, sender.user_id, text, files, key)
        except ActionRefused as refusal:  # decided or withdrawn meanwhile: the answer ends
            async with self.storage.db.transaction() as conn:
                await self.storage.questions.stop_answering(conn, sender.user_id)
            return Reply(t(refusal.code, **refusal.params))
        return Reply(t("case-answer-added", number=case.number), finish_button(t, question.id))


def case_buttons(case: Case, t: Texts) -> tuple[tuple[Choice, ...], ...]:
    """What the claimant may do with the case now: add evidence, withdraw."""
    actor = claimant_actor(case.user_id)
    rows = []
    if allowed(case, Action.ADD_EVIDENCE, actor):
        rows.append((Choice(t.plain("case-evidence-btn"), f"{CASE_PREFIX}:add:{case.id}"),))
    if allowed(case, Action.WITHDRAW, actor):
        rows.append((Choice(t.plain("case-withdraw-btn"), f"{CASE_PREFIX}:withdraw:{case.id}"),))
    return tuple(rows)


def evidence_finish_button(t: Texts, case_id: int) -> tuple[tuple[Choice, ...], ...]:
    label = t.plain("case-evidence-finish-btn")
    return ((Choice(label, f"{CASE_PREFIX}:done:{case_id}"),),)


def finish_button(t: Texts, question_id: int) -> tuple[tuple[Choice, ...], ...]:
    label = t.plain("case-answer-finish-btn")
    return ((Choice(label, f"{ANSWER_PREFIX}:finish:{question_id}"),),)


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
