"""What staff do with a case: each action one transaction — the case as it stands, decided and
saved, what follows queued (`bot.staff.apply`). The shells only check who is asking and find
the case; `update_id` is the Telegram update asking (delivered twice, applied once)."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.dossier.seller_notice import build_seller_notice, seller_notice_name
from bot.staff.apply import ActionRefused, CaseWork, Follow, check
from bot.staff.decision_protocol import (
    ACCEPTED_MARK,
    Decision,
    confirm_detail,
    last_confirmed,
    listing_outcomes,
    to_confirm,
)
from bot.staff.workflow import Action, Actor, Refusal
from dialogs.model import Case
from storage import Question
from storage.database import to_iso
from storage.listing_outcomes import Reported


class StaffDesk(CaseWork):
    async def take(self, case: Case, staff: Actor, *, update_id: int | None = None) -> Case:
        async with self.storage.db.transaction() as conn:
            return await self.act(conn, case, Action.TAKE, staff, update_id=update_id)

    async def take_over(self, case: Case, staff: Actor, *, update_id: int | None = None) -> Case:
        async with self.storage.db.transaction() as conn:
            return await self.act(conn, case, Action.TAKE_OVER, staff, update_id=update_id)

    async def ask(
        self, case: Case, staff: Actor, question: str, *, update_id: int | None = None
    ) -> Question:
        """A question for the claimant, with a button to answer it."""
        now = self.clock()
        async with self.storage.db.transaction() as conn:
            current = await self.get(conn, case.id)
            check(current, Action.ASK, staff)
            asked = await self.storage.questions.ask(conn, case.id, staff.id, question, now)
            detail = {"question_id": asked.id, "question": question}
            follow = Follow(key=f"asked:{asked.id}", question=asked)
            await self.act(
                conn,
                current,
                Action.ASK,
                staff,
                detail,
                update_id=update_id,
                held=True,
                follow=follow,
            )
        return asked

    async def accept(self, case: Case, staff: Actor, *, update_id: int | None = None) -> Case:
        """Ask to accept every listing (confirmed with `confirm`)."""
        return await self.propose(case, staff, Decision(), update_id=update_id)

    async def reject(
        self,
        case: Case,
        staff: Actor,
        reason: str,
        note: str = "",
        *,
        update_id: int | None = None,
    ) -> Case:
        """Ask to reject every listing for `reason` (confirmed with `confirm`)."""
        decision = Decision(reason=reason, note=note)
        return await self.propose(case, staff, decision, update_id=update_id)

    async def propose(
        self, case: Case, staff: Actor, decision: Decision, *, update_id: int | None = None
    ) -> Case:
        """A decision asked: in the audit trail, and the card's buttons become "Confirm /
        Cancel". Nothing else changes until it is confirmed."""
        if not decision.valid(len(case.draft.links)):
            raise ActionRefused("staff-unknown-reason")
        async with self.storage.db.transaction() as conn:
            return await self.act(
                conn,
                case,
                decision.asks,
                staff,
                decision.detail(),
                update_id=update_id,
                follow=Follow(decision=decision),
            )

    async def confirm(
        self, case: Case, staff: Actor, *, update_id: int | None = None
    ) -> tuple[Case, Decision]:
        """The decision `staff` asked last (if nothing was asked since), confirmed: the case is
        decided, the claimant told once the undo window is over (at once without one)."""
        async with self.storage.db.transaction() as conn:
            current = await self.get(conn, case.id)
            check(current, Action.CONFIRM_ACCEPT, staff)  # the same rules as to reject
            asked = to_confirm(await self.storage.audit.for_case(case.id, conn=conn), staff.id)
            if isinstance(asked, Refusal):
                raise ActionRefused(asked.code, asked.params)
            step, decision = asked
            detail = confirm_detail(step, decision)
            updated = await self.act(
                conn, current, decision.confirms, staff, detail, update_id=update_id, held=True
            )
        return updated, decision

    async def cancel(self, case: Case, staff: Actor, *, update_id: int | None = None) -> Case:
        """The decision asked is not confirmed: the card as it was."""
        async with self.storage.db.transaction() as conn:
            return await self.act(conn, case, Action.CANCEL, staff, update_id=update_id)

    async def undo(self, case: Case, staff: Actor, *, update_id: int | None = None) -> Case:
        """A confirmed decision reverted within the undo window: back in review, the claimant
        told nothing."""
        async with self.storage.db.transaction() as conn:
            return await self.act(conn, case, Action.UNDO, staff, update_id=update_id)

    async def forward(self, case: Case, staff: Actor, *, update_id: int | None = None) -> Case:
        """The seller notice made for the accepted listings, kept and posted to staff."""
        current = await self.storage.cases.get(case.id)
        assert current is not None
        check(current, Action.FORWARD, staff)  # checked again when saved
        decided = last_confirmed(await self.storage.audit.for_case(current.id))
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
            "listings": listing_outcomes(case.draft.links, decided),
        }
        async with self.storage.db.transaction() as conn:
            return await self.act(conn, case, Action.FORWARD, staff, detail, update_id=update_id)

    async def report_outcomes(
        self, case: Case, actor: Actor, reports: list[Reported]
    ) -> tuple[Case, list[int]]:
        """What the marketplace says became of accepted listings: kept (a report that changes
        nothing is not), in the audit trail and the case's events, the card redrawn; the
        claimant is told a moment later, once for the reports arriving together
        (`Timers.tell_outcomes_due`). Returns the case and the listings whose outcome changed."""
        async with self.storage.db.transaction() as conn:
            current = await self.get(conn, case.id)
            check(current, Action.REPORT_OUTCOME, actor)
            decided = last_confirmed(await self.storage.audit.for_case(case.id, conn=conn))
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
            updated = await self.act(conn, current, Action.REPORT_OUTCOME, actor, detail, held=True)
        return updated, [r.listing for r in changed]

    async def refresh_card(self, case: Case) -> None:
        """Draw the card as the case stands (after a cancelled choice of reasons, say)."""
        async with self.storage.db.transaction() as conn:
            await self.edit_card(conn, case, "refresh")

    def check(self, case: Case, action: Action, actor: Actor) -> None:
        """Raise ActionRefused unless the workflow allows `action` now (before a choice)."""
        check(case, action, actor)
