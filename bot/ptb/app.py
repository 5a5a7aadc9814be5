"""The python-telegram-bot runtime, mirroring `bot.telegram` (aiogram): the staff group
(`bot.ptb.staff`), the claimant's submitted cases (`bot.ptb.cases`) and the claimant's intake.

Each intake update becomes one engine event through `IntakeService`; nothing here decides what
is asked (that is `dialogs/`). Updates are processed concurrently, one at a time per user.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import weakref
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllPrivateChats,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    Update,
    User,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest
from telegram.ext import (
    Application,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.helpers import effective_message_type

from bot.albums import AlbumCollector, AlbumResult
from bot.claimant_cases import ClaimantCases
from bot.intake import IntakeService, Sender
from bot.outbox_sender import OutboxSender
from bot.ptb.transport import PtbTransport
from bot.settings import Settings
from bot.staff.desk import CaseDesk
from bot.telegram_text import split_message
from bot.uploads import OfferedFile
from dialogs import engine, events
from dialogs.i18n import LANGS, texts
from dialogs.replies import Reply
from storage import Storage

log = logging.getLogger(__name__)

INTAKE_COMMANDS = ("start", "back", "cancel", "help", "language")
COMMANDS = (*INTAKE_COMMANDS, "status", "case")
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]
MAX_CONCURRENT_UPDATES = 256
POLLING_TIMEOUT = 10

PtbApplication = Application[Any, Any, Any, Any, Any, Any]


class SerializePerUser(BaseUpdateProcessor):
    """Many users at once, one update at a time per user (PTB's concurrent_updates + a lock).

    The lock is taken before any other await, so one user's updates are handled in the order
    they arrived and never interleave."""

    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: weakref.WeakValueDictionary[int, asyncio.Lock] = weakref.WeakValueDictionary()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        user = update.effective_user if isinstance(update, Update) else None
        if user is None:
            await coroutine
            return
        lock = self._locks.get(user.id)
        if lock is None:
            lock = self._locks[user.id] = asyncio.Lock()
        async with lock:
            await coroutine

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass


def sender_of(user: User, chat_id: int) -> Sender:
    return Sender(
        user_id=user.id,
        chat_id=chat_id,
        language_code=user.language_code,
        username=user.username,
    )


def offered_file(bot: Bot, message: Message, *, quiet: bool) -> OfferedFile | None:
    """The file in a message (document, photo, video), as the intake takes it."""
    if message.document:
        doc = message.document
        file_id, name, mime, size = doc.file_id, doc.file_name, doc.mime_type, doc.file_size
    elif message.photo:
        photo = message.photo[-1]  # the largest size Telegram made
        file_id, mime, size = photo.file_id, "image/jpeg", photo.file_size
        name = f"photo_{photo.file_unique_id}.jpg"
    elif message.video:
        video = message.video
        file_id, name, mime, size = video.file_id, video.file_name, video.mime_type, video.file_size
    else:
        return None

    async def download() -> bytes:
        file = await bot.get_file(file_id)
        return bytes(await file.download_as_bytearray())

    return OfferedFile(
        name=name or f"file_{file_id[-8:]}",
        declared_mime=mime,
        declared_size=size,
        download=download,
        telegram_file_id=file_id,
        quiet=quiet,
    )


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(text=b.label, callback_data=b.data) for b in row]
            for row in reply.buttons
        ]
    )


async def send_replies(bot: Bot, chat_id: int, replies: list[Reply]) -> None:
    """The engine's replies as HTML, long texts split, the keyboard under the last part."""
    for reply in replies:
        chunks = split_message(reply.text)
        for i, chunk in enumerate(chunks):
            last = i == len(chunks) - 1
            await bot.send_message(
                chat_id,
                chunk,
                parse_mode=ParseMode.HTML,
                reply_markup=keyboard(reply) if last else None,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )


class PrivateHandlers:
    """The claimant's side: private chats. Each update becomes one engine event."""

    def __init__(self, service: IntakeService, on_submitted: Callable[[], None]) -> None:
        self.service = service
        self.on_submitted = on_submitted
        self.albums: AlbumCollector[tuple[Bot, Sender]] = AlbumCollector(
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

    async def respond(self, bot: Bot, sender: Sender, outcome: engine.Outcome) -> None:
        if outcome.submit:
            self.on_submitted()
        await send_replies(bot, sender.chat_id, outcome.replies)

    async def _album_settled(self, origin: tuple[Bot, Sender], result: AlbumResult) -> None:
        bot, sender = origin
        await self.respond(bot, sender, await self.service.album_settled(sender, result))

    @staticmethod
    def _message_sender(update: Update) -> tuple[Message, Sender]:
        message = update.message
        assert message is not None and message.from_user is not None
        return message, sender_of(message.from_user, message.chat.id)

    async def on_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, sender = self._message_sender(update)
        assert message.text is not None
        name = message.text.split(maxsplit=1)[0][1:].split("@", 1)[0].lower()
        outcome = await self.service.handle(sender, events.Command(name))
        await self.respond(context.bot, sender, outcome)

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, sender = self._message_sender(update)
        assert message.text is not None
        outcome = await self.service.handle(sender, events.Text(message.text))
        await self.respond(context.bot, sender, outcome)

    async def on_contact(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A shared contact is taken as a typed phone number (the phone step validates it)."""
        message, sender = self._message_sender(update)
        assert message.contact is not None
        event = events.Text(message.contact.phone_number)
        await self.respond(context.bot, sender, await self.service.handle(sender, event))

    async def on_file(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, sender = self._message_sender(update)
        in_album = message.media_group_id is not None
        offered = offered_file(context.bot, message, quiet=in_album)
        assert offered is not None
        outcome = await self.service.offer_file(sender, offered)
        if message.media_group_id is None:
            await self.respond(context.bot, sender, outcome)
        else:  # answered once the whole album is in
            self.albums.add(message.media_group_id, (context.bot, sender), outcome)

    async def on_other(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Stickers, voice notes, locations…: explain what this step expects."""
        message, sender = self._message_sender(update)
        event = events.Unsupported(effective_message_type(message) or "unknown")
        await self.respond(context.bot, sender, await self.service.handle(sender, event))

    async def on_press(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        if query.data is None or query.message is None:
            return
        if query.message.chat.type != ChatType.PRIVATE:
            return
        sender = sender_of(query.from_user, query.message.chat.id)
        outcome = await self.service.handle(sender, events.Press(query.data))
        await query.answer(outcome.toast)
        if outcome.changed:
            # The buttons of an answered question go, so the chat reads as a record.
            with contextlib.suppress(BadRequest):
                await context.bot.edit_message_reply_markup(
                    chat_id=sender.chat_id, message_id=query.message.message_id
                )
        await self.respond(context.bot, sender, outcome)


async def _log_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    log.error("update %r failed", update, exc_info=context.error)


@dataclass
class PtbApp:
    settings: Settings
    storage: Storage
    application: PtbApplication
    service: IntakeService
    outbox: OutboxSender
    desk: CaseDesk

    @classmethod
    async def create(cls, settings: Settings) -> PtbApp:
        assert settings.bot_token is not None
        storage = await Storage.open(settings.data_dir)
        api = settings.telegram_api_url.rstrip("/")
        application = (
            Application.builder()
            .token(settings.bot_token.get_secret_value())
            .base_url(f"{api}/bot")
            .base_file_url(f"{api}/file/bot")
            .concurrent_updates(SerializePerUser())
            .build()
        )
        service = IntakeService(storage, settings)
        outbox = OutboxSender(
            storage,
            PtbTransport(application.bot, storage.files),
            poll_seconds=settings.outbox_poll_seconds,
        )
        # Imported here: both use this module's drawing helpers (`send_replies`, `sender_of`).
        from bot.ptb.cases import cases_handlers
        from bot.ptb.staff import staff_handlers

        desk = CaseDesk(storage, settings)
        # In group 0 the first matching handler wins: staff, then submitted cases, then intake.
        application.add_handlers(staff_handlers(desk, settings, outbox.kick))
        application.add_handlers(cases_handlers(ClaimantCases(desk, service), outbox.kick))
        PrivateHandlers(service, outbox.kick).register(application)
        application.add_error_handler(_log_error)
        return cls(settings, storage, application, service, outbox, desk)

    @property
    def bot(self) -> Bot:
        return self.application.bot

    async def set_commands(self) -> None:
        for lang in LANGS:
            t = texts(lang)
            commands = [BotCommand(c, t.plain(f"cmd-{c}")) for c in COMMANDS]
            await self.bot.set_my_commands(
                commands,
                scope=BotCommandScopeAllPrivateChats(),
                language_code=None if lang == "en" else lang,
            )

    async def run(self) -> None:
        """Poll until cancelled, with the outbox sender beside it; then shut down cleanly."""
        application = self.application
        sender = asyncio.create_task(self.outbox.run(), name="outbox")
        try:
            await application.initialize()
            await self.set_commands()
            await application.start()
            assert application.updater is not None
            if self.settings.webhook_url:
                await self._start_webhook()
            else:
                await application.updater.start_polling(
                    allowed_updates=ALLOWED_UPDATES, timeout=POLLING_TIMEOUT
                )
            await asyncio.Event().wait()
        finally:
            sender.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sender
            await self.close()

    async def _start_webhook(self) -> None:
        """PTB's webhook server (needs `python-telegram-bot[webhooks]`, i.e. tornado)."""
        settings = self.settings
        assert settings.webhook_url is not None and self.application.updater is not None
        secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
        await self.application.updater.start_webhook(
            listen=settings.webhook_host,
            port=settings.webhook_port,
            url_path=settings.webhook_path.lstrip("/"),
            webhook_url=settings.webhook_url.rstrip("/") + settings.webhook_path,
            secret_token=secret,
            allowed_updates=ALLOWED_UPDATES,
        )
        log.info("webhook served on %s:%s", settings.webhook_host, settings.webhook_port)

    async def close(self) -> None:
        """Stop the updater and the application (pending updates finish), close storage."""
        application = self.application
        try:
            if application.updater is not None and application.updater.running:
                await application.updater.stop()
            if application.running:
                await application.stop()
            await application.shutdown()
        finally:
            await self.storage.close()
