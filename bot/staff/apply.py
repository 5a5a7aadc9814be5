"""Carrying out the workflow: one action on a case, saved and followed by its notices.

`CaseWork.act` loads the case as it stands inside the caller's transaction, asks the workflow
(`decide`), saves what it says (assignee, status, audit entry, case event) and then carries out
every notice the action's rule declares — this is the one place a `Notice` is interpreted.
What a notice needs besides the outcome (the decision to confirm, the claimant's words to
post, a composed text) comes in a `Follow`. The desks above (staff, claimant, timers) only
find the case, call `act`, and answer whoever asked.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.config.settings import Settings
from bot.outbox.messages import (
    Button,
    CardButtons,
    CardEdit,
    Delete,
    Document,
    OutboxMessage,
    Text,
)
from bot.outbox.queue import queue
from bot.outbox.text_limits import split_message
from bot.staff.card import draw_card
from bot.staff.decision_protocol import Decision, decision_step, notify_detail
from bot.staff.decisions import confirm_keyboard
from bot.staff.reasons import decision_notice
from bot.staff.routing import staff_chat_of
from bot.staff.workflow import Action, Actor, Notice, Refusal, Role, Transition, decide
from dialogs.i18n import texts
from dialogs.model import Case, StoredFile, utcnow
from storage import Question, Storage
from storage.database import Connection

SELLER_NOTICE_SECTION = "seller_notice"
SYSTEM = Actor(0, "system", Role.SYSTEM)


class ActionRefused(Exception):
    """The action does not apply to the case as it stands, or not for this actor: the
    workflow's refusal (a catalog key and its arguments)."""

    def __init__(self, code: str, params: dict[str, str] | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.params = params or {}


class AlreadyApplied(Exception):
    """The Telegram update asking for the action was applied before (delivered twice)."""


def claimant(user_id: int) -> Actor:
    return Actor(user_id, "claimant", Role.CLAIMANT)


def check(case: Case, action: Action, actor: Actor) -> Transition:
    """The workflow's outcome of `action` now; ActionRefused when it does not allow it."""
    decision = decide(case, action, actor)
    if isinstance(decision, Refusal):
        raise ActionRefused(decision.code, decision.params)
    return decision


async def claim_update(
    conn: Connection, storage: Storage, update_id: int | None, actor: Actor, now: datetime
) -> None:
    """Mark the Telegram update asking for an action applied, in the action's transaction
    (None: not asked by an update); raise AlreadyApplied when it was before."""
    if update_id is not None and not await storage.updates.claim(
        conn, update_id, actor.id, now=now
    ):
        raise AlreadyApplied(update_id)


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


@dataclass(frozen=True)
class Thread:
    """The claimant's message to post under the card (`Notice.STAFF_THREAD`)."""

    text: str
    files: list[StoredFile]
    staff_key: str  # the catalog key staff see it under ("staff-answer", "staff-evidence")
    post: str  # the outbox key the posts are named by


@dataclass(frozen=True)
class Follow:
    """What the notices of an action need besides its outcome, where the action has it."""

    key: str | None = None  # names the notices in outbox keys (default: the audit entry)
    text: str | None = None  # the claimant's notice, composed (default: `case-<audit>`)
    question: Question | None = None  # asked: the claimant's notice is the question
    decision: Decision | None = None  # asked: the card's buttons confirm or cancel it
    thread: Thread | None = None


class CaseWork:
    """The storage, settings and clock every desk acts with, and the one interpreter of
    notices."""

    def __init__(
        self, storage: Storage, settings: Settings, *, clock: Callable[[], datetime] = utcnow
    ) -> None:
        self.storage = storage
        self.settings = settings
        self.clock = clock

    async def act(
        self,
        conn: Connection,
        case: Case,
        action: Action,
        actor: Actor,
        detail: dict[str, Any] | None = None,
        *,
        update_id: int | None = None,
        held: bool = False,
        follow: Follow = Follow(),
    ) -> Case:
        """`record` the action, then `carry_out` its notices; the case as it then stands."""
        outcome, updated = await self.record(
            conn, case, action, actor, detail, update_id=update_id, held=held
        )
        return await self.carry_out(conn, updated, outcome, detail, follow)

    async def record(
        self,
        conn: Connection,
        case: Case,
        action: Action,
        actor: Actor,
        detail: dict[str, Any] | None = None,
        *,
        update_id: int | None = None,
        held: bool = False,
    ) -> tuple[Transition, Case]:
        """Decide against the case as it stands inside the action's transaction (two staff
        members pressing at once are decided one after the other, the second against the
        first's result), then save what the workflow says: assignee, status, audit, event.
        The Telegram update asking for it (`update_id`) is marked applied in the same
        transaction: delivered again, it changes nothing (`AlreadyApplied`). `held`: `case`
        was read in this transaction already (`get`: its row is held until commit), so it is
        the case as it stands and is not read again."""
        await claim_update(conn, self.storage, update_id, actor, self.clock())
        current = case if held else await self.get(conn, case.id)
        outcome = check(current, action, actor)
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
        return outcome, updated

    async def carry_out(
        self,
        conn: Connection,
        case: Case,
        outcome: Transition,
        detail: dict[str, Any] | None = None,
        follow: Follow = Follow(),
    ) -> Case:
        """Queue what the workflow says follows, in this order whatever the rule's: the
        claimant's notice, the claimant's words under the card, the seller notice, the
        confirmation buttons, a reminder, the card redrawn; then, without an undo window, the
        decision told at once. Returns the case as it then stands."""
        notices = outcome.notices
        name = follow.key or outcome.audit
        if Notice.CLAIMANT in notices:
            if follow.question is not None:
                await self._ask_claimant(conn, case, follow.question)
            else:
                await self.notify_claimant(conn, case, f"case-{outcome.audit}", name, follow.text)
        if Notice.STAFF_THREAD in notices and follow.thread is not None:
            await self._post_thread(conn, case, follow.thread)
        if Notice.SELLER_NOTICE in notices and detail:
            await self._post_seller_notice(conn, case, detail)
        if Notice.CONFIRMATION in notices and follow.decision is not None:
            await self._confirmation(conn, case, follow.decision)
        if Notice.REMINDER in notices and detail:
            await self._remind(conn, case, int(detail["minutes"]))
        if Notice.CARD in notices:
            await self.edit_card(conn, case, name)
        if Notice.UNDO_WINDOW in notices and self.settings.decision_undo_seconds <= 0:
            case = await self.notify_decision(conn, case)
        return case

    async def notify_decision(self, conn: Connection, case: Case) -> Case:
        """The confirmed decision stands: the claimant told, the event sent, the card drawn.
        `case` as read (or saved) in this transaction."""
        step = decision_step(await self.storage.audit.for_case(case.id, conn=conn))
        assert step is not None
        decision, detail = notify_detail(case.draft.links, step)
        text = decision_notice(texts(case.lang), case.number, case.draft.links, decision)
        follow = Follow(key=f"decision:{step.id}", text=text)
        return await self.act(conn, case, Action.NOTIFY, SYSTEM, detail, held=True, follow=follow)

    async def notify_claimant(
        self, conn: Connection, case: Case, key: str, action: str, text: str | None = None
    ) -> None:
        """The claimant's notice: the catalog's `key`, or the `text` composed for it."""
        t = texts(case.lang)
        text = text or t(key, number=case.number)
        key = f"case:{case.id}:notice:{action}:{self.clock().isoformat()}"
        for i, part in enumerate(split_message(text)):  # a notice per listing may be long
            message = Text(chat_id=case.chat_id, text=part)
            await self.queue(conn, message, key if i == 0 else f"{key}:{i}", case.id)

    async def edit_card(self, conn: Connection, case: Case, action: str) -> None:
        staff = await staff_chat_of(self.storage, case.id, self.settings, conn)
        if staff is None:
            return
        card = await draw_card(
            self.storage, case, self.settings.staff_lang, conn=conn, tz=self.settings.tz
        )
        message = CardEdit(chat_id=staff, case_id=case.id, text=card.text, keyboard=card.keyboard)
        key = f"case:{case.id}:card-edit:{action}:{self.clock().isoformat()}"
        await self.queue(conn, message, key, case.id)

    async def queue(self, conn: Connection, message: OutboxMessage, key: str, case_id: int) -> None:
        await queue(conn, self.storage, message, key=key, case_id=case_id, now=self.clock())

    async def get(self, conn: Connection, case_id: int) -> Case:
        case = await self.storage.cases.get(case_id, conn=conn)
        assert case is not None
        return case

    # --- the notices ----------------------------------------------------------------------

    async def _ask_claimant(self, conn: Connection, case: Case, question: Question) -> None:
        t = texts(case.lang)
        button = Button(text=t.plain("case-answer-btn"), callback_data=f"q:answer:{question.id}")
        message = Text(
            chat_id=case.chat_id,
            text=t("case-question", number=case.number, question=question.question),
            keyboard=[[button]],
        )
        await self.queue(conn, message, f"case:{case.id}:question:{question.id}", case.id)

    async def _post_thread(self, conn: Connection, case: Case, thread: Thread) -> None:
        staff = await staff_chat_of(self.storage, case.id, self.settings, conn)
        if staff is None:
            return
        staff_t = texts(self.settings.staff_lang)
        if thread.text:
            message: OutboxMessage = Text(
                chat_id=staff,
                text=staff_t(thread.staff_key, number=case.number, text=thread.text),
                reply_to_card_of=case.id,
                topic_of=case.id,
            )
            await self.queue(conn, message, thread.post + ":text", case.id)
        for i, stored in enumerate(thread.files):
            caption = staff_t(
                f"{thread.staff_key}-file",
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
            await self.queue(conn, message, f"{thread.post}:file:{i}", case.id)

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
        await self.queue(conn, message, f"case:{case.id}:seller-notice:{sha256}", case.id)

    async def _confirmation(self, conn: Connection, case: Case, decision: Decision) -> None:
        """The card's buttons become "Confirm … / Cancel" for the decision asked."""
        staff = await staff_chat_of(self.storage, case.id, self.settings, conn)
        if staff is None:
            return
        keyboard = confirm_keyboard(texts(self.settings.staff_lang), decision)
        await self.queue(
            conn,
            CardButtons(chat_id=staff, case_id=case.id, keyboard=keyboard),
            f"case:{case.id}:confirm:{self.clock().isoformat()}",
            case.id,
        )

    async def _remind(self, conn: Connection, case: Case, minutes: int) -> None:
        staff = await staff_chat_of(self.storage, case.id, self.settings, conn)
        assert staff is not None  # some staff group is configured
        t = texts(self.settings.staff_lang)
        text = t("staff-reminder", number=case.number, minutes=minutes)
        message = Text(chat_id=staff, text=text, reply_to_card_of=case.id, topic_of=case.id)
        await self.queue(conn, message, f"case:{case.id}:reminder", case.id)

    async def _event_data(self, case: Case, data: dict[str, Any]) -> dict[str, Any]:
        sha256 = data.get("seller_notice")
        if sha256:  # the notice itself travels with its event
            data = {
                **data,
                "seller_notice_pdf": base64.b64encode(await self.storage.files.read_async(sha256)),
            }
        return {k: v.decode() if isinstance(v, bytes) else v for k, v in data.items()}
