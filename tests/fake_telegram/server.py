"""An in-process fake of the Telegram Bot API served over real HTTP on 127.0.0.1.

The bot under test talks to it with its normal client (aiogram or python-telegram-bot) pointed at
`fake.base_url`, so serialisation, HTML escaping, keyboard limits and retries are exercised the
way they would be against api.telegram.org. Tests drive users with `user_*` helpers and assert
on what the bot sent with `wait_for_message`, `messages`, etc.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import inspect
import io
import json
import logging
import mimetypes
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Iterable
from pathlib import Path
from typing import Any, Self

from aiohttp import BodyPartReader, web

from .models import (
    FakeChat,
    FakeUser,
    FileInfo,
    InjectedFailure,
    RecordedRequest,
    SentMessage,
    StoredFile,
)
from .spec import ApiSpec, load_spec
from .validation import (
    ApiError,
    FormattedText,
    RawRequest,
    UploadedFile,
    Validator,
    bad_request,
    format_text,
)

MAX_DOWNLOAD_SIZE = 20 * 1024 * 1024  # getFile limit of the cloud Bot API
MAX_UPLOAD_SIZE = 50 * 1024 * 1024  # sendDocument limit of the cloud Bot API
MAX_CALLBACK_ANSWER_TEXT = 200
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
MEMBER_STATUSES = frozenset({"creator", "administrator", "member", "restricted", "left", "kicked"})
_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)
_CANT_DELETE = "message can't be deleted"
DELETE_WITHIN_SECONDS = 48 * 3600  # a message can only be deleted if sent less than 48 h ago
_FILE_ID_PREFIX = {
    "document": "BQACAgIAAxkBAAI",
    "photo": "AgACAgIAAxkBAAI",
    "sticker": "CAACAgIAAxkBAAI",
}

logger = logging.getLogger(__name__)

Handler = Callable[[dict[str, Any], RawRequest], Awaitable[Any]]


class QueuedUpdate(dict[str, Any]):
    """Update dict a `user_*` helper queued; also awaitable so `await fake.user_...()` works."""

    def __await__(self) -> Generator[Any, None, QueuedUpdate]:
        yield from asyncio.sleep(0).__await__()
        return self


def _now() -> int:
    return int(time.time())


def _json_response(body: dict[str, Any], status: int = 200) -> web.Response:
    return web.json_response(body, status=status, dumps=lambda o: json.dumps(o, ensure_ascii=False))


def _printable(value: Any) -> Any:
    if isinstance(value, UploadedFile):
        return f"<file {value.filename!r} {len(value.data)} bytes>"
    if isinstance(value, dict):
        return {k: _printable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_printable(v) for v in value]
    return value


def _image_size(data: bytes) -> tuple[int, int]:
    """Real dimensions when Pillow can read the bytes, a plausible default otherwise."""
    try:
        from PIL import Image

        with Image.open(io.BytesIO(data)) as image:
            return image.size
    except Exception:
        return 1280, 960


class FakeTelegram:
    """Fake Bot API server. Use `async with FakeTelegram() as fake:` or start()/stop()."""

    def __init__(
        self,
        token: str = "123456:TEST",
        *,
        bot_username: str = "intake_test_bot",
        bot_first_name: str = "Intake Test Bot",
        spec_path: str | None = None,
    ) -> None:
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.spec: ApiSpec = load_spec(spec_path)  # fails loudly if api.json is missing
        self.validator = Validator(self.spec)
        self.bot_user: dict[str, Any] = {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self.base_url = ""
        self.users: dict[int, FakeUser] = {}
        self.chats: dict[int, FakeChat] = {}
        self.files: dict[str, StoredFile] = {}
        self.sent: list[SentMessage] = []
        self.requests: list[RecordedRequest] = []
        self.callback_answers: list[dict[str, Any]] = []
        self.chat_actions: list[dict[str, Any]] = []
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        # The bot's texts in an empty chat and in shared links, by language_code ("" default).
        self.descriptions: dict[str, str] = {}
        self.short_descriptions: dict[str, str] = {}
        self.default_menu_button: dict[str, Any] = {"type": "default"}
        self.webhook: dict[str, Any] | None = None
        self.webhook_replies: list[RecordedRequest] = []  # methods answered in webhook responses
        self.updates: list[dict[str, Any]] = []  # pending (unconfirmed) updates
        # file_id -> event: a download of that file waits until the test sets it
        self.held_downloads: dict[str, asyncio.Event] = {}
        # Set to act as a local Bot API server (`telegram-bot-api --local`): getFile answers an
        # absolute path in this folder, files over 20 MB included, and nothing is downloaded.
        self.local_dir: Path | None = None
        # The largest file an upload may carry; over it, 413 (lowered by tests of the 413 path).
        self.max_upload_size = MAX_UPLOAD_SIZE
        self.downloads_started: list[str] = []
        self._bot_msgs: dict[tuple[int, int], SentMessage] = {}
        self._user_msgs: dict[tuple[int, int], dict[str, Any]] = {}
        self._next_mid: dict[int, int] = {}
        self._next_update_id = 1
        self._file_counter = 0
        self._callback_counter = 0
        self._media_group_counter = 0
        self._callback_queries: dict[str, dict[str, Any]] = {}
        self._photo_sizes: dict[str, list[StoredFile]] = {}
        self._failures: dict[str, list[InjectedFailure]] = {}
        self._download_failures: dict[str, list[InjectedFailure]] = {}
        self._stalls: dict[str, asyncio.Event] = {}
        self._redeliver: list[QueuedUpdate] = []
        self._allowed_updates: list[str] = []
        self._poll_generation = 0
        self._event = asyncio.Event()
        self._closing = False
        self._runner: web.AppRunner | None = None
        self._handlers: dict[str, Handler] = {
            name.lower(): handler
            for name, handler in {
                "getMe": self._get_me,
                "logOut": self._true,
                "close": self._true,
                "getUpdates": self._get_updates,
                "setWebhook": self._set_webhook,
                "deleteWebhook": self._delete_webhook,
                "getWebhookInfo": self._get_webhook_info,
                "sendMessage": self._send_message,
                "sendDocument": self._send_document,
                "sendPhoto": self._send_photo,
                "sendMediaGroup": self._send_media_group,
                "copyMessage": self._copy_message,
                "forwardMessage": self._forward_message,
                "editMessageText": self._edit_message_text,
                "editMessageCaption": self._edit_message_caption,
                "editMessageReplyMarkup": self._edit_message_reply_markup,
                "deleteMessage": self._delete_message,
                "deleteMessages": self._delete_messages,
                "answerCallbackQuery": self._answer_callback_query,
                "getFile": self._get_file,
                "sendChatAction": self._send_chat_action,
                "setMyCommands": self._set_my_commands,
                "setMyDescription": self._set_my_description,
                "getMyDescription": self._get_my_description,
                "setMyShortDescription": self._set_my_short_description,
                "getMyShortDescription": self._get_my_short_description,
                "getMyCommands": self._get_my_commands,
                "deleteMyCommands": self._delete_my_commands,
                "setChatMenuButton": self._set_chat_menu_button,
                "getChatMenuButton": self._get_chat_menu_button,
                "createForumTopic": self._create_forum_topic,
                "deleteForumTopic": self._delete_forum_topic,
                "getChat": self._get_chat,
                "getChatMember": self._get_chat_member,
                "getChatAdministrators": self._get_chat_administrators,
                "getChatMemberCount": self._get_chat_member_count,
            }.items()
        }

    # ---- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> Self:
        """Bind 127.0.0.1 on a free port and set `base_url`."""
        app = web.Application(client_max_size=MAX_UPLOAD_SIZE + 10 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_route("GET", "/file/bot{token}/{file_path:.+}", self._handle_file)
        app.router.add_route("*", "/{tail:.*}", self._handle_not_found)
        self._closing = False
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.base_url = f"http://127.0.0.1:{port}"
        return self

    async def stop(self) -> None:
        """Release pending long polls and shut the server down."""
        self._closing = True
        self._notify()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # ---- setup helpers -----------------------------------------------------------------------

    def add_user(
        self,
        user_id: int,
        first_name: str = "Ann",
        language_code: str | None = "en",
        username: str | None = None,
        *,
        last_name: str | None = None,
    ) -> FakeUser:
        """Register a user who has started the bot; creates the private chat (id == user id)."""
        user = FakeUser(
            id=user_id,
            first_name=first_name,
            language_code=language_code,
            username=username,
            last_name=last_name,
        )
        self.users[user_id] = user
        self.chats[user_id] = FakeChat(
            id=user_id, type="private", first_name=first_name, username=username
        )
        return user

    def add_group(
        self,
        chat_id: int,
        title: str = "Staff",
        *,
        is_forum: bool = False,
        members: dict[int, str] | None = None,
        username: str | None = None,
    ) -> FakeChat:
        """Register a group (ids starting with -100 are supergroups); bot is admin by default."""
        if chat_id >= 0:
            raise ValueError("group chat ids are negative, e.g. -100123")
        chat_type = "supergroup" if str(chat_id).startswith("-100") else "group"
        if is_forum and chat_type != "supergroup":
            raise ValueError("only supergroups (-100...) can be forums")
        member_map = dict(members or {})
        for status in member_map.values():
            if status not in MEMBER_STATUSES:
                raise ValueError(f"unknown member status {status!r}")
        member_map.setdefault(self.bot_id, "administrator")
        chat = FakeChat(
            id=chat_id,
            type=chat_type,
            title=title,
            username=username,
            is_forum=is_forum,
            members=member_map,
        )
        self.chats[chat_id] = chat
        if is_forum:
            self._next_mid.setdefault(chat_id, 1)  # message_thread_id 1 is the General topic
        return chat

    def set_member_status(self, chat_id: int, user_id: int, status: str) -> None:
        if status not in MEMBER_STATUSES:
            raise ValueError(f"unknown member status {status!r}")
        self._chat_or_fail(chat_id).members[user_id] = status

    def add_forum_topic(self, chat_id: int, name: str, icon_color: int = 7322096) -> int:
        """Create a topic as if an admin did it; returns its message_thread_id."""
        chat = self._chat_or_fail(chat_id)
        if not chat.is_forum:
            raise ValueError(f"chat {chat_id} is not a forum")
        thread_id = self._new_mid(chat_id)
        chat.topics[thread_id] = {
            "message_thread_id": thread_id,
            "name": name,
            "icon_color": icon_color,
        }
        return thread_id

    def migrate_group(self, chat_id: int, new_chat_id: int) -> FakeChat:
        """The group becomes a supergroup (same title and members) with `new_chat_id`; any
        call naming the old id gets Telegram's 400 with `migrate_to_chat_id`."""
        old = self._chat_or_fail(chat_id)
        if old.type != "group" or not str(new_chat_id).startswith("-100"):
            raise ValueError("only a basic group migrates, to a -100… supergroup id")
        new = self.add_group(new_chat_id, old.title or "", members=dict(old.members))
        old.migrated_to = new_chat_id
        return new

    def rotate_token(self, token: str) -> None:
        """The token is revoked (@BotFather): calls with the old one get 401 Unauthorized."""
        if int(token.split(":", 1)[0]) != self.bot_id:
            raise ValueError("a new token of the same bot keeps its id")
        self.token = token

    def user_blocks_bot(self, user_id: int, blocked: bool = True) -> None:
        """Further sends to this user fail with 403 "Forbidden: bot was blocked by the user"."""
        self._user(user_id).blocked_bot = blocked

    def fail_next(
        self,
        method: str,
        *,
        error_code: int = 429,
        retry_after: int = 1,
        description: str | None = None,
        times: int = 1,
    ) -> None:
        """Make the next `times` calls of `method` ("*" = any) fail without being performed."""
        if description is None:
            description = {
                429: f"Too Many Requests: retry after {retry_after}",
                400: "Bad Request: injected failure",
                401: "Unauthorized",
                403: "Forbidden: bot was blocked by the user",
                409: "Conflict: injected failure",
                413: "Request Entity Too Large",
                500: "Internal Server Error",
                502: "Bad Gateway",
            }.get(error_code, f"Error {error_code}: injected failure")
        parameters = {"retry_after": retry_after} if error_code == 429 else None
        self._failures.setdefault(method.lower(), []).append(
            InjectedFailure(error_code, description, parameters, times)
        )

    def stall(self, method: str) -> asyncio.Event:
        """Calls of `method` get no answer (the connection stays open) until the returned
        event is set: a Telegram that hangs."""
        release = asyncio.Event()
        self._stalls[method.lower()] = release
        return release

    def flood(self, method: str, retry_after: int = 1, times: int = 1) -> None:
        """Alias: the next `times` calls of `method` get 429 with `retry_after`."""
        self.fail_next(method, error_code=429, retry_after=retry_after, times=times)

    @contextlib.asynccontextmanager
    async def delivering_webhook(self, target: str) -> AsyncIterator[None]:
        """While the block runs, act as Telegram with a webhook set: each pending update is
        POSTed (JSON, with the registered secret token) to `target`, the bot's own server (the
        registered HTTPS URL standing for a TLS proxy in front of it), up to the registered
        `max_connections` (40) at once. An update answered 200 is done, else posted again at the
        next change. A method in the response body is performed as Telegram does: listed in
        `webhook_replies`, not in `requests` (it is no HTTP call of the bot's)."""
        import aiohttp

        async with aiohttp.ClientSession() as http:
            task = asyncio.create_task(self._deliver_webhook(http, target))
            try:
                yield
            finally:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    async def _deliver_webhook(self, http: Any, target: str) -> None:
        in_flight: dict[int, asyncio.Task[None]] = {}
        gate: asyncio.Semaphore | None = None
        try:
            while True:
                if self.webhook:
                    if gate is None:
                        gate = asyncio.Semaphore(int(self.webhook.get("max_connections") or 40))
                    for update in list(self.updates):
                        if update["update_id"] not in in_flight:
                            post = self._post_update(http, target, dict(update), gate)
                            in_flight[update["update_id"]] = asyncio.create_task(post)
                # Finished posts leave; one that failed is posted again on this round's change.
                for update_id, task in list(in_flight.items()):
                    if task.done():
                        del in_flight[update_id]
                await self._wait_change(0.5)
        finally:
            for task in list(in_flight.values()):
                task.cancel()

    async def _post_update(
        self, http: Any, target: str, update: dict[str, Any], gate: asyncio.Semaphore
    ) -> None:
        assert self.webhook is not None
        secret = self.webhook.get("secret_token")
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
        async with gate:
            try:
                async with http.post(target, json=update, headers=headers) as response:
                    if response.status != 200:
                        return  # posted again at the next change
                    reply = await _webhook_reply(response)
            except OSError:
                return
        self.updates = [u for u in self.updates if u["update_id"] != update["update_id"]]
        if reply is not None:
            name, raw = reply
            method = self.spec.method(name)
            if method is not None:
                params = self.validator.validate(method, raw)
                handler = self._handlers.get(method["name"].lower())
                if handler is not None:
                    await handler(params, raw)
                self.webhook_replies.append(RecordedRequest(method["name"], params, {}))
        self._notify()

    def drop_next(self, method: str, *, after_delivery: bool = True, times: int = 1) -> None:
        """Close the connection of the next `times` calls of `method` ("*" = any) without an
        answer: after performing them (the message is delivered, the bot cannot know) or,
        with `after_delivery=False`, before."""
        drop = "after" if after_delivery else "before"
        self._failures.setdefault(method.lower(), []).append(
            InjectedFailure(0, f"connection dropped {drop} the call", None, times, drop)
        )

    def fail_download(self, file_id: str = "*", *, error_code: int = 502, times: int = 1) -> None:
        """The next `times` downloads of `file_id` ("*" = any) from /file/ fail with this HTTP
        status (Telegram's file endpoint answers 5xx and 429 like its API); 0 drops the
        connection mid-body instead."""
        self._download_failures.setdefault(file_id, []).append(
            InjectedFailure(error_code, f"download failed with {error_code}", None, times)
        )

    def deliver_again(self, update: dict[str, Any]) -> None:
        """Hand `update` (same update_id) to the next getUpdates once more, even though it was
        confirmed: the duplicate delivery a lost confirmation or a webhook retry produces."""
        self._redeliver.append(QueuedUpdate(update))
        self._notify()

    def reverse_pending(self) -> None:
        """Deliver the updates not yet fetched in reverse order (Telegram does not promise
        order across webhook deliveries; polling clients must cope with gaps too)."""
        self.updates.reverse()
        self._notify()

    def add_file(
        self,
        data: bytes,
        *,
        kind: str = "document",
        file_name: str | None = None,
        mime_type: str | None = None,
        declared_size: int | None = None,
    ) -> StoredFile:
        """Store a file on the 'Telegram servers' and return it (file_id usable by the bot)."""
        self._file_counter += 1
        n = self._file_counter
        digest = hashlib.sha1(f"{kind}:{n}".encode()).hexdigest()[:16]
        prefix = _FILE_ID_PREFIX.get(kind, "BQACAgIAAxkBAAI")
        width = height = None
        if kind == "photo":
            width, height = _image_size(data)
        stored = StoredFile(
            file_id=f"{prefix}{n:05d}{digest}",
            file_unique_id=f"AgAD{n:04d}{digest[:6]}",
            kind=kind,
            data=data,
            file_name=file_name,
            mime_type=mime_type,
            declared_size=declared_size,
            width=width,
            height=height,
        )
        self.files[stored.file_id] = stored
        return stored

    def file_bytes(self, file_id: str) -> bytes:
        return self.files[file_id].data

    # ---- inspection & waiting ----------------------------------------------------------------

    def messages(self, chat_id: int, *, include_deleted: bool = True) -> list[SentMessage]:
        """Messages the bot sent to a chat, oldest first."""
        return [m for m in self.sent if m.chat_id == chat_id and (include_deleted or not m.deleted)]

    def last_message(self, chat_id: int) -> SentMessage | None:
        msgs = self.messages(chat_id, include_deleted=False)
        return msgs[-1] if msgs else None

    def message(self, chat_id: int, message_id: int) -> SentMessage:
        try:
            return self._bot_msgs[(chat_id, message_id)]
        except KeyError:
            raise AssertionError(
                f"bot sent no message {message_id} in chat {chat_id}\n{self.dump(chat_id)}"
            ) from None

    def calls(self, method: str) -> list[RecordedRequest]:
        """Recorded requests of one method (case-insensitive)."""
        return [r for r in self.requests if r.method.lower() == method.lower()]

    def user_message(self, chat_id: int, message_id: int) -> dict[str, Any]:
        return self._user_msgs[(chat_id, message_id)]

    def dump(self, chat_id: int | None = None, *, last: int = 10) -> str:
        """Human-readable summary of recent state for assertion messages."""
        lines: list[str] = []
        chat_ids = [chat_id] if chat_id is not None else sorted({m.chat_id for m in self.sent})
        for cid in chat_ids:
            msgs = self.messages(cid)
            lines.append(f"chat {cid}: {len(msgs)} bot message(s); last {last}:")
            lines.extend(f"  {m.short()}" for m in msgs[-last:])
        if not chat_ids:
            lines.append("the bot sent no messages")
        lines.append(f"last requests (of {len(self.requests)}):")
        lines.extend(f"  {r.short()}" for r in self.requests[-15:])
        lines.append(f"pending updates: {len(self.updates)}")
        return "\n".join(lines)

    async def wait_until(
        self,
        predicate: Callable[[], Any],
        timeout: float = 5.0,
        *,
        message: str | None = None,
        dump_chat: int | None = None,
        poll_interval: float = 0.05,
    ) -> Any:
        """Wait until predicate() is truthy (re-checked on every fake event and periodically)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            result = predicate()
            if inspect.isawaitable(result):
                result = await result
            if result:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(
                    f"{message or 'condition not met'} within {timeout}s\n{self.dump(dump_chat)}"
                )
            await self._wait_change(min(remaining, poll_interval))

    async def wait_for_message(
        self,
        chat_id: int,
        predicate: Callable[[SentMessage], bool] | None = None,
        *,
        after: int | SentMessage | None = None,
        timeout: float = 5.0,
    ) -> SentMessage:
        """First bot message in chat newer than `after` (default: newest at call time)."""
        if isinstance(after, SentMessage):
            baseline = after.message_id
        elif after is not None:
            baseline = after
        else:
            baseline = max((m.message_id for m in self.messages(chat_id)), default=0)

        def find() -> SentMessage | None:
            for m in self.messages(chat_id):
                if m.message_id > baseline and (predicate is None or predicate(m)):
                    return m
            return None

        return await self.wait_until(
            find,
            timeout,
            message=f"no new bot message in chat {chat_id} after #{baseline} matching predicate",
            dump_chat=chat_id,
        )

    async def wait_for_edit(
        self,
        message: SentMessage,
        predicate: Callable[[SentMessage], bool] | None = None,
        *,
        timeout: float = 5.0,
    ) -> SentMessage:
        """Wait until `message` is edited again (and matches predicate)."""
        edits_before = len(message.edits)
        return await self.wait_until(
            lambda: (
                message
                if len(message.edits) > edits_before and (predicate is None or predicate(message))
                else None
            ),
            timeout,
            message=f"message #{message.message_id} in chat {message.chat_id} was not edited",
            dump_chat=message.chat_id,
        )

    async def wait_for_callback_answer(
        self,
        callback_query_id: str | dict[str, Any] | None = None,
        predicate: Callable[[dict[str, Any]], bool] | None = None,
        *,
        timeout: float = 5.0,
    ) -> dict[str, Any]:
        """Wait for answerCallbackQuery; accepts the id or the update returned by user_presses."""
        if isinstance(callback_query_id, dict):
            callback_query_id = callback_query_id["callback_query"]["id"]
        start = len(self.callback_answers) if callback_query_id is None else 0

        def find() -> dict[str, Any] | None:
            for answer in self.callback_answers[start:]:
                if callback_query_id is not None and answer["callback_query_id"] != str(
                    callback_query_id
                ):
                    continue
                if predicate is None or predicate(answer):
                    return answer
            return None

        return await self.wait_until(
            find, timeout, message=f"no answerCallbackQuery for {callback_query_id!r}"
        )

    async def wait_for_request(
        self,
        method: str,
        predicate: Callable[[RecordedRequest], bool] | None = None,
        *,
        timeout: float = 5.0,
    ) -> RecordedRequest:
        """First request of `method` made after this call (matching predicate)."""
        start = len(self.requests)

        def find() -> RecordedRequest | None:
            for request in self.requests[start:]:
                if request.method.lower() == method.lower() and (
                    predicate is None or predicate(request)
                ):
                    return request
            return None

        return await self.wait_until(find, timeout, message=f"no {method} request")

    # ---- simulated users ---------------------------------------------------------------------

    def user_sends_text(
        self,
        user_id: int,
        text: str,
        *,
        entities: list[dict[str, Any]] | None = None,
        reply_to_message_id: int | None = None,
    ) -> QueuedUpdate:
        """A private message; a leading /command gets a bot_command entity like in Telegram."""
        user = self._user(user_id)
        chat = self.chats[user_id]
        content: dict[str, Any] = {"text": text}
        all_entities = list(entities or [])
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            all_entities.insert(0, {"type": "bot_command", "offset": 0, "length": len(command)})
        if all_entities:
            content["entities"] = all_entities
        msg = self._user_message(chat, user, content, reply_to_message_id=reply_to_message_id)
        return self._queue("message", msg)

    def user_sends_command(self, user_id: int, command: str, args: str = "") -> QueuedUpdate:
        text = command if command.startswith("/") else f"/{command}"
        return self.user_sends_text(user_id, f"{text} {args}".strip())

    def user_sends_photo(
        self,
        user_id: int,
        data: bytes,
        *,
        caption: str | None = None,
        media_group_id: str | None = None,
    ) -> QueuedUpdate:
        user = self._user(user_id)
        content = {"photo": self._photo_json(self._store_photo(data))}
        msg = self._user_message(
            self.chats[user_id], user, content, caption=caption, media_group_id=media_group_id
        )
        return self._queue("message", msg)

    def user_sends_document(
        self,
        user_id: int,
        data: bytes,
        file_name: str = "document.pdf",
        mime_type: str = "application/pdf",
        *,
        caption: str | None = None,
        media_group_id: str | None = None,
        declared_size: int | None = None,
    ) -> QueuedUpdate:
        """`declared_size` lets a test claim a large file (getFile > 20 MB fails) cheaply."""
        user = self._user(user_id)
        stored = self.add_file(
            data,
            kind="document",
            file_name=file_name,
            mime_type=mime_type,
            declared_size=declared_size,
        )
        content = {"document": self._document_json(stored)}
        msg = self._user_message(
            self.chats[user_id], user, content, caption=caption, media_group_id=media_group_id
        )
        return self._queue("message", msg)

    def user_sends_sticker(self, user_id: int, emoji: str = "👍") -> QueuedUpdate:
        user = self._user(user_id)
        stored = self.add_file(b"RIFF\x00\x00\x00\x00WEBP", kind="sticker", mime_type="image/webp")
        sticker = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "file_size": stored.size,
        }
        msg = self._user_message(self.chats[user_id], user, {"sticker": sticker})
        return self._queue("message", msg)

    def user_sends_contact(
        self, user_id: int, phone_number: str, *, own: bool = True
    ) -> QueuedUpdate:
        """Contact message (e.g. from a request_contact keyboard button)."""
        user = self._user(user_id)
        contact: dict[str, Any] = {"phone_number": phone_number, "first_name": user.first_name}
        if own:
            contact["user_id"] = user_id
        msg = self._user_message(self.chats[user_id], user, {"contact": contact})
        return self._queue("message", msg)

    def user_sends_album(
        self,
        user_id: int,
        items: Iterable[tuple[str, bytes, str | None, str | None]],
        *,
        caption: str | None = None,
    ) -> list[QueuedUpdate]:
        """Consecutive messages sharing a media_group_id; items are (kind, bytes, name, mime)."""
        self._media_group_counter += 1
        group_id = f"1337{self._media_group_counter:010d}"
        updates: list[QueuedUpdate] = []
        for index, (kind, data, name, mime) in enumerate(items):
            item_caption = caption if index == 0 else None
            if kind == "photo":
                update = self.user_sends_photo(
                    user_id, data, caption=item_caption, media_group_id=group_id
                )
            elif kind == "document":
                update = self.user_sends_document(
                    user_id,
                    data,
                    name or "document.bin",
                    mime or "application/octet-stream",
                    caption=item_caption,
                    media_group_id=group_id,
                )
            else:
                raise ValueError(f"unsupported album item kind {kind!r} (photo|document)")
            updates.append(update)
        return updates

    def user_sends_in_group(
        self,
        chat_id: int,
        user_id: int,
        text: str,
        *,
        reply_to_message_id: int | None = None,
        message_thread_id: int | None = None,
    ) -> QueuedUpdate:
        """A group message; replies inherit the topic of the replied message in forums."""
        user = self._user(user_id)
        chat = self._chat_or_fail(chat_id)
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        msg = self._user_message(
            chat,
            user,
            content,
            reply_to_message_id=reply_to_message_id,
            message_thread_id=message_thread_id,
        )
        return self._queue("message", msg)

    def user_presses(
        self,
        user_id: int,
        message: SentMessage | int,
        *,
        text: str | None = None,
        callback_data: str | None = None,
        chat_id: int | None = None,
    ) -> QueuedUpdate:
        """Press an inline button (found by text and/or data) of a bot message in any chat."""
        if isinstance(message, int):
            message = self.message(chat_id if chat_id is not None else user_id, message)
        if message.deleted:
            raise AssertionError(f"message #{message.message_id} was deleted; can't press")
        if text is None and callback_data is None:
            raise ValueError("give text= or callback_data= to find the button")
        button = message.find_button(text=text, callback_data=callback_data)
        if "callback_data" not in button:
            raise AssertionError(f"button {button!r} has no callback_data")
        return self._queue_callback(
            user_id, message.chat_id, self._message_json(message), button["callback_data"]
        )

    def user_presses_in_group(
        self,
        chat_id: int,
        user_id: int,
        message: SentMessage | int,
        *,
        text: str | None = None,
        callback_data: str | None = None,
    ) -> QueuedUpdate:
        return self.user_presses(
            user_id, message, text=text, callback_data=callback_data, chat_id=chat_id
        )

    def forge_callback(
        self, user_id: int, chat_id: int, message_id: int, data: str
    ) -> QueuedUpdate:
        """Callback with arbitrary data (tampered/stale buttons); message may not exist."""
        self._user(user_id)
        bot_msg = self._bot_msgs.get((chat_id, message_id))
        if bot_msg is not None and not bot_msg.deleted:
            embedded = self._message_json(bot_msg)
        else:
            chat = self.chats.get(chat_id) or FakeChat(id=chat_id, type="private")
            embedded = {"chat": chat.to_dict(), "message_id": message_id, "date": 0}
        return self._queue_callback(user_id, chat_id, embedded, data)

    # ---- internals: state --------------------------------------------------------------------

    def _notify(self) -> None:
        event, self._event = self._event, asyncio.Event()
        event.set()

    async def _wait_change(self, timeout: float) -> None:
        event = self._event
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), timeout)

    def _user(self, user_id: int) -> FakeUser:
        if user_id not in self.users:
            self.add_user(user_id)
        return self.users[user_id]

    def _chat_or_fail(self, chat_id: int) -> FakeChat:
        if chat_id not in self.chats:
            raise AssertionError(f"unknown chat {chat_id}; call add_user/add_group first")
        return self.chats[chat_id]

    def _new_mid(self, chat_id: int) -> int:
        mid = self._next_mid.get(chat_id, 0) + 1
        chat = self.chats.get(chat_id)
        if mid == 1 and chat is not None and chat.is_forum:
            mid = 2  # 1 is the General topic's in a forum: never a message or another topic
        self._next_mid[chat_id] = mid
        return mid

    def _queue(self, kind: str, payload: dict[str, Any]) -> QueuedUpdate:
        update = QueuedUpdate({"update_id": self._next_update_id, kind: payload})
        self._next_update_id += 1
        self.updates.append(update)
        self._notify()
        return update

    def _queue_callback(
        self, user_id: int, chat_id: int, message: dict[str, Any], data: str
    ) -> QueuedUpdate:
        self._callback_counter += 1
        query_id = str(4_000_000_000_000_000 + self._callback_counter)
        chat_instance = str(abs(hash((chat_id, self.bot_id))) % 10**18)
        query = {
            "id": query_id,
            "from": self._user(user_id).to_dict(),
            "message": message,
            "chat_instance": chat_instance,
            "data": data,
        }
        self._callback_queries[query_id] = {"answered": False, "query": query}
        return self._queue("callback_query", query)

    def _topic_service_message(self, chat: FakeChat, thread_id: int) -> dict[str, Any] | None:
        topic = chat.topics.get(thread_id)
        if topic is None:
            return None
        return {
            "message_id": thread_id,
            "date": _now(),
            "chat": chat.to_dict(),
            "from": self._bot_public(),
            "message_thread_id": thread_id,
            "is_topic_message": True,
            "forum_topic_created": {"name": topic["name"], "icon_color": topic["icon_color"]},
        }

    def _user_message(
        self,
        chat: FakeChat,
        user: FakeUser,
        content: dict[str, Any],
        *,
        caption: str | None = None,
        media_group_id: str | None = None,
        reply_to_message_id: int | None = None,
        message_thread_id: int | None = None,
    ) -> dict[str, Any]:
        msg: dict[str, Any] = {
            "message_id": self._new_mid(chat.id),
            "from": user.to_dict(),
            "chat": chat.to_dict(),
            "date": _now(),
            **content,
        }
        if caption is not None:
            msg["caption"] = caption
        if media_group_id is not None:
            msg["media_group_id"] = media_group_id
        reply: dict[str, Any] | None = None
        if reply_to_message_id is not None:
            reply = self._embedded_message(chat.id, reply_to_message_id)
            if reply is None:
                raise AssertionError(f"no message {reply_to_message_id} in chat {chat.id}")
            if message_thread_id is None and chat.is_forum:
                message_thread_id = reply.get("message_thread_id")
        if message_thread_id is not None:
            if not chat.is_forum or message_thread_id not in chat.topics:
                raise AssertionError(f"no forum topic {message_thread_id} in chat {chat.id}")
            msg["message_thread_id"] = message_thread_id
            msg["is_topic_message"] = True
            if reply is None:
                reply = self._topic_service_message(chat, message_thread_id)
        if reply is not None:
            msg["reply_to_message"] = reply
        self._user_msgs[(chat.id, msg["message_id"])] = msg
        return msg

    def _embedded_message(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        bot_msg = self._bot_msgs.get((chat_id, message_id))
        if bot_msg is not None and not bot_msg.deleted:
            return self._message_json(bot_msg, embed_reply=False)
        user_msg = self._user_msgs.get((chat_id, message_id))
        if user_msg is not None:
            return {k: v for k, v in user_msg.items() if k != "reply_to_message"}
        chat = self.chats.get(chat_id)
        if chat is not None and chat.is_forum and message_id in chat.topics:
            return self._topic_service_message(chat, message_id)
        return None

    def _bot_public(self) -> dict[str, Any]:
        return {k: self.bot_user[k] for k in ("id", "is_bot", "first_name", "username")}

    def _store_photo(self, data: bytes) -> StoredFile:
        big = self.add_file(data, kind="photo", mime_type="image/jpeg")
        small = self.add_file(data, kind="photo", mime_type="image/jpeg")
        width, height = big.width or 1280, big.height or 960
        scale = 90 / max(width, height, 1)
        small.width, small.height = max(int(width * scale), 1), max(int(height * scale), 1)
        self._photo_sizes[big.file_id] = [small, big]
        return big

    def _photo_json(self, big: StoredFile) -> list[dict[str, Any]]:
        sizes = self._photo_sizes.get(big.file_id, [big])
        return [
            {
                "file_id": s.file_id,
                "file_unique_id": s.file_unique_id,
                "width": s.width or 1280,
                "height": s.height or 960,
                "file_size": s.size,
            }
            for s in sizes
        ]

    @staticmethod
    def _document_json(stored: StoredFile) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
        }
        if stored.file_name:
            doc["file_name"] = stored.file_name
        if stored.mime_type:
            doc["mime_type"] = stored.mime_type
        return doc

    def _message_json(self, msg: SentMessage, *, embed_reply: bool = True) -> dict[str, Any]:
        """Message object as the Bot API returns it for a bot-sent message."""
        chat = self.chats[msg.chat_id]
        data: dict[str, Any] = {
            "message_id": msg.message_id,
            "from": self._bot_public(),
            "chat": chat.to_dict(),
            "date": msg.date,
        }
        if msg.message_thread_id is not None:
            data["message_thread_id"] = msg.message_thread_id
            data["is_topic_message"] = True
        if msg.forward_from_chat_id is not None:
            data["forward_origin"] = msg.params.get("_forward_origin")
        if msg.text is not None:
            data["text"] = msg.text
            if msg.entities:
                data["entities"] = msg.entities
        if msg.document is not None:
            data["document"] = self._document_json(self.files[msg.document.file_id])
        if msg.photo is not None:
            data["photo"] = self._photo_json(self.files[msg.photo.file_id])
        if msg.sticker is not None:
            data["sticker"] = msg.sticker
        if msg.caption is not None and msg.text is None:
            data["caption"] = msg.caption
            if msg.entities:
                data["caption_entities"] = msg.entities
        if msg.media_group_id is not None:
            data["media_group_id"] = msg.media_group_id
        if msg.reply_markup and "inline_keyboard" in msg.reply_markup:
            data["reply_markup"] = msg.reply_markup
        if msg.edit_date is not None:
            data["edit_date"] = msg.edit_date
        if embed_reply:
            reply = None
            if msg.reply_to_message_id is not None:
                reply = self._embedded_message(msg.chat_id, msg.reply_to_message_id)
            elif msg.message_thread_id is not None:
                reply = self._topic_service_message(chat, msg.message_thread_id)
            if reply is not None:
                data["reply_to_message"] = reply
        return data

    # ---- internals: HTTP ---------------------------------------------------------------------

    async def _handle_not_found(self, request: web.Request) -> web.Response:
        return _json_response({"ok": False, "error_code": 404, "description": "Not Found"}, 404)

    async def _handle_file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, 401
            )
        path = request.match_info["file_path"]
        for stored in self.files.values():
            if stored.file_path == path:
                self.downloads_started.append(stored.file_id)
                if stored.file_id in self.held_downloads:
                    await self.held_downloads[stored.file_id].wait()
                failure = self._take_failure(self._download_failures, stored.file_id)
                if failure is not None:
                    self._notify()
                    if failure.error_code == 0:
                        return await self._drop_mid_body(request, stored.data)
                    return _json_response(
                        {"ok": False, "error_code": failure.error_code, "description": "failed"},
                        failure.error_code,
                    )
                return web.Response(
                    body=stored.data,
                    content_type=stored.mime_type or "application/octet-stream",
                )
        return await self._handle_not_found(request)

    async def _read_body(self, request: web.Request) -> RawRequest:
        raw = RawRequest(params=dict(request.query), from_form=True)
        if not request.can_read_body:
            return raw
        content_type = request.content_type
        if content_type == "application/json":
            body = await request.read()
            if body.strip():
                try:
                    data = json.loads(body)
                except ValueError as exc:
                    raise bad_request("can't parse JSON encoded request body") from exc
                if not isinstance(data, dict):
                    raise bad_request("JSON request body must be an object")
                raw.params.update(data)
            raw.from_form = False
        elif content_type.startswith("multipart/"):
            reader = await request.multipart()
            while (part := await reader.next()) is not None:
                if not isinstance(part, BodyPartReader) or part.name is None:
                    continue
                if part.filename is not None:
                    raw.files[part.name] = UploadedFile(
                        field_name=part.name,
                        filename=part.filename,
                        content_type=part.headers.get("Content-Type"),
                        data=bytes(await part.read(decode=False)),
                    )
                else:
                    raw.params[part.name] = await part.text()
        else:
            post = await request.post()
            for key, value in post.items():
                if isinstance(value, web.FileField):
                    raw.files[key] = UploadedFile(
                        key, value.filename, value.content_type, value.file.read()
                    )
                else:
                    raw.params[key] = value
        return raw

    async def _handle_api(self, request: web.Request) -> web.Response:
        method_name = request.match_info["method"]
        method = self.spec.method(method_name)
        if request.match_info["token"] != self.token:  # revoked (`rotate_token`) or wrong
            if method is not None:  # recorded, so tests see what a refused bot kept trying
                self.requests.append(
                    RecordedRequest(method["name"], {}, {}, ok=False, error_code=401)
                )
                self._notify()
            return _json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, 401
            )
        if method is None:
            return await self._handle_not_found(request)
        record = RecordedRequest(method=method["name"], params={}, files={})
        self.requests.append(record)
        stalled = self._stalls.get(method["name"].lower())
        if stalled is not None:
            await stalled.wait()
        try:
            raw = await self._read_body(request)
            record.params = _printable(raw.params)
            record.files = {k: v.filename or "" for k, v in raw.files.items()}
            injected = self._take_failure(self._failures, method["name"].lower())
            if injected is not None and injected.drop == "before":
                record.ok, record.description = False, injected.description
                self._notify()
                return await self._drop(request)
            if injected is not None and injected.drop is None:
                raise ApiError(injected.error_code, injected.description, injected.parameters)
            params = self.validator.validate(method, raw)
            record.params = params
            handler = self._handlers.get(method["name"].lower())
            if handler is None:
                if method.get("returns") == ["Boolean"]:
                    result: Any = True
                else:
                    raise ApiError(
                        501,
                        f"Not Implemented: method {method['name']} is not supported by the fake",
                    )
            else:
                result = await handler(params, raw)
        except ApiError as err:
            record.ok = False
            record.error_code = err.error_code
            record.description = err.description
            self._notify()
            return _json_response(err.to_json(), err.error_code)
        except Exception as exc:  # a bug in the fake: answer like Telegram's 500, keep details
            logger.exception("fake Telegram failed on %s", method["name"])
            err = ApiError(500, f"Internal Server Error: fake failed: {exc!r}")
            record.ok = False
            record.error_code = err.error_code
            record.description = err.description
            self._notify()
            return _json_response(err.to_json(), err.error_code)
        record.result = result
        self._notify()
        if injected is not None:  # performed; the answer is lost with the connection
            record.description = injected.description
            return await self._drop(request)
        return _json_response({"ok": True, "result": result})

    @staticmethod
    def _take_failure(
        failures: dict[str, list[InjectedFailure]], key: str
    ) -> InjectedFailure | None:
        for name in (key, "*"):
            queue = failures.get(name)
            if queue:
                failure = queue[0]
                failure.remaining -= 1
                if failure.remaining <= 0:
                    queue.pop(0)
                return failure
        return None

    @staticmethod
    async def _drop(request: web.Request) -> web.StreamResponse:
        """Close the connection with no answer at all: the client sees a disconnect."""
        assert request.transport is not None
        request.transport.close()
        return web.Response(status=500)  # never written: the transport is gone

    @staticmethod
    async def _drop_mid_body(request: web.Request, data: bytes) -> web.StreamResponse:
        """Announce the whole file, send half of it, then close the connection."""
        response = web.StreamResponse(headers={"Content-Length": str(len(data))})
        await response.prepare(request)
        await response.write(data[: len(data) // 2])
        assert request.transport is not None
        request.transport.close()
        return response

    # ---- internals: helpers for handlers -----------------------------------------------------

    def _resolve_chat(self, chat_id: Any) -> FakeChat:
        if isinstance(chat_id, int):
            chat = self.chats.get(chat_id)
        else:
            name = str(chat_id).removeprefix("@").lower()
            chat = next(
                (c for c in self.chats.values() if c.username and c.username.lower() == name),
                None,
            )
        if chat is None:
            raise bad_request("chat not found")
        if chat.migrated_to is not None:
            raise ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": chat.migrated_to},
            )
        return chat

    def _writable_chat(self, chat_id: Any) -> FakeChat:
        """Chat the bot may post to, with Telegram's 403s for blocked/removed bots."""
        chat = self._resolve_chat(chat_id)
        if chat.type == "private":
            if self.users[chat.id].blocked_bot:
                raise ApiError(403, "Forbidden: bot was blocked by the user")
        else:
            status = chat.members.get(self.bot_id, "left")
            if status == "kicked":
                raise ApiError(403, f"Forbidden: bot was kicked from the {chat.type} chat")
            if status == "left":
                raise ApiError(403, f"Forbidden: bot is not a member of the {chat.type} chat")
        return chat

    def _thread_id(self, chat: FakeChat, params: dict[str, Any]) -> int | None:
        thread_id = params.get("message_thread_id")
        if thread_id is None:
            return None
        if chat.is_forum and (thread_id in chat.topics or thread_id == 1):
            return None if thread_id == 1 else thread_id
        raise bad_request("message thread not found")

    def _reply_to(self, chat: FakeChat, params: dict[str, Any]) -> int | None:
        reply_params = params.get("reply_parameters")
        if reply_params:
            message_id = reply_params["message_id"]
            allow_missing = bool(reply_params.get("allow_sending_without_reply"))
        elif params.get("reply_to_message_id") is not None:
            message_id = params["reply_to_message_id"]
            allow_missing = bool(params.get("allow_sending_without_reply"))
        else:
            return None
        if self._embedded_message(chat.id, message_id) is None:
            if allow_missing:
                return None
            raise bad_request("message to be replied not found")
        return message_id

    def _store_sent(self, msg: SentMessage) -> SentMessage:
        self.sent.append(msg)
        self._bot_msgs[(msg.chat_id, msg.message_id)] = msg
        return msg

    def _new_sent(
        self, chat: FakeChat, method: str, params: dict[str, Any], **fields: Any
    ) -> SentMessage:
        thread_id = self._thread_id(chat, params)
        reply_to = self._reply_to(chat, params)
        markup = params.get("reply_markup")
        return SentMessage(
            chat_id=chat.id,
            message_id=self._new_mid(chat.id),
            method=method,
            date=_now(),
            parse_mode=params.get("parse_mode"),
            reply_markup=markup,
            message_thread_id=thread_id,
            reply_to_message_id=reply_to,
            params=params,
            **fields,
        )

    def _caption(self, params: dict[str, Any]) -> FormattedText | None:
        if "caption" not in params:
            return None
        return format_text(
            params["caption"],
            params.get("parse_mode"),
            params.get("caption_entities"),
            caption=True,
        )

    def _input_file(self, value: Any, kind: str) -> FileInfo:
        """Resolve an InputFile (uploaded bytes) or a file_id string to a stored file."""
        if isinstance(value, UploadedFile):
            if not value.data:
                raise bad_request("file must be non-empty")
            if len(value.data) > self.max_upload_size:
                raise ApiError(413, "Request Entity Too Large")
            file_name = value.filename if kind == "document" else None
            mime = None
            if kind == "document":
                guessed = mimetypes.guess_type(value.filename or "")[0]
                declared = value.content_type
                mime = guessed or (
                    declared if declared and declared != "application/octet-stream" else None
                )
                mime = mime or "application/octet-stream"
            if kind == "photo":
                stored = self._store_photo(value.data)
            else:
                stored = self.add_file(value.data, kind=kind, file_name=file_name, mime_type=mime)
            return FileInfo(
                file_id=stored.file_id,
                file_unique_id=stored.file_unique_id,
                file_name=stored.file_name,
                mime_type=stored.mime_type,
                file_size=stored.size,
                data=stored.data,
                uploaded=True,
            )
        if not isinstance(value, str) or not value:
            raise bad_request("wrong file identifier/HTTP URL specified")
        if value.startswith(("http://", "https://")):
            raise bad_request("wrong file identifier/HTTP URL specified")
        stored = self.files.get(value)
        if stored is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        if stored.kind != kind:
            raise bad_request(
                f"can't use file of type {stored.kind.capitalize()} as {kind.capitalize()}"
            )
        return FileInfo(
            file_id=stored.file_id,
            file_unique_id=stored.file_unique_id,
            file_name=stored.file_name,
            mime_type=stored.mime_type,
            file_size=stored.size,
            data=stored.data,
            uploaded=False,
        )

    def _editable(self, params: dict[str, Any]) -> SentMessage:
        if params.get("inline_message_id"):
            raise bad_request("inline messages are not supported by the fake")
        if params.get("chat_id") is None or params.get("message_id") is None:
            raise bad_request("message identifier is not specified")
        chat = self._resolve_chat(params["chat_id"])
        msg = self._bot_msgs.get((chat.id, params["message_id"]))
        if msg is None or msg.deleted:
            if (chat.id, params["message_id"]) in self._user_msgs:
                raise bad_request("message can't be edited")
            raise bad_request("message to edit not found")
        return msg

    @staticmethod
    def _snapshot(msg: SentMessage, method: str) -> dict[str, Any]:
        return {
            "method": method,
            "date": _now(),
            "text": msg.text,
            "caption": msg.caption,
            "entities": msg.entities,
            "reply_markup": msg.reply_markup,
        }

    def _content_from_source(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        """SentMessage content fields of any message (bot's or user's) in a chat."""
        bot_msg = self._bot_msgs.get((chat_id, message_id))
        if bot_msg is not None and not bot_msg.deleted:
            return {
                "text": bot_msg.text,
                "caption": bot_msg.caption,
                "entities": list(bot_msg.entities),
                "document": bot_msg.document,
                "photo": bot_msg.photo,
                "sticker": bot_msg.sticker,
                "_from": self._bot_public(),
            }
        user_msg = self._user_msgs.get((chat_id, message_id))
        if user_msg is None:
            return None
        content: dict[str, Any] = {
            "text": user_msg.get("text"),
            "caption": user_msg.get("caption"),
            "entities": list(user_msg.get("entities") or user_msg.get("caption_entities") or []),
            "document": None,
            "photo": None,
            "sticker": user_msg.get("sticker"),
            "_from": user_msg["from"],
        }
        if "document" in user_msg:
            content["document"] = self._input_file(user_msg["document"]["file_id"], "document")
        if "photo" in user_msg:
            content["photo"] = self._input_file(user_msg["photo"][-1]["file_id"], "photo")
        if all(content[k] is None for k in ("text", "document", "photo", "sticker")):
            raise bad_request("message can't be copied")
        return content

    # ---- method handlers ---------------------------------------------------------------------

    async def _true(self, params: dict[str, Any], raw: RawRequest) -> bool:
        return True

    async def _get_me(self, params: dict[str, Any], raw: RawRequest) -> dict[str, Any]:
        return dict(self.bot_user)

    async def _get_updates(self, params: dict[str, Any], raw: RawRequest) -> list[dict[str, Any]]:
        if self.webhook:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use "
                "deleteWebhook to delete the webhook first",
            )
        self._poll_generation += 1
        generation = self._poll_generation
        self._notify()  # wakes an older long poll so it ends with 409 like on Telegram
        offset = params.get("offset")
        if offset is not None:
            if offset < 0:
                self.updates = self.updates[offset:]
            else:
                self.updates = [u for u in self.updates if u["update_id"] >= offset]
        if "allowed_updates" in params:
            self._allowed_updates = list(params["allowed_updates"])
        limit = min(max(params.get("limit") or 100, 1), 100)
        timeout = max(params.get("timeout") or 0, 0)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if generation != self._poll_generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; make sure that only one "
                    "bot instance is running",
                )
            if self._allowed_updates:
                allowed = set(self._allowed_updates)
                self.updates = [u for u in self.updates if allowed & (u.keys() - {"update_id"})]
            if self._redeliver:
                again, self._redeliver = self._redeliver, []
                return [dict(u) for u in again]
            if self.updates or self._closing:
                return [dict(u) for u in self.updates[:limit]]
            remaining = deadline - loop.time()
            if remaining <= 0:
                return []
            await self._wait_change(remaining)

    async def _set_webhook(self, params: dict[str, Any], raw: RawRequest) -> bool:
        url = params["url"]
        if url and not url.startswith("https://"):
            raise bad_request("bad webhook: HTTPS url must be provided for webhook")
        secret = params.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(secret)):
            raise bad_request("secret token contains unallowed characters")
        if params.get("drop_pending_updates"):
            self.updates.clear()
        self.webhook = {k: _printable(v) for k, v in params.items()} if url else None
        return True

    async def _delete_webhook(self, params: dict[str, Any], raw: RawRequest) -> bool:
        self.webhook = None
        if params.get("drop_pending_updates"):
            self.updates.clear()
        return True

    async def _get_webhook_info(self, params: dict[str, Any], raw: RawRequest) -> dict[str, Any]:
        info: dict[str, Any] = {
            "url": (self.webhook or {}).get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self.updates),
        }
        if self.webhook and self.webhook.get("allowed_updates"):
            info["allowed_updates"] = self.webhook["allowed_updates"]
        return info

    async def _send_message(self, params: dict[str, Any], raw: RawRequest) -> dict[str, Any]:
        chat = self._writable_chat(params["chat_id"])
        formatted = format_text(
            params["text"], params.get("parse_mode"), params.get("entities"), caption=False
        )
        msg = self._new_sent(
            chat,
            "sendMessage",
            params,
            text=formatted.text,
            entities=formatted.entities,
            raw_text=params["text"],
        )
        return self._message_json(self._store_sent(msg))

    async def _send_media(self, params: dict[str, Any], kind: str, method: str) -> dict[str, Any]:
        chat = self._writable_chat(params["chat_id"])
        caption = self._caption(params)
        info = self._input_file(params[kind], kind)
        msg = self._new_sent(
            chat,
            method,
            params,
            caption=caption.text if caption else None,
            entities=caption.entities if caption else [],
            raw_text=params.get("caption"),
            **{kind: info},
        )
        return self._message_json(self._store_sent(msg))

    async def _send_document(self, params: dict[str, Any], raw: RawRequest) -> dict[str, Any]:
        return await self._send_media(params, "document", "sendDocument")

    async def _send_photo(self, params: dict[str, Any], raw: RawRequest) -> dict[str, Any]:
        return await self._send_media(params, "photo", "sendPhoto")

    async def _send_media_group(
        self, params: dict[str, Any], raw: RawRequest
    ) -> list[dict[str, Any]]:
        chat = self._writable_chat(params["chat_id"])
        media: list[dict[str, Any]] = params["media"]
        if not 2 <= len(media) <= 10:
            raise bad_request("media group must include 2-10 items")
        kinds = {item["type"] for item in media}
        if len(kinds) > 1 and kinds & {"document", "audio"}:
            raise bad_request("document and audio can't be mixed with other media types")
        unsupported = kinds - {"document", "photo"}
        if unsupported:
            raise bad_request(f"media type {sorted(unsupported)} is not supported by the fake")
        self._media_group_counter += 1
        group_id = f"1338{self._media_group_counter:010d}"
        prepared: list[tuple[FileInfo, FormattedText | None, dict[str, Any]]] = []
        for item in media:
            value: Any = item["media"]
            if isinstance(value, str) and value.startswith("attach://"):
                attach = value.removeprefix("attach://")
                if attach not in raw.files:
                    raise bad_request(f'file "{attach}" referenced by media was not uploaded')
                value = raw.files[attach]
            caption = self._caption(item)
            prepared.append((self._input_file(value, item["type"]), caption, item))
        results = []
        for info, caption, item in prepared:
            msg = self._new_sent(
                chat,
                "sendMediaGroup",
                {**params, "reply_markup": None, "parse_mode": item.get("parse_mode")},
                caption=caption.text if caption else None,
                entities=caption.entities if caption else [],
                raw_text=item.get("caption"),
                media_group_id=group_id,
                **{item["type"]: info},
            )
            results.append(self._message_json(self._store_sent(msg)))
        return results

    def _source(self, params: dict[str, Any], verb: str) -> dict[str, Any]:
        source_chat = self._resolve_chat(params["from_chat_id"])
        content = self._content_from_source(source_chat.id, params["message_id"])
        if content is None:
            raise bad_request(f"message to {verb} not found")
        return content

    async def _copy_message(self, params: dict[str, Any], raw: RawRequest) -> dict[str, Any]:
        content = self._source(params, "copy")
        chat = self._writable_chat(params["chat_id"])
        content.pop("_from")
        if "caption" in params and content["text"] is None:
            caption = self._caption(params)
            assert caption is not None
            content["caption"], content["entities"] = caption.text, caption.entities
        msg = self._new_sent(chat, "copyMessage", params, raw_text=None, **content)
        self._store_sent(msg)
        return {"message_id": msg.message_id}

    async def _forward_message(self, params: dict[str, Any], raw: RawRequest) -> dict[str, Any]:
        content = self._source(params, "forward")
        chat = self._writable_chat(params["chat_id"])
        sender = content.pop("_from")
        origin = {"type": "user", "date": _now(), "sender_user": sender}
        msg = self._new_sent(
            chat,
            "forwardMessage",
            {**params, "_forward_origin": origin, "reply_markup": None},
            forward_from_chat_id=self._resolve_chat(params["from_chat_id"]).id,
            **content,
        )
        return self._message_json(self._store_sent(msg))

    async def _edit_message_text(self, params: dict[str, Any], raw: RawRequest) -> dict[str, Any]:
        msg = self._editable(params)
        if msg.text is None:
            raise bad_request("there is no text in the message to edit")
        formatted = format_text(
            params["text"], params.get("parse_mode"), params.get("entities"), caption=False
        )
        markup = params.get("reply_markup")
        if (formatted.text, formatted.entities, markup) == (
            msg.text,
            msg.entities,
            msg.reply_markup,
        ):
            raise bad_request(_NOT_MODIFIED)
        msg.edits.append(self._snapshot(msg, "editMessageText"))
        msg.text, msg.entities, msg.reply_markup = formatted.text, formatted.entities, markup
        msg.raw_text, msg.parse_mode = params["text"], params.get("parse_mode")
        msg.edit_date = _now()
        return self._message_json(msg)

    async def _edit_message_caption(
        self, params: dict[str, Any], raw: RawRequest
    ) -> dict[str, Any]:
        msg = self._editable(params)
        if msg.text is not None:
            raise bad_request("there is no caption in the message to edit")
        caption = self._caption(params) or FormattedText("", [])
        markup = params.get("reply_markup")
        current = (msg.caption or "", msg.entities, msg.reply_markup)
        if (caption.text, caption.entities, markup) == current:
            raise bad_request(_NOT_MODIFIED)
        msg.edits.append(self._snapshot(msg, "editMessageCaption"))
        msg.caption = caption.text or None
        msg.entities, msg.reply_markup = caption.entities, markup
        msg.raw_text, msg.parse_mode = params.get("caption"), params.get("parse_mode")
        msg.edit_date = _now()
        return self._message_json(msg)

    async def _edit_message_reply_markup(
        self, params: dict[str, Any], raw: RawRequest
    ) -> dict[str, Any]:
        msg = self._editable(params)
        markup = params.get("reply_markup")
        current = (
            msg.reply_markup if msg.reply_markup and "inline_keyboard" in msg.reply_markup else None
        )
        if (markup or None) == (current or None) or (
            not markup and not (current or {}).get("inline_keyboard")
        ):
            raise bad_request(_NOT_MODIFIED)
        msg.edits.append(self._snapshot(msg, "editMessageReplyMarkup"))
        msg.reply_markup = markup
        msg.edit_date = _now()
        return self._message_json(msg)

    def age_messages(self, chat_id: int, seconds: int) -> None:
        """Date every message the bot sent to `chat_id` so far `seconds` earlier (as if that
        long had passed): Telegram's 48-hour limit on deleting them applies."""
        for msg in self.messages(chat_id):
            msg.date -= seconds

    def _delete_one(self, chat: FakeChat, message_id: int) -> bool:
        """Raises Telegram's 400 for a message sent 48 hours ago or more."""
        bot_msg = self._bot_msgs.get((chat.id, message_id))
        if bot_msg is not None and not bot_msg.deleted:
            if _now() - bot_msg.date >= DELETE_WITHIN_SECONDS:
                raise bad_request(_CANT_DELETE)
            bot_msg.deleted = True
            return True
        return self._user_msgs.pop((chat.id, message_id), None) is not None

    async def _delete_message(self, params: dict[str, Any], raw: RawRequest) -> bool:
        chat = self._resolve_chat(params["chat_id"])
        if not self._delete_one(chat, params["message_id"]):
            raise bad_request("message to delete not found")
        return True

    async def _delete_messages(self, params: dict[str, Any], raw: RawRequest) -> bool:
        """Those not found are skipped; those too old too, unless none could be deleted."""
        chat = self._resolve_chat(params["chat_id"])
        ids = params["message_ids"]
        if not 1 <= len(ids) <= 100:
            raise bad_request("message_ids must contain 1-100 identifiers")
        deleted, too_old = 0, 0
        for message_id in ids:
            try:
                deleted += self._delete_one(chat, message_id)
            except ApiError:
                too_old += 1
        if too_old and not deleted:
            raise bad_request(_CANT_DELETE)
        return True

    async def _answer_callback_query(self, params: dict[str, Any], raw: RawRequest) -> bool:
        query = self._callback_queries.get(params["callback_query_id"])
        if query is None or query["answered"]:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        if len(params.get("text") or "") > MAX_CALLBACK_ANSWER_TEXT:
            raise bad_request("MESSAGE_TOO_LONG")
        query["answered"] = True
        self.callback_answers.append(dict(params))
        return True

    async def _get_file(self, params: dict[str, Any], raw: RawRequest) -> dict[str, Any]:
        stored = self.files.get(params["file_id"])
        if stored is None:
            raise bad_request("invalid file_id")
        if stored.size > MAX_DOWNLOAD_SIZE and self.local_dir is None:
            raise bad_request("file is too big")
        if self.local_dir is not None:  # a local server (--local): the file is on its disk
            local = self.local_dir / stored.file_id
            local.parent.mkdir(parents=True, exist_ok=True)
            local.write_bytes(stored.data)
            stored.file_path = str(local.resolve())
        if stored.file_path is None:
            folder = {"photo": "photos", "sticker": "stickers"}.get(stored.kind, "documents")
            ext = {"photo": ".jpg", "sticker": ".webp"}.get(stored.kind, "")
            if not ext and stored.file_name and "." in stored.file_name:
                ext = "." + stored.file_name.rsplit(".", 1)[-1]
            stored.file_path = f"{folder}/file_{self._file_counter_for(stored)}{ext}"
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
            "file_path": stored.file_path,
        }

    def _file_counter_for(self, stored: StoredFile) -> int:
        return list(self.files).index(stored.file_id)

    async def _send_chat_action(self, params: dict[str, Any], raw: RawRequest) -> bool:
        self._writable_chat(params["chat_id"])
        if params["action"] not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        self.chat_actions.append(dict(params))
        return True

    @staticmethod
    def _commands_key(params: dict[str, Any]) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), params.get("language_code") or ""

    async def _set_my_commands(self, params: dict[str, Any], raw: RawRequest) -> bool:
        commands = params["commands"]
        if len(commands) > 100:
            raise bad_request("too many commands")
        for command in commands:
            name = command["command"]
            if not (1 <= len(name) <= 32) or not all(
                c.islower() or c.isdigit() or c == "_" for c in name
            ):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(command["description"]) <= 256:
                raise bad_request("command description must be 1-256 characters")
        self.commands[self._commands_key(params)] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    async def _set_my_description(self, params: dict[str, Any], raw: RawRequest) -> bool:
        return self._set_text(self.descriptions, params, "description", 512)

    async def _set_my_short_description(self, params: dict[str, Any], raw: RawRequest) -> bool:
        return self._set_text(self.short_descriptions, params, "short_description", 120)

    async def _get_my_description(self, params: dict[str, Any], raw: RawRequest) -> dict[str, str]:
        return {"description": self.descriptions.get(params.get("language_code", ""), "")}

    async def _get_my_short_description(
        self, params: dict[str, Any], raw: RawRequest
    ) -> dict[str, str]:
        key = params.get("language_code", "")
        return {"short_description": self.short_descriptions.get(key, "")}

    @staticmethod
    def _set_text(store: dict[str, str], params: dict[str, Any], field: str, limit: int) -> bool:
        """Telegram's limits: 0-`limit` characters; an empty text removes that language's."""
        text = params.get(field, "")
        if len(text) > limit:
            raise bad_request(f"{field} is too long (at most {limit} characters)")
        code = params.get("language_code", "")
        if text:
            store[code] = text
        else:
            store.pop(code, None)
        return True

    async def _get_my_commands(
        self, params: dict[str, Any], raw: RawRequest
    ) -> list[dict[str, Any]]:
        return self.commands.get(self._commands_key(params), [])

    async def _delete_my_commands(self, params: dict[str, Any], raw: RawRequest) -> bool:
        self.commands.pop(self._commands_key(params), None)
        return True

    async def _set_chat_menu_button(self, params: dict[str, Any], raw: RawRequest) -> bool:
        button = params.get("menu_button") or {"type": "default"}
        if params.get("chat_id") is None:
            self.default_menu_button = button
        else:
            chat = self._resolve_chat(params["chat_id"])
            if chat.type != "private":
                raise bad_request("menu button can be set only in private chats")
            chat.menu_button = button
        return True

    async def _get_chat_menu_button(
        self, params: dict[str, Any], raw: RawRequest
    ) -> dict[str, Any]:
        if params.get("chat_id") is None:
            return self.default_menu_button
        chat = self._resolve_chat(params["chat_id"])
        return chat.menu_button or self.default_menu_button

    async def _create_forum_topic(self, params: dict[str, Any], raw: RawRequest) -> dict[str, Any]:
        chat = self._writable_chat(params["chat_id"])
        if not chat.is_forum:
            raise bad_request("the chat is not a forum")
        if chat.members.get(self.bot_id) not in {"administrator", "creator"}:
            raise bad_request("not enough rights to create a topic")
        name = params["name"]
        if not 1 <= len(name) <= 128:
            raise bad_request("TOPIC_TITLE_EMPTY" if not name else "topic name is too long")
        thread_id = self.add_forum_topic(chat.id, name, params.get("icon_color") or 7322096)
        topic = dict(chat.topics[thread_id])
        if params.get("icon_custom_emoji_id"):
            topic["icon_custom_emoji_id"] = params["icon_custom_emoji_id"]
            chat.topics[thread_id] = topic
        return topic

    async def _delete_forum_topic(self, params: dict[str, Any], raw: RawRequest) -> bool:
        """The topic and every message in it go (the bot needs can_delete_messages)."""
        chat = self._writable_chat(params["chat_id"])
        if not chat.is_forum:
            raise bad_request("the chat is not a forum")
        if chat.members.get(self.bot_id) not in {"administrator", "creator"}:
            raise bad_request("not enough rights to delete the topic")
        thread_id = params["message_thread_id"]
        if chat.topics.pop(thread_id, None) is None:
            raise bad_request("TOPIC_ID_INVALID")
        for msg in self.sent:
            if msg.chat_id == chat.id and msg.message_thread_id == thread_id:
                msg.deleted = True
        return True

    async def _get_chat(self, params: dict[str, Any], raw: RawRequest) -> dict[str, Any]:
        chat = self._resolve_chat(params["chat_id"])
        info = chat.to_dict()
        if chat.type == "private":
            user = self.users[chat.id]
            if user.last_name:
                info["last_name"] = user.last_name
        info.update(
            {
                "accent_color_id": 0,
                "max_reaction_count": 11,
                "accepted_gift_types": self._required_bool_fields("AcceptedGiftTypes", False),
            }
        )
        return info

    def _required_bool_fields(self, type_name: str, value: bool) -> dict[str, bool]:
        fields = self.spec.types[type_name].get("fields", [])
        return {f["name"]: value for f in fields if f["required"] and f["types"] == ["Boolean"]}

    def _member_json(self, status: str, user: dict[str, Any]) -> dict[str, Any]:
        type_name = {
            "creator": "ChatMemberOwner",
            "administrator": "ChatMemberAdministrator",
            "member": "ChatMemberMember",
            "restricted": "ChatMemberRestricted",
            "left": "ChatMemberLeft",
            "kicked": "ChatMemberBanned",
        }[status]
        member: dict[str, Any] = {"status": status, "user": user}
        member.update(self._required_bool_fields(type_name, status != "creator"))
        if status == "administrator":
            member["can_be_edited"] = False
            member["is_anonymous"] = False
            member["can_manage_topics"] = True
            member["can_pin_messages"] = True
            # newer than api.json 10.1 but required by aiogram 3.31's model
            member["can_send_welcome_messages"] = True
        if status in {"restricted", "kicked"}:
            member["until_date"] = 0
        return member

    def _user_dict(self, user_id: int) -> dict[str, Any]:
        if user_id == self.bot_id:
            return self._bot_public()
        user = self.users.get(user_id)
        if user is None:
            raise bad_request("user not found")
        return user.to_dict()

    async def _get_chat_member(self, params: dict[str, Any], raw: RawRequest) -> dict[str, Any]:
        chat = self._resolve_chat(params["chat_id"])
        user_id = params["user_id"]
        user = self._user_dict(user_id)
        if chat.type == "private":
            status = "member" if user_id in (chat.id, self.bot_id) else "left"
        else:
            status = chat.members.get(user_id, "left")
        return self._member_json(status, user)

    async def _get_chat_administrators(
        self, params: dict[str, Any], raw: RawRequest
    ) -> list[dict[str, Any]]:
        chat = self._resolve_chat(params["chat_id"])
        if chat.type == "private":
            raise bad_request("there are no administrators in the private chat")
        return [
            self._member_json(status, self._user_dict(user_id))
            for user_id, status in chat.members.items()
            if status in {"creator", "administrator"}
        ]

    async def _get_chat_member_count(self, params: dict[str, Any], raw: RawRequest) -> int:
        chat = self._resolve_chat(params["chat_id"])
        if chat.type == "private":
            return 2
        return sum(
            1
            for status in chat.members.values()
            if status in {"creator", "administrator", "member", "restricted"}
        )


async def _webhook_reply(response: Any) -> tuple[str, RawRequest] | None:
    """The method a bot put in its webhook response (aiogram: a multipart form; others: JSON)."""
    import aiohttp

    if response.content_type.startswith("multipart/"):
        fields: dict[str, Any] = {}
        reader = aiohttp.MultipartReader.from_response(response)
        while (part := await reader.next()) is not None:
            assert isinstance(part, aiohttp.BodyPartReader)
            fields[part.name or ""] = await part.text()
        name = fields.pop("method", None)
        return None if name is None else (name, RawRequest(params=fields, from_form=True))
    body = await response.read()
    data = json.loads(body) if body.strip() else None
    if isinstance(data, dict) and "method" in data:
        return data.pop("method"), RawRequest(params=data)
    return None
