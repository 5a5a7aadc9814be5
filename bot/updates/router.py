"""The one update router both runtimes call: which side of the bot an update is for.

The staff group's updates go to `StaffRouter`, a claimant's private chat to `ClaimantRouter`;
anything else (another group the bot was added to, a channel) is left alone.

Here too, once for every runtime and the cluster's workers: a claimant flooding the bot is told
to slow down once and then not answered (`bot.updates.throttle`), and one user's updates are
handled one at a time, in the order they came (aiogram issue #1317), many users at once."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

from bot.claimant.cases import ClaimantCases
from bot.claimant.intake import IntakeService
from bot.ops.mydata import MyData
from bot.staff.desk import CaseDesk
from bot.staff.members import GetChatMember
from bot.updates.claimant import ClaimantRouter
from bot.updates.incoming import Chat, Message, Press, Toast, User
from bot.updates.staff import StaffRouter, is_card_press
from bot.updates.throttle import ThrottleGate
from bot.updates.user_locks import UserLocks


class UpdateRouter:
    def __init__(
        self,
        staff: StaffRouter,
        claimant: ClaimantRouter,
        throttle: ThrottleGate | None = None,
        locks: UserLocks | None = None,
    ) -> None:
        self.staff = staff
        self.claimant = claimant
        self.throttle = throttle  # None: nobody is held back (tests of the routing alone)
        self.locks = locks or UserLocks()

    async def message(self, message: Message) -> None:
        user = message.user
        if user is not None and await self._throttled(user, message.chat, message.media_group_id):
            return
        async with self._one_at_a_time(user):
            # A private chat is never a staff group: a claimant's message costs no look-up of
            # the groups' ids (they may have moved: `StaffRouter.staff_chats` reads the database).
            if message.chat.private:
                await self.claimant.message(message)
            elif await self.staff.is_staff_chat(message.chat.id):
                await self.staff.message(message)

    async def press(self, press: Press) -> Toast | None:
        """The answer to the press (None: left unanswered, it is not this bot's, or the
        claimant is throttled)."""
        if await self._throttled(press.user, press.chat, None):
            return None
        async with self._one_at_a_time(press.user):
            if is_card_press(press):
                return await self.staff.press(press)
            if press.data and press.chat is not None and press.chat.private:
                return await self.claimant.press(press)
            return None

    async def _throttled(self, user: User, chat: Chat | None, album: str | None) -> bool:
        """Before the user's lock: a throttled update waits for nothing, is answered by the
        notice once (or by nothing) and returns, so it is confirmed like any other. Only
        private chats count; the items of one album count as one."""
        if self.throttle is None or chat is None or not chat.private:
            return False
        return await self.throttle.stops(user.id, chat.id, user.language_code, album)

    def _one_at_a_time(self, user: User | None) -> AbstractAsyncContextManager[object]:
        """The user's lock, taken before any other await of the update's handling, so their
        updates are handled in the order they arrived and never interleave (an update with no
        sender, a channel's post, is not held)."""
        if user is None:
            return contextlib.nullcontext()
        return self.locks[user.id]


def update_router(
    intake: IntakeService,
    desk: CaseDesk,
    get_chat_member: GetChatMember,
    on_change: Callable[[], None],
    throttle: ThrottleGate | None = None,
) -> UpdateRouter:
    """Wired alike for every runtime; `on_change` wakes the outbox sender."""
    settings = intake.settings
    cases = ClaimantCases(desk, intake)
    mydata = MyData(intake.storage, settings)
    locks = UserLocks()  # an album's answer, given later, waits for its claimant's lock too
    return UpdateRouter(
        StaffRouter(desk, settings, get_chat_member, on_change),
        ClaimantRouter(intake, cases, mydata, on_change, locks),
        throttle,
        locks,
    )
