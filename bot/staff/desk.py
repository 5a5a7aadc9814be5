"""What staff do with a case, and the claimant's side of the conversation it starts.

What may happen is declared in `bot.staff.workflow`; here each action is one transaction:
load the case as it stands, `decide`, save (assignee, status, audit row, case event) and queue
what follows (the card edit, the claimant's notice) in the outbox. The shells only check who
is asking and find the case.
"""

from __future__ import annotations

import asyncio
import base64
import logging
from collections.abc import Callable, Iterator
from contextlib import AbstractAsyncContextManager, contextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta
from typing import Any

from bot.config.settings import Settings
from bot.dossier.seller_notice import build_seller_notice, seller_notice_name
from bot.outbox.messages import (
    Button,
    CardButtons,
    CardEdit,
    Delete,
    Document,
    OutboxMessage,
    Text,
    keyboard_from_markup,
)
from bot.outbox.queue import queue
from bot.outbox.send_errors import ErrorClass, SendFailed
from bot.outbox.text_limits import split_message
from bot.staff.card import render_card
from bot.staff.decisions import confirm_markup
from bot.staff.outcomes import outcome_notice
from bot.staff.reasons import decision_notice
from bot.staff.routing import staff_chat_of
from bot.staff.undelivered import (
    claimant_files_in,
    record_undelivered,
    too_large_replacements,
)
from bot.staff.workflow import (
    ACCEPTED_MARK,
    OTHER_REASON,
    PENDING,
    REJECT_REASONS,
    RULE,
    Action,
    Actor,
    Decision,
    Notice,
    Outcome,
    Refusal,
    Role,
    allowed,
    decide,
)
from bot.telemetry.background import in_background
from dialogs.i18n import texts
from dialogs.model import Case, CaseStatus, StoredFile, utcnow
from storage import OutboxItem, Question, Storage
from storage.audit import AuditEntry
from storage.database import Connection, to_iso
from storage.listing_outcomes import Reported

SELLER_NOTICE_SECTION = "seller_notice"
log = logging.getLogger(__name__)
SYSTEM = Actor(0, "system", Role.SYSTEM)
# The audit entries of a decision in the making, the last of which says where it stands.
ASKED = {RULE[a].audit: a for a in (Action.ACCEPT, Action.REJECT, Action.PER_LISTING)}
CONFIRMED = (RULE[Action.CONFIRM_ACCEPT].audit, RULE[Action.CONFIRM_REJECT].audit)
DECISION_STEPS = (*ASKED, *CONFIRMED, RULE[Action.CANCEL].audit, RULE[Action.UNDO].audit)
# Listing outcomes reported within this long of each other reach the claimant as one notice.
OUTCOMES_SETTLE_SECONDS = 2.0

__all__ = [
    "OTHER_REASON",
    "REJECT_REASONS",
    "ActionRefused",
    "Actor",
    "CaseDesk",
    "Decision",
    "Role",
]


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
            button = Button(text=t.plain("case-answer-btn"), callback_data=f"q:answer:{asked.id}")
            await self._queue(
                conn,
                Text(
                    chat_id=case.chat_id,
                    text=t("case-question", number=case.number, question=question),
                    keyboard=[[button]],
                ),
                f"case:{case.id}:question:{asked.id}",
                case.id,
            )
            await self._edit_card(conn, updated, f"asked:{asked.id}")
        return asked

    async def accept(self, case: Case, staff: Actor) -> Case:
        """Ask to accept every listing (confirmed with `confirm`)."""
        return await self.propose(case, staff, Decision())

    async def reject(self, case: Case, staff: Actor, reason: str, note: str = "") -> Case:
        """Ask to reject every listing for `reason` (confirmed with `confirm`)."""
        return await self.propose(case, staff, Decision(reason=reason, note=note))

    async def propose(self, case: Case, staff: Actor, decision: Decision) -> Case:
        """A decision asked: in the audit trail, and the card's buttons become "Confirm /
        Cancel". Nothing else changes until it is confirmed."""
        if not decision.valid(len(case.draft.links)):
            raise ActionRefused("staff-unknown-reason")
        async with self.storage.db.transaction() as conn:
            _, outcome, updated = await self._apply(
                conn, case, decision.asks, staff, decision.detail()
            )
            staff_chat = await staff_chat_of(self.storage, case.id, self.settings, conn)
            if staff_chat is not None and Notice.CONFIRMATION in outcome.notices:
                markup = confirm_markup(texts(self.settings.staff_lang), decision)
                await self._queue(
                    conn,
                    CardButtons(
                        chat_id=staff_chat, case_id=case.id, keyboard=keyboard_from_markup(markup)
                    ),
                    f"case:{case.id}:confirm:{self.clock().isoformat()}",
                    case.id,
                )
        return updated

    async def confirm(self, case: Case, staff: Actor) -> tuple[Case, Decision]:
        """The decision `staff` asked last (if nothing was asked since), confirmed: the case is
        decided, the claimant told once the undo window is over (at once without one)."""
        async with self.storage.db.transaction() as conn:
            current = await self._get(conn, case.id)
            self._check(current, Action.CONFIRM_ACCEPT, staff)  # the same rules as to reject
            step = await self._decision_step(conn, case.id)
            if step is None or step.action not in ASKED or step.actor_id != staff.id:
                raise ActionRefused("staff-nothing-to-confirm")
            decision = Decision.of(step.detail)
            detail = {**decision.detail(), "asked": step.id}
            _, outcome, updated = await self._apply(conn, current, decision.confirms, staff, detail)
            await self._follow(conn, updated, outcome)
            if self.settings.decision_undo_seconds <= 0:
                updated = await self._notify_decision(conn, updated)
        return updated, decision

    async def cancel(self, case: Case, staff: Actor) -> Case:
        """The decision asked is not confirmed: the card as it was."""
        async with self.storage.db.transaction() as conn:
            _, outcome, updated = await self._apply(conn, case, Action.CANCEL, staff)
            await self._follow(conn, updated, outcome)
        return updated

    async def undo(self, case: Case, staff: Actor) -> Case:
        """A confirmed decision reverted within the undo window: back in review, the claimant
        told nothing."""
        async with self.storage.db.transaction() as conn:
            _, outcome, updated = await self._apply(conn, case, Action.UNDO, staff)
            await self._follow(conn, updated, outcome)
        return updated

    async def forward(self, case: Case, staff: Actor) -> Case:
        current = await self.storage.cases.get(case.id)
        assert current is not None
        self._check(current, Action.FORWARD, staff)  # checked again when saved
        decided = await self._last_decision(current)
        links = [
            link
            for link, outcome in zip(
                case.draft.links, decided.outcomes(len(case.draft.links)), strict=True
            )
            if outcome == ACCEPTED_MARK
        ]
        notice = await asyncio.to_thread(
            build_seller_notice,
            case,
            lang=self.settings.seller_lang,
            generated_at=self.clock(),
            listings=links,
            tz=self.settings.tz,
        )
        sha256 = await self.storage.files.put_async(notice)
        detail: dict[str, Any] = {
            "seller_notice": sha256,
            "seller_notice_name": seller_notice_name(case),
            "listings": self._listing_outcomes(case, decided),
        }
        async with self.storage.db.transaction() as conn:
            _, outcome, updated = await self._apply(conn, case, Action.FORWARD, staff, detail)
            await self._follow(conn, updated, outcome, detail)
        return updated

    async def report_outcomes(
        self, case: Case, actor: Actor, reports: list[Reported]
    ) -> tuple[Case, list[int]]:
        """What the marketplace says became of accepted listings: kept (a report that changes
        nothing is not), in the audit trail and the case's events, the card redrawn; the
        claimant is told a moment later, once for the reports arriving together
        (`tell_outcomes_due`). Returns the case and the listings whose outcome changed."""
        async with self.storage.db.transaction() as conn:
            current = await self._get(conn, case.id)
            self._check(current, Action.REPORT_OUTCOME, actor)
            trail = await self.storage.audit.for_case(case.id, conn=conn)
            confirmed = [e for e in trail if e.action in CONFIRMED]
            decided = Decision.of(confirmed[-1].detail) if confirmed else Decision()
            links = current.draft.links
            outcomes = decided.outcomes(len(links))
            if any(not 1 <= r.listing <= len(links) for r in reports):
                raise ActionRefused("outcome-no-such-listing")
            if any(outcomes[r.listing - 1] != ACCEPTED_MARK for r in reports):
                raise ActionRefused("outcome-not-accepted")
            changed = [
                r
                for r in reports
                if await self.storage.listing_outcomes.report(conn, case.id, r, now=self.clock())
            ]
            if not changed:
                return current, []
            detail = {
                "listings": [
                    {
                        "listing": r.listing,
                        "link": links[r.listing - 1],
                        "outcome": r.outcome.value,
                        "at": to_iso(r.at),
                    }
                    for r in changed
                ]
            }
            _, outcome, updated = await self._apply(
                conn, current, Action.REPORT_OUTCOME, actor, detail
            )
            await self._follow(conn, updated, outcome)
        return updated, [r.listing for r in changed]

    # --- when a time has come -----------------------------------------------------------

    async def tell_outcomes_due(self) -> int:
        """Listing outcomes not yet told, whose reports have settled: one notice a case, with
        every listing as it now stands. Returns how many notices."""
        settled = self.clock() - timedelta(seconds=OUTCOMES_SETTLE_SECONDS)
        done = 0
        for case_id in await self.storage.listing_outcomes.untold(settled):
            async with self.storage.db.transaction() as conn:
                case = await self._get(conn, case_id)  # held: told once, whichever worker
                if not await self.storage.listing_outcomes.mark_told(conn, case_id, self.clock()):
                    continue
                reported = await self.storage.listing_outcomes.current(case_id, conn=conn)
                t = texts(case.lang)
                text = outcome_notice(t, case.number, case.draft.links, reported)
                await self._notify_claimant(conn, case, "", "outcomes", text=text)
                done += 1
        return done

    async def notify_due(self) -> int:
        """Decisions whose undo window is over: the claimant told (once), the case decided for
        good. Returns how many."""
        window = timedelta(seconds=self.settings.decision_undo_seconds)
        done = 0
        for case in await self.storage.cases.with_status(PENDING):
            async with self.storage.db.transaction() as conn:
                current = await self._get(conn, case.id)
                step = await self._decision_step(conn, case.id)
                if current.status not in PENDING or step is None or step.action not in CONFIRMED:
                    continue
                if step.at + window > self.clock():
                    continue
                await self._notify_decision(conn, current)
                done += 1
        return done

    async def remind_due(self) -> int:
        """A reminder under the card of each case nobody took within STAFF_REMINDER_MINUTES
        (once a case: the audit trail remembers it)."""
        minutes = self.settings.staff_reminder_minutes
        if minutes <= 0 or not self.settings.staff_chats:
            return 0
        audit = RULE[Action.REMIND].audit
        since = self.clock() - timedelta(minutes=minutes)
        t = texts(self.settings.staff_lang)
        done = 0
        for case in await self.storage.cases.not_taken(since, without=audit):
            async with self.storage.db.transaction() as conn:
                current = await self._get(conn, case.id)
                if not allowed(current, Action.REMIND, SYSTEM):
                    continue
                if await self.storage.audit.has_action(conn, case.id, audit):
                    continue
                await self._apply(conn, current, Action.REMIND, SYSTEM, {"minutes": minutes})
                staff = await staff_chat_of(self.storage, case.id, self.settings, conn)
                assert staff is not None  # some staff group is configured
                text = t("staff-reminder", number=case.number, minutes=int(minutes))
                message = Text(chat_id=staff, text=text, reply_to_card_of=case.id, topic_of=case.id)
                await self._queue(conn, message, f"case:{case.id}:reminder", case.id)
                done += 1
        return done

    async def due_work(self) -> int:
        """One round of what waits for a time: decisions and listing outcomes to tell,
        reminders to post."""
        return await self.notify_due() + await self.remind_due() + await self.tell_outcomes_due()

    def timers_running(self, on_change: Callable[[], None]) -> AbstractAsyncContextManager[None]:
        """Look for due work in the background while the block runs (`on_change`: something
        was queued)."""
        return in_background(self._run_timers(on_change), "case-timers")

    async def _run_timers(self, on_change: Callable[[], None]) -> None:
        # A tenth of the shortest wait, between 0.1 s and 5 s (without waits: every 5 s).
        waits = (self.settings.decision_undo_seconds, self.settings.staff_reminder_minutes * 60)
        poll = max(0.1, min([5.0, *(w / 10 for w in waits if w > 0)]))
        while True:
            try:
                if await self.due_work():
                    on_change()
            except Exception:  # the loop outlives a DB hiccup
                log.exception("case timers round failed")
            await asyncio.sleep(poll)

    async def _notify_decision(self, conn: Connection, case: Case) -> Case:
        """The confirmed decision stands: the claimant told, the event sent, the card drawn."""
        step = await self._decision_step(conn, case.id)
        assert step is not None
        decision = Decision.of(step.detail)
        detail: dict[str, Any] = {
            **decision.detail(),
            "decision": "accept" if decision.accepts else "reject",
            "actor_name": step.actor_name,
            "confirmed": step.id,
            "listings": self._listing_outcomes(case, decision),
        }
        _, outcome, updated = await self._apply(conn, case, Action.NOTIFY, SYSTEM, detail)
        text = decision_notice(texts(case.lang), case.number, case.draft.links, decision)
        await self._follow(conn, updated, outcome, key=f"decision:{step.id}", text=text)
        return updated

    @staticmethod
    def _listing_outcomes(case: Case, decision: Decision) -> list[dict[str, Any]]:
        """Each listing with its outcome, as case events and the seller notice carry them."""
        return [
            {"link": link, "outcome": "accepted"}
            if outcome == ACCEPTED_MARK
            else {"link": link, "outcome": "rejected", "reason": outcome}
            for link, outcome in zip(
                case.draft.links, decision.outcomes(len(case.draft.links)), strict=True
            )
        ]

    async def _decision_step(self, conn: Connection, case_id: int) -> AuditEntry | None:
        """The last step of a decision in the audit trail (asked, confirmed, cancelled, undone)."""
        trail = await self.storage.audit.for_case(case_id, conn=conn)
        steps = [e for e in trail if e.action in DECISION_STEPS]
        return steps[-1] if steps else None

    async def _last_decision(self, case: Case) -> Decision:
        """The decision confirmed last (every listing accepted if none is recorded)."""
        trail = await self.storage.audit.for_case(case.id)
        confirmed = [e for e in trail if e.action in CONFIRMED]
        return Decision.of(confirmed[-1].detail) if confirmed else Decision()

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
            staff = await staff_chat_of(self.storage, case.id, self.settings, conn)
            if staff is not None and Notice.STAFF_THREAD in outcome.notices:
                post = f"case:{case.id}:{action.value}:{detail.get('question_id', '')}"
                post += f":{key or now.isoformat()}"
                if text:
                    message: OutboxMessage = Text(
                        chat_id=staff,
                        text=staff_t(staff_key, number=case.number, text=text),
                        reply_to_card_of=case.id,
                        topic_of=case.id,
                    )
                    await self._queue(conn, message, post + ":text", case.id)
                for i, stored in enumerate(files):
                    caption = staff_t(
                        f"{staff_key}-file",
                        number=case.number,
                        name=stored.name,
                        sha256=stored.sha256,
                    )
                    message = Document(
                        chat_id=staff,
                        sha256=stored.sha256,
                        filename=stored.name,
                        caption=caption,
                        reply_to_card_of=case.id,
                        topic_of=case.id,
                    )
                    await self._queue(conn, message, f"{post}:file:{i}", case.id)
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
            actor_id=None if actor.role is Role.SYSTEM else actor.id,
            actor_name=actor.name,
            action=outcome.audit,
            detail=detail,
            now=self.clock(),
        )
        if outcome.event is not None:
            data = {"action": action.value, "actor": actor.role.value, **(detail or {})}
            if actor.role is Role.STAFF:
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
        staff = await staff_chat_of(self.storage, case.id, self.settings, conn)
        if staff is None:
            return
        caption = texts(self.settings.staff_lang)("staff-seller-notice", number=case.number)
        message = Document(
            chat_id=staff,
            sha256=sha256,
            filename=name,
            caption=caption,
            reply_to_card_of=case.id,
            topic_of=case.id,
        )
        await self._queue(conn, message, f"case:{case.id}:seller-notice:{sha256}", case.id)

    async def _queue(
        self, conn: Connection, message: OutboxMessage, key: str, case_id: int
    ) -> None:
        await queue(conn, self.storage, message, key=key, case_id=case_id, now=self.clock())

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
        key = f"case:{case.id}:notice:{action}:{self.clock().isoformat()}"
        for i, part in enumerate(split_message(text)):  # a notice per listing may be long
            message = Text(chat_id=case.chat_id, text=part)
            await self._queue(conn, message, key if i == 0 else f"{key}:{i}", case.id)

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

    async def send_refused(self, item: OutboxItem, failure: SendFailed) -> None:
        """Telegram refused an item for good (`bot.outbox.send_errors`): a claimant who blocked the
        bot is shown on the cards of their cases; what was too large is named to staff."""
        if failure.error_class is ErrorClass.BLOCKED:
            for theirs in await self.storage.cases.list_for_user(item.chat_id):
                if await self.storage.cases.staff_message(theirs.id) is not None:
                    async with self.storage.db.transaction() as conn:
                        await self._edit_card(conn, theirs, f"unreachable:{item.id}")
            return
        case = None if item.case_id is None else await self.storage.cases.get(item.case_id)
        if failure.error_class is not ErrorClass.TOO_LARGE or case is None or item.chat_id > 0:
            return
        instead = too_large_replacements(item, case, texts(self.settings.staff_lang))
        async with self.storage.db.transaction() as conn:
            for i, message in enumerate(instead):
                await self._queue(conn, message, f"case:{case.id}:too-large:{item.id}:{i}", case.id)

    async def _edit_card(self, conn: Connection, case: Case, action: str) -> None:
        staff = await staff_chat_of(self.storage, case.id, self.settings, conn)
        if staff is None:
            return
        card = await render_card(
            self.storage, case, self.settings.staff_lang, conn=conn, tz=self.settings.tz
        )
        message = CardEdit(
            chat_id=staff,
            case_id=case.id,
            text=card.text,
            keyboard=keyboard_from_markup(card.markup),
        )
        key = f"case:{case.id}:card-edit:{action}:{self.clock().isoformat()}"
        await self._queue(conn, message, key, case.id)


def claimant(user_id: int) -> Actor:
    return Actor(user_id, "claimant", Role.CLAIMANT)
