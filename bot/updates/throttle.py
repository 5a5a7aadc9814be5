"""A claimant flooding the bot (`bot.updates.flood_control`), decided once by the update router
for both runtimes and a cluster's workers: told to slow down once, then not answered until the
rate falls.

The notice is sent at once through the runtime's transport, not queued: it follows from no
change and need not survive a crash, and queueing it would cost the flood a commit each."""

from __future__ import annotations

import logging

from bot.outbox.messages import bot_call
from bot.outbox.queue import reply_messages
from bot.outbox.send_errors import SendFailed
from bot.outbox.transport import Transport
from bot.telemetry.logs import pseudonym
from bot.updates.flood_control import Throttle, Verdict, slow_down_notice
from storage import Storage

log = logging.getLogger(__name__)


class ThrottleGate:
    def __init__(self, throttle: Throttle, storage: Storage, transport: Transport) -> None:
        self.throttle = throttle
        self.storage = storage
        self.transport = transport

    async def stops(
        self, user_id: int, chat_id: int, language_code: str | None, album: str | None
    ) -> bool:
        """True when this private-chat update goes no further (answered by the notice once,
        then by nothing); the items of one album count as one."""
        verdict = self.throttle.check(user_id, album)
        if verdict is Verdict.PASS:
            return False
        if verdict is Verdict.NOTICE:
            notice = await slow_down_notice(self.storage, user_id, language_code)
            for message in reply_messages(chat_id, [notice]):
                call = bot_call(message)
                try:
                    await self.transport.call(call.method, call.params)
                except SendFailed as failure:
                    log.info("slow-down notice to %s not sent: %s", pseudonym(chat_id), failure)
        return True
