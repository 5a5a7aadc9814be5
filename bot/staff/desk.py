"""What staff do with a case, and the claimant's side of the conversation it starts.

Every action is one transaction: the state change, its audit row, the card edit and the
claimant's notice in the outbox. The shells only check who is asking and find the case.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from bot.notifications import html_message
from bot.settings import Settings
from bot.staff.card import card_markup, render_card
from bot.staff.undelivered import claimant_files_in, record_undelivered
from dialogs.i18n import texts
from dialogs.model import Case, CaseStatus, StoredFile, utcnow
from storage import OutboxItem, Question, Storage

REJECT_REASONS = ("out_of_scope", "documents_missing", "no_authority", "not_platform_listing")
OTHER_REASON = "other"


@dataclass(frozen=True)
class Actor:
    """The staff member acting, as recorded in the audit trail."""

    id: int
    name: str


class ActionRefused(Exception):
    """The action does not apply to the case as it stands (e.g. deciding a decided case)."""


class CaseDesk:
    def __init__(
        self, storage: Storage, settings: Settings, *, clock: Callable[[], datetime] = utcnow
    ) -> None:
        self.storage = storage
        self.settings = settings
        self.clock = clock

    # --- staff actions ------------------------------------------------------------------

    async def take(self, case: Case, staff: Actor) -> Case:
        async with self.storage.db.transaction() as conn:
            case = await self._current(conn, case, CaseDesk.require_open)
            await self.storage.cases.assign(
                conn, case.id, staff.id, staff.name, actor_id=staff.id, actor_name=staff.name
            )
            if case.status is CaseStatus.SUBMITTED:
                await self.storage.cases.set_status(
                    conn,
                    case.id,
                    CaseStatus.IN_REVIEW,
                    actor_id=staff.id,
                    actor_name=staff.name,
                    action="taken",
                )
            updated = await self._get(conn, case.id)
            await self._notify_claimant(conn, updated, "case-taken", "taken")
            await self._edit_card(conn, updated, "taken")
        return updated

    async def ask(self, case: Case, staff: Actor, question: str) -> Question:
        now = self.clock()
        async with self.storage.db.transaction() as conn:
            case = await self._current(conn, case, CaseDesk.require_open)
            asked = await self.storage.questions.ask(conn, case.id, staff.id, question, now)
            if case.assignee_id is None:
                await self.storage.cases.assign(
                    conn, case.id, staff.id, staff.name, actor_id=staff.id, actor_name=staff.name
                )
            await self.storage.cases.set_status(
                conn,
                case.id,
                CaseStatus.INFO_REQUESTED,
                actor_id=staff.id,
                actor_name=staff.name,
                action="asked",
                detail={"question_id": asked.id, "question": question},
            )
            updated = await self._get(conn, case.id)
            t = texts(case.lang)
            markup = {
                "inline_keyboard": [
                    [
                        {
                            "text": t.plain("case-answer-btn"),
                            "callback_data": f"q:answer:{asked.id}",
                        }
                    ]
                ]
            }
            await self.storage.outbox.enqueue(
                conn,
                chat_id=case.chat_id,
                method="sendMessage",
                payload=html_message(
                    case.chat_id,
                    t("case-question", number=case.number, question=question),
                    reply_markup=markup,
                ),
                dedupe_key=f"case:{case.id}:question:{asked.id}",
                case_id=case.id,
            )
            await self._edit_card(conn, updated, f"asked:{asked.id}")
        return asked

    async def accept(self, case: Case, staff: Actor) -> Case:
        return await self._decide(case, staff, CaseStatus.ACCEPTED, "accepted", {})

    async def reject(self, case: Case, staff: Actor, reason: str, note: str = "") -> Case:
        if reason not in (*REJECT_REASONS, OTHER_REASON):
            raise ActionRefused("staff-unknown-reason")
        detail = {"reason": reason, "note": note}
        return await self._decide(case, staff, CaseStatus.REJECTED, "rejected", detail)

    async def forward(self, case: Case, staff: Actor) -> Case:
        return await self._decide(case, staff, CaseStatus.FORWARDED, "forwarded", {})

    async def _decide(
        self, case: Case, staff: Actor, status: CaseStatus, action: str, detail: dict[str, str]
    ) -> Case:
        allowed = (
            CaseDesk.require_accepted if status is CaseStatus.FORWARDED else (CaseDesk.require_open)
        )
        async with self.storage.db.transaction() as conn:
            case = await self._current(conn, case, allowed)
            await self.storage.cases.set_status(
                conn,
                case.id,
                status,
                actor_id=staff.id,
                actor_name=staff.name,
                action=action,
                detail=detail,
            )
            updated = await self._get(conn, case.id)
            t = texts(case.lang)
            args: dict[str, Any] = {}
            if status is CaseStatus.REJECTED:
                args["reason"] = t.plain(f"reject-reason-{detail['reason']}")
                args["note"] = detail.get("note") or ""
            await self._notify_claimant(conn, updated, f"case-{action}", action, **args)
            await self._edit_card(conn, updated, action)
        return updated

    async def refresh_card(self, case: Case) -> None:
        """Draw the card as the case stands (after a cancelled choice of reasons, say)."""
        async with self.storage.db.transaction() as conn:
            await self._edit_card(conn, case, "refresh")

    # --- the claimant's answers ---------------------------------------------------------

    async def start_answering(self, user_id: int, question_id: int) -> Question:
        question = await self.storage.questions.get(question_id)
        case = await self.storage.cases.get(question.case_id) if question else None
        if question is None or case is None or case.user_id != user_id:
            raise ActionRefused("case-not-yours")
        if question.answered_at is not None:
            raise ActionRefused("case-question-answered")
        async with self.storage.db.transaction() as conn:
            await self.storage.questions.start_answering(conn, user_id, question_id, self.clock())
        return question

    async def add_answer(
        self, question: Question, user_id: int, text: str, files: list[StoredFile]
    ) -> Case:
        """One message of the claimant's answer: kept with the case, posted under the card."""
        now = self.clock()
        case = await self.storage.cases.get(question.case_id)
        assert case is not None and case.user_id == user_id
        staff_t = texts(self.settings.staff_lang)
        async with self.storage.db.transaction() as conn:
            await self.storage.questions.add_message(
                conn, case.id, "claimant", user_id, text, files, now
            )
            await self.storage.audit.record(
                conn,
                case.id,
                actor_id=user_id,
                actor_name="claimant",
                action="answered",
                detail={
                    "question_id": question.id,
                    "text": text,
                    "files": [f.sha256 for f in files],
                },
                at=now,
            )
            staff = self.settings.staff_chat_id
            if staff is not None:
                key = f"case:{case.id}:answer:{question.id}:{now.isoformat()}"
                reply_to = {"message_id": {"card_of": case.id}}
                in_topic = {"message_thread_id": {"topic_of": case.id}}
                if text:
                    await self.storage.outbox.enqueue(
                        conn,
                        chat_id=staff,
                        method="sendMessage",
                        payload=html_message(
                            staff,
                            staff_t("staff-answer", number=case.number, text=text),
                            reply_parameters=reply_to,
                            **in_topic,
                        ),
                        dedupe_key=key + ":text",
                        case_id=case.id,
                    )
                for i, stored in enumerate(files):
                    await self.storage.outbox.enqueue(
                        conn,
                        chat_id=staff,
                        method="sendDocument",
                        payload={
                            "chat_id": staff,
                            "document": {"store": stored.sha256, "filename": stored.name},
                            "caption": staff_t(
                                "staff-answer-file",
                                number=case.number,
                                name=stored.name,
                                sha256=stored.sha256,
                            ),
                            "parse_mode": "HTML",
                            "reply_parameters": reply_to,
                            **in_topic,
                        },
                        dedupe_key=f"{key}:file:{i}",
                        case_id=case.id,
                    )
        return case

    async def finish_answering(self, user_id: int, question: Question) -> Case:
        case = await self.storage.cases.get(question.case_id)
        assert case is not None
        async with self.storage.db.transaction() as conn:
            await self.storage.questions.finish(conn, user_id, question.id, self.clock())
            if case.status is CaseStatus.INFO_REQUESTED:
                await self.storage.cases.set_status(
                    conn,
                    case.id,
                    CaseStatus.IN_REVIEW,
                    actor_id=user_id,
                    actor_name="claimant",
                    action="answer-finished",
                    detail={"question_id": question.id},
                )
            updated = await self._get(conn, case.id)
            await self._edit_card(conn, updated, f"answered:{question.id}")
        return updated

    # --- shared -------------------------------------------------------------------------

    async def _current(
        self, conn: aiosqlite.Connection, case: Case, allowed: Callable[[Case], None]
    ) -> Case:
        """The case as it stands inside the action's transaction: two staff members pressing
        at once are decided one after the other, the second against the first's result."""
        current = await self._get(conn, case.id)
        allowed(current)
        return current

    @staticmethod
    def require_accepted(case: Case) -> None:
        if case.status is not CaseStatus.ACCEPTED:
            raise ActionRefused("staff-refused-state")

    @staticmethod
    def require_open(case: Case) -> None:
        if case.status not in (
            CaseStatus.SUBMITTED,
            CaseStatus.IN_REVIEW,
            CaseStatus.INFO_REQUESTED,
        ):
            raise ActionRefused("staff-refused-state")

    async def _get(self, conn: aiosqlite.Connection, case_id: int) -> Case:
        case = await self.storage.cases.get(case_id, conn=conn)
        assert case is not None
        return case

    async def _notify_claimant(
        self, conn: aiosqlite.Connection, case: Case, key: str, action: str, **args: Any
    ) -> None:
        t = texts(case.lang)
        await self.storage.outbox.enqueue(
            conn,
            chat_id=case.chat_id,
            method="sendMessage",
            payload=html_message(case.chat_id, t(key, number=case.number, **args)),
            dedupe_key=f"case:{case.id}:notice:{action}:{self.clock().isoformat()}",
            case_id=case.id,
        )

    async def files_undelivered(self, item: OutboxItem) -> None:
        """The outbox gave up on a message carrying claimant's files to the staff group: say so
        on the card (they are in the ZIP)."""
        case = None if item.case_id is None else await self.storage.cases.get(item.case_id)
        if case is None or not (files := claimant_files_in(item, case)):
            return
        async with self.storage.db.transaction() as conn:
            await record_undelivered(conn, self.storage, case, files)
        # Drawn once that is committed: the card is rendered from committed reads.
        async with self.storage.db.transaction() as conn:
            await self._edit_card(conn, case, f"undelivered:{item.id}")

    async def _edit_card(self, conn: aiosqlite.Connection, case: Case, action: str) -> None:
        staff = self.settings.staff_chat_id
        if staff is None:
            return
        card = await render_card(self.storage, case, self.settings.staff_lang)
        await self.storage.outbox.enqueue(
            conn,
            chat_id=staff,
            method="editMessageText",
            payload={
                "chat_id": staff,
                "message_id": {"card_of": case.id},
                "text": card.text,
                "parse_mode": "HTML",
                "reply_markup": card_markup(case, self.settings.staff_lang),
            },
            dedupe_key=f"case:{case.id}:card-edit:{action}:{self.clock().isoformat()}",
            case_id=case.id,
        )
