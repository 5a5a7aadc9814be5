"""The claimant's side on PTB: private chats. Each update becomes one engine event; nothing
here decides what is asked (that is `dialogs/`)."""

from __future__ import annotations

import asyncio
import datetime as dtm
from typing import Any

import httpx
from telegram import Bot, Message, Update
from telegram.constants import ChatType
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.helpers import effective_message_type

from bot.albums import AlbumCollector, AlbumResult
from bot.commands import INTAKE_COMMANDS
from bot.intake import IntakeService, Sender
from bot.ptb.replies import answer_query
from bot.uploads import DownloadFailed, OfferedFile, Sink, StreamDownload, offered_file_in
from dialogs import events
from dialogs.validators.contacts import shared_phone

PtbApplication = Application[Any, Any, Any, Any, Any, Any]


DOWNLOAD_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
CHUNK_BYTES = 64 * 1024


def offered_file(bot: Bot, message: Message, *, quiet: bool) -> OfferedFile | None:
    def stream_of(file_id: str) -> StreamDownload:
        async def stream(sink: Sink) -> None:
            """getFile, then the file streamed into `sink` chunk by chunk. PTB's own
            `File.download_*` hold the whole body in memory (its request layer returns bytes),
            so the body is streamed with httpx, which PTB is built on."""
            try:
                file = await bot.get_file(file_id)
            except RetryAfter as flood:
                raise DownloadFailed(str(flood), retry_after=_seconds(flood.retry_after)) from flood
            except BadRequest as refusal:  # before NetworkError: a subclass of it
                raise DownloadFailed(str(refusal), transient=False) from refusal
            except NetworkError as failure:  # timeouts, 5xx, dropped connections
                raise DownloadFailed(str(failure)) from failure
            except TelegramError as refusal:
                raise DownloadFailed(str(refusal), transient=False) from refusal
            assert file.file_path is not None
            if not file.file_path.startswith(("http://", "https://")):
                # A local Bot API server (TELEGRAM_API_LOCAL): the file is on its disk.
                await asyncio.to_thread(_copy_local, file.file_path, sink)
                return
            await _stream_body(file.file_path, sink)

        return stream

    return offered_file_in(message, stream_of, quiet=quiet)


async def _stream_body(url: str, sink: Sink) -> None:
    try:
        async with (
            httpx.AsyncClient(timeout=DOWNLOAD_TIMEOUT) as client,
            client.stream("GET", url) as response,
        ):
            if response.status_code != httpx.codes.OK:
                status = response.status_code
                raise DownloadFailed(
                    f"HTTP {status}",
                    transient=status == 429 or status >= 500,
                    retry_after=_header_seconds(response.headers.get("Retry-After")),
                )
            async for chunk in response.aiter_bytes(CHUNK_BYTES):
                sink.write(chunk)
    except httpx.HTTPError as failure:  # timeouts, refused or dropped connections, cut bodies
        raise DownloadFailed(repr(failure)) from failure


def _copy_local(path: str, sink: Sink) -> None:
    try:
        with open(path, "rb") as source:
            for chunk in iter(lambda: source.read(CHUNK_BYTES), b""):
                sink.write(chunk)
    except OSError as failure:
        raise DownloadFailed(f"local file {failure.strerror}", transient=False) from failure


def _seconds(value: float | dtm.timedelta) -> float:
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


def _header_seconds(value: str | None) -> float | None:
    return float(value) if value and value.isdigit() else None


class PrivateHandlers:
    """The claimant's side: private chats. Each update becomes one engine event; the replies
    are queued by the service with the change (and sent by the outbox)."""

    def __init__(self, service: IntakeService) -> None:
        self.service = service
        self.albums: AlbumCollector[Sender] = AlbumCollector(
            service.settings.album_settle_seconds, self._album_settled
        )

    def register(self, application: PtbApplication) -> None:
        private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
        application.add_handlers(
            [
                CommandHandler(INTAKE_COMMANDS, self.on_command, filters=private),
                MessageHandler(private & filters.TEXT, self.on_text),
                MessageHandler(private & filters.CONTACT, self.on_contact),
                MessageHandler(
                    private & (filters.Document.ALL | filters.PHOTO | filters.VIDEO), self.on_file
                ),
                MessageHandler(private, self.on_other),
                CallbackQueryHandler(self.on_press),
            ]
        )

    async def _album_settled(self, sender: Sender, result: AlbumResult) -> None:
        await self.service.album_settled(sender, result)

    @staticmethod
    def _message_sender(update: Update) -> tuple[Message, Sender]:
        message = update.message
        assert message is not None and message.from_user is not None
        return message, Sender.of(message.from_user, message.chat.id, update.update_id)

    async def on_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, sender = self._message_sender(update)
        assert message.text is not None
        head, _, args = message.text.partition(" ")
        name = head[1:].split("@", 1)[0].lower()
        await self.service.handle(sender, events.Command(name, args.strip()))

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, sender = self._message_sender(update)
        assert message.text is not None
        await self.service.handle(sender, events.Text(message.text))

    async def on_contact(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A shared contact is taken as a typed phone number (the phone step validates it)."""
        message, sender = self._message_sender(update)
        assert message.contact is not None
        await self.service.handle(sender, events.Text(shared_phone(message.contact.phone_number)))

    async def on_file(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, sender = self._message_sender(update)
        in_album = message.media_group_id is not None
        offered = offered_file(context.bot, message, quiet=in_album)
        assert offered is not None
        outcome = await self.service.offer_file(sender, offered)
        if message.media_group_id is not None:  # answered once the whole album is in
            self.albums.add(message.media_group_id, sender, outcome)

    async def on_other(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Stickers, voice notes, locations…: explain what this step expects."""
        message, sender = self._message_sender(update)
        event = events.Unsupported(effective_message_type(message) or "unknown")
        await self.service.handle(sender, event)

    async def on_press(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        if query.data is None or query.message is None:
            return
        if query.message.chat.type != ChatType.PRIVATE:
            return
        sender = Sender.of(query.from_user, query.message.chat.id, update.update_id)
        # The answered question keeps its buttons: a press on them later is answered as out
        # of date by the engine, so removing them would cost a call per press for nothing.
        outcome = await self.service.handle(sender, events.Press(query.data))
        await answer_query(query, outcome.toast)
