"""A claimant's updates in their private chat: the intake, their submitted cases, `/mydata`.

While a claimant answers a staff question (or adds evidence unasked), their messages belong
to that case, not to a new complaint. Every reply is queued in the outbox by the service the
update is handed to; nothing here sends a message."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from bot.claimant.albums import AlbumCollector, AlbumResult
from bot.claimant.cases import ANSWER_PREFIX, CASE_PREFIX, WITHDRAW_COMMAND, ClaimantCases
from bot.claimant.commands import INTAKE_COMMANDS
from bot.claimant.intake import IntakeService, Sender
from bot.ops.mydata import MyData
from bot.updates.incoming import Message, Press, Toast
from bot.updates.user_locks import UserLocks
from dialogs import inputs
from dialogs.validators.contacts import shared_phone


class ClaimantRouter:
    def __init__(
        self,
        intake: IntakeService,
        cases: ClaimantCases,
        mydata: MyData,
        on_change: Callable[[], None],
        locks: UserLocks | None = None,
    ) -> None:
        self.intake = intake
        self.cases = cases
        self.mydata = mydata
        self.on_change = on_change
        self.locks = locks or UserLocks()  # the update router's: one thing at a time per user
        self.albums: AlbumCollector[Sender] = AlbumCollector(
            intake.settings.album_settle_seconds, self._album_settled
        )

    async def _album_settled(self, sender: Sender, result: AlbumResult) -> None:
        async with self.locks[sender.user_id]:
            await self.intake.album_settled(sender, result)

    async def message(self, message: Message) -> None:
        if message.user is None:
            return
        sender = Sender.of(message.user, message.chat.id, message.update_id)
        command = message.command
        if command is not None:
            await self._command(message, sender, *command)
            return
        pending = await self.cases.answering(message.user.id)
        if pending is not None:
            text = message.text or message.caption or ""
            key = f"m{message.message_id}"
            await self.cases.answer(sender, pending, text, message.file, key)
            self.on_change()
            return
        await self._intake(message, sender)

    async def _command(self, message: Message, sender: Sender, name: str, args: str) -> None:
        if name == "status":
            await self.intake.say(sender, [await self.cases.status(sender)])
        elif name == "case":
            await self.intake.say(sender, [await self.cases.case(sender, args)])
        elif name == WITHDRAW_COMMAND:
            await self.cases.withdraw_command(sender, args, f"m{message.message_id}")
            self.on_change()
        elif name == "mydata":
            await self.mydata.request(
                sender.user_id, sender.chat_id, sender.language_code, message.update_id
            )
            self.on_change()
        elif name in INTAKE_COMMANDS:
            await self.intake.handle(sender, inputs.Command(name, args))
        else:  # not a command of this bot: the step explains what it expects
            await self.intake.handle(sender, inputs.Typed(message.text or ""))

    async def _intake(self, message: Message, sender: Sender) -> None:
        """Each message becomes one engine event."""
        if message.text is not None:
            await self.intake.handle(sender, inputs.Typed(message.text))
        elif message.contact_phone is not None:  # taken as a typed phone number
            await self.intake.handle(sender, inputs.Typed(shared_phone(message.contact_phone)))
        elif message.file is not None:
            album = message.media_group_id
            offered = replace(message.file, quiet=album is not None)
            outcome = await self.intake.offer_file(sender, offered)
            if album is not None:  # answered once the whole album is in
                self.albums.add(album, sender, outcome)
        else:  # stickers, voice notes, locations…: explain what this step expects
            await self.intake.handle(sender, inputs.Unsupported(message.content_type))

    async def press(self, press: Press) -> Toast | None:
        """A button in the private chat: of a case (`cs:`), of a staff question (`q:`), or of
        the intake. The answered question keeps its buttons: a press on them later is answered
        as out of date, so removing them would cost a call per press for nothing."""
        assert press.chat is not None
        sender = Sender.of(press.user, press.chat.id, press.update_id)
        key = f"q{press.query_id}"
        if press.data.startswith(f"{CASE_PREFIX}:"):
            refusal = await self.cases.press_case(sender, press.data, key)
        elif press.data.startswith(f"{ANSWER_PREFIX}:"):
            refusal = await self.cases.press(sender, press.data, key)
        else:
            outcome = await self.intake.handle(sender, inputs.Pressed(press.data))
            return Toast(outcome.toast)
        self.on_change()
        return Toast(refusal, alert=refusal is not None)
