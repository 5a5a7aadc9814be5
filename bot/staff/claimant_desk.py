"""What the claimant does on a submitted case: answer the IP team's questions and add evidence
unasked (kept with the case, posted under its card), withdraw it before a decision. Each
action one transaction, carried out by `bot.staff.apply`."""

from __future__ import annotations

from typing import Any

from bot.staff.apply import ActionRefused, CaseWork, Follow, Thread, check, claimant
from bot.staff.workflow import RULE, Action, allowed
from dialogs.model import Case, CaseStatus, StoredFile
from storage import Question


class ClaimantDesk(CaseWork):
    async def start_answering(self, user_id: int, question_id: int) -> Question:
        question = await self.storage.questions.get(question_id)
        case = await self.storage.cases.get(question.case_id) if question else None
        if question is None or case is None or case.user_id != user_id:
            raise ActionRefused("case-not-yours")
        if question.answered_at is not None:
            raise ActionRefused("case-question-answered")
        check(case, Action.ANSWER, claimant(user_id))
        async with self.storage.db.transaction() as conn:
            await self.storage.evidence.finish(conn, user_id)
            await self.storage.questions.start_answering(conn, user_id, question_id, self.clock())
        return question

    async def add_answer(
        self,
        question: Question,
        user_id: int,
        text: str,
        files: list[StoredFile],
        key: str | None = None,
    ) -> Case:
        """One message of the claimant's answer: kept with the case, posted under the card."""
        detail = {"question_id": question.id}
        return await self._contribute(
            question.case_id, user_id, Action.ANSWER, text, files, detail, "staff-answer", key
        )

    async def finish_answering(self, user_id: int, question: Question) -> Case:
        now = self.clock()
        async with self.storage.db.transaction() as conn:
            await self.storage.questions.finish(conn, user_id, question.id, now)
            case = await self.get(conn, question.case_id)
            if not allowed(case, Action.FINISH_ANSWER, claimant(user_id)):
                return case  # decided meanwhile: the answering simply ends
            detail = {"question_id": question.id}
            follow = Follow(key=f"answered:{question.id}")
            return await self.act(
                conn,
                case,
                Action.FINISH_ANSWER,
                claimant(user_id),
                detail,
                held=True,
                follow=follow,
            )

    async def start_evidence(self, user_id: int, case: Case) -> Case:
        """The claimant's next messages are evidence for `case`, until they finish."""
        async with self.storage.db.transaction() as conn:
            current = await self.get(conn, case.id)
            check(current, Action.ADD_EVIDENCE, claimant(user_id))
            await self.storage.evidence.start(conn, user_id, case.id, self.clock())
        return current

    async def add_evidence(
        self, case: Case, user_id: int, text: str, files: list[StoredFile], key: str | None = None
    ) -> Case:
        """One message of evidence added unasked: kept with the case, posted under the card."""
        return await self._contribute(
            case.id, user_id, Action.ADD_EVIDENCE, text, files, {}, "staff-evidence", key
        )

    async def finish_evidence(self, user_id: int, case: Case) -> Case:
        async with self.storage.db.transaction() as conn:
            await self.storage.evidence.finish(conn, user_id)
            current = await self.get(conn, case.id)
            if not allowed(current, Action.FINISH_EVIDENCE, claimant(user_id)):
                return current
            return await self.act(
                conn, current, Action.FINISH_EVIDENCE, claimant(user_id), held=True
            )

    async def withdraw(self, user_id: int, case: Case) -> Case:
        """The claimant withdraws the complaint before a decision (once: asked again after it
        was withdrawn, the answer is the case as it is)."""
        async with self.storage.db.transaction() as conn:
            current = await self.get(conn, case.id)
            if current.status is CaseStatus.WITHDRAWN and current.user_id == user_id:
                return current
            outcome, updated = await self.record(
                conn, current, Action.WITHDRAW, claimant(user_id), held=True
            )
            await self.storage.evidence.finish(conn, user_id)
            await self.storage.questions.stop_answering(conn, user_id)
            return await self.carry_out(conn, updated, outcome)

    async def _contribute(
        self,
        case_id: int,
        user_id: int,
        action: Action,
        text: str,
        files: list[StoredFile],
        detail: dict[str, Any],
        staff_key: str,
        key: str | None,
    ) -> Case:
        """One message from the claimant about the case. With `key` (the Telegram message),
        a message delivered again is not added again."""
        now = self.clock()
        async with self.storage.db.transaction() as conn:
            case = await self.get(conn, case_id)
            if key and await self.storage.audit.has_key(conn, case.id, RULE[action].audit, key):
                return case
            detail = {**detail, "text": text, "files": [f.sha256 for f in files]}
            if key:
                detail["key"] = key
            outcome, updated = await self.record(
                conn, case, action, claimant(user_id), detail, held=True
            )
            await self.storage.questions.add_message(
                conn, case.id, "claimant", user_id, text, files, now
            )
            post = f"case:{case.id}:{action.value}:{detail.get('question_id', '')}"
            post += f":{key or now.isoformat()}"
            thread = Thread(text=text, files=files, staff_key=staff_key, post=post)
            await self.carry_out(conn, updated, outcome, detail, Follow(thread=thread))
        return updated
