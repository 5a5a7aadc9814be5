"""What staff do with a case, and the claimant's side of the conversation it starts.

What may happen is declared in `bot.staff.workflow`; here each action is one transaction:
load the case as it stands, `decide`, save (assignee, status, audit row, case event) and queue
what follows (the card edit, the claimant's notice) in the outbox. The shells only check who
is asking and find the case.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import Any

from bot.dossier.seller_notice import build_seller_notice, seller_notice_name
from bot.notifications import html_message, queue
from bot.outbox_messages import Delete
from bot.settings import Settings
from bot.staff.card import card_markup, render_card
from bot.staff.reasons import rejection_notice
from bot.staff.undelivered import claimant_files_in, record_undelivered
from bot.staff.workflow import (
    RULE,
    Action,
    Actor,
    Notice,
    Outcome,
    Refusal,
    Role,
    allowed,
    decide,
)
from dialogs.i18n import texts
from dialogs.model import Case, CaseStatus, StoredFile, utcnow
from storage import OutboxItem, Question, Storage
from storage.database import Connection

REJECT_REASONS = ("out_of_scope", "documents_missing", "no_authority", "not_platform_listing")
OTHER_REASON = "other"
SELLER_NOTICE_SECTION = "seller_notice"

__all__ = ["OTHER_REASON", "REJECT_REASONS", "ActionRefused", "Actor", "CaseDesk", "Role"]


class ActionRefused(Exception):
    """The action does not apply to the case as it stands, or not for this actor: the
    workflow's refusal (a catalog key and its arguments)."""

    def __init__(self, code: str, params: dict[str, str] | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.params = params or {}


APPLYING: ContextVar[int | None] = ContextVar("applying_update", default=None)


class AlreadyApplied(Exception):
    """The Telegram update asking for the action was applied before (delivered twice)."""


@contextmanager
def applying(update_id: int | None) -> Iterator[None]:
    """Staff and case actions taken while handling this update mark it applied."""
    token = APPLYING.set(update_id)
    try:
        yield
    finally:
        APPLYING.reset(token)


async def remove_duplicate_card(
    storage: Storage, chat_id: int, case: Case, message_id: int
) -> None:
    """A second card of the case (its send was retried after delivery): removed once used."""
    async with storage.db.transaction() as conn:
        await queue(
            conn,
            storage,
            Delete(chat_id=chat_id, message_id=message_id),
            key=f"case:{case.id}:card-duplicate:{message_id}",
            case_id=case.id,
        )


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
            _, outcome, updated = await self._apply(conn, case, Action.TAKE, staff)
            await self._follow(conn, updated, outcome)
        return updated

    async def take_over(self, case: Case, staff: Actor) -> Case:
        async with self.storage.db.transaction() as conn:
            _, outcome, updated = await self._apply(conn, case, Action.TAKE_OVER, staff)
            await self._follow(conn, updated, outcome)
        return updated

    async def ask(self, case: Case, staff: Actor, question: str) -> Question:
        now = self.clock()
        async with self.storage.db.transaction() as conn:
            current = await self._get(conn, case.id)
            self._check(current, Action.ASK, staff)
            asked = await self.storage.questions.ask(conn, case.id, staff.id, question, now)
            detail = {"question_id": asked.id, "question": question}
            *_, updated = await self._apply(conn, current, Action.ASK, staff, detail)
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
        return await self._decide(case, staff, Action.ACCEPT, {})

    async def reject(self, case: Case, staff: Actor, reason: str, note: str = "") -> Case:
        if reason not in (*REJECT_REASONS, OTHER_REASON):
            raise ActionRefused("staff-unknown-reason")
        return await self._decide(case, staff, Action.REJECT, {"reason": reason, "note": note})

    async def forward(self, case: Case, staff: Actor) -> Case:
        current = await self.storage.cases.get(case.id)
        assert current is not None
        self._check(current, Action.FORWARD, staff)  # checked again when saved
        notice = await asyncio.to_thread(
            build_seller_notice, case, lang=self.settings.seller_lang, generated_at=self.clock()
        )
        sha256 = await self.storage.files.put_async(notice)
        detail = {"seller_notice": sha256, "seller_notice_name": seller_notice_name(case)}
        return await self._decide(case, staff, Action.FORWARD, detail)

    async def _decide(
        self, case: Case, staff: Actor, action: Action, detail: dict[str, str]
    ) -> Case:
        async with self.storage.db.transaction() as conn:
            _, outcome, updated = await self._apply(conn, case, action, staff, detail)
            text = None
            if action is Action.REJECT:
                t = texts(case.lang)
                reason, note = detail["reason"], detail.get("note") or ""
                text = rejection_notice(t, case.number, reason, note)
            await self._follow(conn, updated, outcome, detail, text=text)
        return updated

    async def refresh_card(self, case: Case) -> None:
        """Draw the card as the case stands (after a cancelled choice of reasons, say)."""
        async with self.storage.db.transaction() as conn:
            await self._edit_card(conn, case, "refresh")

    def check(self, case: Case, action: Action, actor: Actor) -> None:
        """Raise ActionRefused unless the workflow allows `action` now (before a choice)."""
        self._check(case, action, actor)

    # --- the claimant's answers and evidence -------------------------------------------

    async def start_answering(self, user_id: int, question_id: int) -> Question:
        question = await self.storage.questions.get(question_id)
        case = await self.storage.cases.get(question.case_id) if question else None
        if question is None or case is None or case.user_id != user_id:
            raise ActionRefused("case-not-yours")
        if question.answered_at is not None:
            raise ActionRefused("case-question-answered")
        self._check(case, Action.ANSWER, claimant(user_id))
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
            case = await self._get(conn, question.case_id)
            if not allowed(case, Action.FINISH_ANSWER, claimant(user_id)):
                return case  # decided meanwhile: the answering simply ends
            detail = {"question_id": question.id}
            _, outcome, updated = await self._apply(
                conn, case, Action.FINISH_ANSWER, claimant(user_id), detail
            )
            await self._follow(conn, updated, outcome, key=f"answered:{question.id}")
        return updated

    async def start_evidence(self, user_id: int, case: Case) -> Case:
        """The claimant's next messages are evidence for `case`, until they finish."""
        async with self.storage.db.transaction() as conn:
            current = await self._get(conn, case.id)
            self._check(current, Action.ADD_EVIDENCE, claimant(user_id))
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
            current = await self._get(conn, case.id)
            if not allowed(current, Action.FINISH_EVIDENCE, claimant(user_id)):
                return current
            _, outcome, updated = await self._apply(
                conn, current, Action.FINISH_EVIDENCE, claimant(user_id)
            )
            await self._follow(conn, updated, outcome)
        return updated

    async def withdraw(self, user_id: int, case: Case) -> Case:
        """The claimant withdraws the complaint before a decision (once: asked again after it
        was withdrawn, the answer is the case as it is)."""
        async with self.storage.db.transaction() as conn:
            current = await self._get(conn, case.id)
            if current.status is CaseStatus.WITHDRAWN and current.user_id == user_id:
                return current
            _, outcome, updated = await self._apply(
                conn, current, Action.WITHDRAW, claimant(user_id)
            )
            await self.storage.evidence.finish(conn, user_id)
            await self.storage.questions.stop_answering(conn, user_id)
            await self._follow(conn, updated, outcome)
        return updated

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
        staff_t = texts(self.settings.staff_lang)
        rule_audit = RULE[action].audit
        async with self.storage.db.transaction() as conn:
            case = await self._get(conn, case_id)
            if key and await self.storage.audit.has_key(conn, case.id, rule_audit, key):
                return case
            detail = {**detail, "text": text, "files": [f.sha256 for f in files]}
            if key:
                detail["key"] = key
            _, outcome, updated = await self._apply(conn, case, action, claimant(user_id), detail)
            await self.storage.questions.add_message(
                conn, case.id, "claimant", user_id, text, files, now
            )
            staff = self.settings.staff_chat_id
            if staff is not None and Notice.STAFF_THREAD in outcome.notices:
                post = f"case:{case.id}:{action.value}:{detail.get('question_id', '')}"
                post += f":{key or now.isoformat()}"
                reply_to = {"message_id": {"card_of": case.id}}
                in_topic = {"message_thread_id": {"topic_of": case.id}}
                if text:
                    await self.storage.outbox.enqueue(
                        conn,
                        chat_id=staff,
                        method="sendMessage",
                        payload=html_message(
                            staff,
                            staff_t(staff_key, number=case.number, text=text),
                            reply_parameters=reply_to,
                            **in_topic,
                        ),
                        dedupe_key=post + ":text",
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
                                f"{staff_key}-file",
                                number=case.number,
                                name=stored.name,
                                sha256=stored.sha256,
                            ),
                            "parse_mode": "HTML",
                            "reply_parameters": reply_to,
                            **in_topic,
                        },
                        dedupe_key=f"{post}:file:{i}",
                        case_id=case.id,
                    )
        return updated

    # --- shared -------------------------------------------------------------------------

    def _check(self, case: Case, action: Action, actor: Actor) -> Outcome:
        decision = decide(case, action, actor)
        if isinstance(decision, Refusal):
            raise ActionRefused(decision.code, decision.params)
        return decision

    async def _apply(
        self,
        conn: Connection,
        case: Case,
        action: Action,
        actor: Actor,
        detail: dict[str, Any] | None = None,
    ) -> tuple[Case, Outcome, Case]:
        """Decide against the case as it stands inside the action's transaction (two staff
        members pressing at once are decided one after the other, the second against the
        first's result), then save what the workflow says: assignee, status, audit, event.
        The Telegram update being handled (`APPLYING`) is marked applied in the same
        transaction: delivered again, it changes nothing (`AlreadyApplied`)."""
        update_id = APPLYING.get()
        if update_id is not None:
            APPLYING.set(None)  # one mark per update, whatever the action does next
            if not await self.storage.updates.claim(conn, update_id, actor.id, now=self.clock()):
                raise AlreadyApplied(update_id)
        current = await self._get(conn, case.id)
        outcome = self._check(current, action, actor)
        if outcome.assign_to_actor:
            await self.storage.cases.assign(
                conn, case.id, actor.id, actor.name, actor_id=actor.id, actor_name=actor.name
            )
        updated = await self.storage.cases.set_status(
            conn,
            case.id,
            outcome.status,
            actor_id=actor.id,
            actor_name=actor.name,
            action=outcome.audit,
            detail=detail,
            now=self.clock(),
        )
        if outcome.event is not None:
            data = {"action": action.value, "actor": actor.role.value, **(detail or {})}
            if actor.role is not Role.CLAIMANT:
                data["actor_name"] = actor.name
            await self.storage.case_events.record(
                conn, updated, outcome.event, await self._event_data(updated, data), at=self.clock()
            )
        return current, outcome, updated

    async def _event_data(self, case: Case, data: dict[str, Any]) -> dict[str, Any]:
        sha256 = data.get("seller_notice")
        if sha256:  # the notice itself travels with its event
            data = {
                **data,
                "seller_notice_pdf": base64.b64encode(await self.storage.files.read_async(sha256)),
            }
        return {k: v.decode() if isinstance(v, bytes) else v for k, v in data.items()}

    async def _follow(
        self,
        conn: Connection,
        case: Case,
        outcome: Outcome,
        detail: dict[str, Any] | None = None,
        *,
        key: str | None = None,
        text: str | None = None,
    ) -> None:
        """Queue what the workflow says follows: the claimant's notice, the seller notice for
        staff, the card redrawn."""
        name = key or outcome.audit
        if Notice.CLAIMANT in outcome.notices:
            await self._notify_claimant(conn, case, f"case-{outcome.audit}", name, text=text)
        if Notice.SELLER_NOTICE in outcome.notices and detail:
            await self._post_seller_notice(conn, case, detail)
        if Notice.CARD in outcome.notices:
            await self._edit_card(conn, case, name)

    async def _post_seller_notice(
        self, conn: Connection, case: Case, detail: dict[str, Any]
    ) -> None:
        sha256, name = detail["seller_notice"], detail["seller_notice_name"]
        await self.storage.cases.attach_file(
            conn,
            case.id,
            sha256,
            size=len(await self.storage.files.read_async(sha256)),
            mime="application/pdf",
            section=SELLER_NOTICE_SECTION,
            name=name,
            now=self.clock(),
        )
        staff = self.settings.staff_chat_id
        if staff is None:
            return
        caption = texts(self.settings.staff_lang)("staff-seller-notice", number=case.number)
        await self.storage.outbox.enqueue(
            conn,
            chat_id=staff,
            method="sendDocument",
            payload={
                "chat_id": staff,
                "document": {"store": sha256, "filename": name},
                "caption": caption,
                "parse_mode": "HTML",
                "reply_parameters": {"message_id": {"card_of": case.id}},
                "message_thread_id": {"topic_of": case.id},
            },
            dedupe_key=f"case:{case.id}:seller-notice:{sha256}",
            case_id=case.id,
        )

    async def _get(self, conn: Connection, case_id: int) -> Case:
        case = await self.storage.cases.get(case_id, conn=conn)
        assert case is not None
        return case

    async def _notify_claimant(
        self,
        conn: Connection,
        case: Case,
        key: str,
        action: str,
        *,
        text: str | None = None,
    ) -> None:
        """The claimant's notice: the catalog's `key`, or the `text` composed for it."""
        t = texts(case.lang)
        text = text or t(key, number=case.number)
        await self.storage.outbox.enqueue(
            conn,
            chat_id=case.chat_id,
            method="sendMessage",
            payload=html_message(case.chat_id, text),
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

    async def _edit_card(self, conn: Connection, case: Case, action: str) -> None:
        staff = self.settings.staff_chat_id
        if staff is None:
            return
        card = await render_card(self.storage, case, self.settings.staff_lang, conn=conn)
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


def claimant(user_id: int) -> Actor:
    return Actor(user_id, "claimant", Role.CLAIMANT)
