"""The services both runtimes wire alike around their own Bot API transport: the case desk,
the outbox sender, the intake, the update router (with the throttle and the per-user lock) and
the case webhook. A runtime adds only its framework: how updates come in, how calls go out;
`bot.serve` runs the whole."""

from __future__ import annotations

from dataclasses import dataclass

from bot.api.webhook_delivery import CaseWebhook, case_webhook
from bot.claimant.intake import IntakeService
from bot.config.settings import Settings
from bot.ops.erasure import deletion_given_up
from bot.outbox.sender import OutboxSender, Rates, Transport
from bot.staff.desk import CaseDesk
from bot.staff.members import GetChatMember
from bot.staff.submission import compose_staff_dossier
from bot.updates.flood_control import Throttle
from bot.updates.router import UpdateRouter, update_router
from bot.updates.throttle import ThrottleGate
from storage import OutboxItem, Storage


@dataclass
class Services:
    desk: CaseDesk
    outbox: OutboxSender
    intake: IntakeService
    router: UpdateRouter
    webhook: CaseWebhook | None  # case events to CASE_WEBHOOK_URL, when set

    @classmethod
    def wire(
        cls,
        storage: Storage,
        settings: Settings,
        transport: Transport,
        get_chat_member: GetChatMember,
    ) -> Services:
        desk = CaseDesk(storage, settings)

        async def undelivered(item: OutboxItem) -> None:
            await desk.files_undelivered(item)
            await deletion_given_up(storage, settings, item)  # an erasure's, too late

        outbox = OutboxSender(
            storage,
            transport,
            rates=Rates.of(settings),
            poll_seconds=settings.outbox_poll_seconds,
            on_undelivered=undelivered,
            on_refused=desk.send_refused,
            compose_dossier=compose_staff_dossier,
        )
        # Every reply is queued with the change it follows from, and wakes the sender.
        intake = IntakeService(storage, settings, outbox=True, on_queued=outbox.kick)
        throttle = Throttle(settings.throttle_updates, settings.throttle_seconds)
        gate = ThrottleGate(throttle, storage, transport)
        return cls(
            desk,
            outbox,
            intake,
            update_router(intake, desk, get_chat_member, outbox.kick, gate),
            case_webhook(settings, storage.case_events),
        )
