"""The claimant's side: private chats. Each update becomes one engine event; nothing here
decides what is asked (that is `dialogs/`)."""

from __future__ import annotations

from typing import Any, BinaryIO, cast

import aiohttp
from aiogram import Bot, F, Router
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.filters import Command as CommandFilter
from aiogram.filters import CommandObject
from aiogram.methods import AnswerCallbackQuery
from aiogram.types import CallbackQuery, Message, Update

from bot.albums import AlbumCollector, AlbumResult
from bot.commands import INTAKE_COMMANDS
from bot.intake import IntakeService, Sender
from bot.telegram.replies import answer_method
from bot.uploads import DownloadFailed, OfferedFile, Sink, StreamDownload, offered_file_in
from dialogs import events
from dialogs.validators.contacts import shared_phone


def offered_file(bot: Bot, message: Message, *, quiet: bool) -> OfferedFile | None:
    def stream_of(file_id: str) -> StreamDownload:
        async def stream(sink: Sink) -> None:
            """getFile, then the file streamed into `sink` chunk by chunk (never whole in
            memory); aiogram's and aiohttp's failures as `DownloadFailed`."""
            try:
                file = await bot.get_file(file_id)
                assert file.file_path is not None
                await bot.download_file(
                    file.file_path, destination=cast(BinaryIO, sink), seek=False
                )
            except TelegramRetryAfter as flood:
                raise DownloadFailed(flood.message, retry_after=flood.retry_after) from flood
            except (TelegramNetworkError, TelegramServerError) as failure:
                raise DownloadFailed(str(failure)) from failure
            except TelegramAPIError as refusal:
                raise DownloadFailed(str(refusal), transient=False) from refusal
            except aiohttp.ClientResponseError as failure:
                retry_after = _retry_after(failure.headers)
                transient = failure.status == 429 or failure.status >= 500
                raise DownloadFailed(
                    f"HTTP {failure.status}", transient=transient, retry_after=retry_after
                ) from failure
            except (aiohttp.ClientError, TimeoutError) as failure:
                raise DownloadFailed(repr(failure)) from failure

        return stream

    return offered_file_in(message, stream_of, quiet=quiet)


def _retry_after(headers: Any) -> float | None:
    value = headers.get("Retry-After") if headers else None
    return float(value) if value and str(value).isdigit() else None


def private_router(service: IntakeService) -> Router:
    """Each update becomes one engine event; the replies are queued by the service with the
    change (and sent by the outbox), so nothing here sends a message."""
    router = Router(name="private")
    router.message.filter(F.chat.type == "private")
    router.callback_query.filter(F.message.chat.type == "private")

    async def album_settled(sender: Sender, result: AlbumResult) -> None:
        await service.album_settled(sender, result)

    albums: AlbumCollector[Sender] = AlbumCollector(
        service.settings.album_settle_seconds, album_settled
    )

    @router.message(CommandFilter(*INTAKE_COMMANDS))
    async def on_command(message: Message, command: CommandObject, event_update: Update) -> None:
        assert message.from_user is not None
        sender = Sender.of(message.from_user, message.chat.id, event_update.update_id)
        await service.handle(sender, events.Command(command.command.lower(), command.args or ""))

    @router.message(F.text)
    async def on_text(message: Message, event_update: Update) -> None:
        assert message.from_user is not None and message.text is not None
        sender = Sender.of(message.from_user, message.chat.id, event_update.update_id)
        await service.handle(sender, events.Text(message.text))

    @router.message(F.contact)
    async def on_contact(message: Message, event_update: Update) -> None:
        """A shared contact is taken as a typed phone number (the phone step validates it)."""
        assert message.from_user is not None and message.contact is not None
        sender = Sender.of(message.from_user, message.chat.id, event_update.update_id)
        await service.handle(sender, events.Text(shared_phone(message.contact.phone_number)))

    @router.message(F.document | F.photo | F.video)
    async def on_file(message: Message, bot: Bot, event_update: Update) -> None:
        assert message.from_user is not None
        sender = Sender.of(message.from_user, message.chat.id, event_update.update_id)
        in_album = message.media_group_id is not None
        offered = offered_file(bot, message, quiet=in_album)
        assert offered is not None
        outcome = await service.offer_file(sender, offered)
        if message.media_group_id is not None:  # answered once the whole album is in
            albums.add(message.media_group_id, sender, outcome)

    @router.message()
    async def on_other(message: Message, event_update: Update) -> None:
        """Stickers, voice notes, locations…: explain what this step expects."""
        assert message.from_user is not None
        sender = Sender.of(message.from_user, message.chat.id, event_update.update_id)
        await service.handle(sender, events.Unsupported(str(message.content_type)))

    @router.callback_query(F.data)
    async def on_press(query: CallbackQuery, event_update: Update) -> AnswerCallbackQuery:
        assert query.data is not None and query.message is not None
        sender = Sender.of(query.from_user, query.message.chat.id, event_update.update_id)
        # The answered question keeps its buttons: a press on them later is answered as out
        # of date by the engine, so removing them would cost a call per press for nothing.
        outcome = await service.handle(sender, events.Press(query.data))
        return answer_method(query, outcome.toast)

    return router
