"""The one update router both runtimes call: which side of the bot an update is for.

The staff group's updates go to `StaffRouter`, a claimant's private chat to `ClaimantRouter`;
anything else (another group the bot was added to, a channel) is left alone."""

from __future__ import annotations

from collections.abc import Callable

from bot.claimant.cases import ClaimantCases
from bot.claimant.intake import IntakeService
from bot.ops.mydata import MyData
from bot.staff.desk import CaseDesk
from bot.staff.members import GetChatMember
from bot.updates.claimant import ClaimantRouter
from bot.updates.incoming import Message, Press, Toast
from bot.updates.staff import StaffRouter, is_card_press


class UpdateRouter:
    def __init__(self, staff: StaffRouter, claimant: ClaimantRouter) -> None:
        self.staff = staff
        self.claimant = claimant

    async def message(self, message: Message) -> None:
        # A private chat is never a staff group: a claimant's message costs no look-up of the
        # groups' ids (they may have moved: `StaffRouter.staff_chats` reads the database).
        if message.chat.private:
            await self.claimant.message(message)
        elif await self.staff.is_staff_chat(message.chat.id):
            await self.staff.message(message)

    async def press(self, press: Press) -> Toast | None:
        """The answer to the press (None: left unanswered, it is not this bot's)."""
        if is_card_press(press):
            return await self.staff.press(press)
        if press.data and press.chat is not None and press.chat.private:
            return await self.claimant.press(press)
        return None


def update_router(
    intake: IntakeService,
    desk: CaseDesk,
    get_chat_member: GetChatMember,
    on_change: Callable[[], None],
) -> UpdateRouter:
    """Wired alike for every runtime; `on_change` wakes the outbox sender."""
    settings = intake.settings
    cases = ClaimantCases(desk, intake)
    mydata = MyData(intake.storage, settings)
    return UpdateRouter(
        StaffRouter(desk, settings, get_chat_member, on_change),
        ClaimantRouter(intake, cases, mydata, on_change),
    )
