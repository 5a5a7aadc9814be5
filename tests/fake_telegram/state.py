"""State of the fake Bot API shared by every API area: users, chats, messages, queued updates,
waiting for changes. The areas (messages.py, files.py, ...) are mixins over this base."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
import time
from collections.abc import Awaitable, Callable, Generator
from pathlib import Path
from typing import Any

from aiohttp import web

from .models import FakeChat, FakeUser, InjectedFailure, RecordedRequest, SentMessage, StoredFile
from .spec import ApiSpec, load_spec
from .validation import ApiError, RawRequest, UploadedFile, Validator, bad_request

MAX_UPLOAD_SIZE = 50 * 1024 * 1024  # sendDocument limit of the cloud Bot API


Handler = Callable[[dict[str, Any], RawRequest], Awaitable[Any]]


class QueuedUpdate(dict[str, Any]):
    """Update dict a `user_*` helper queued; also awaitable so `await fake.user_...()` works."""

    def __await__(self) -> Generator[Any, None, QueuedUpdate]:
        yield from asyncio.sleep(0).__await__()
        return self


def now() -> int:
    return int(time.time())


def json_response(body: dict[str, Any], status: int = 200) -> web.Response:
    return web.json_response(body, status=status, dumps=lambda o: json.dumps(o, ensure_ascii=False))


def printable(value: Any) -> Any:
    if isinstance(value, UploadedFile):
        return f"<file {value.filename!r} {len(value.data)} bytes>"
    if isinstance(value, dict):
        return {k: printable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [printable(v) for v in value]
    return value


class FakeState:
    """Everything the API areas share: the recorded state and the ways to reach it."""

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
        # method name (lower case) -> handler; the composed class fills it
        self._handlers: dict[str, Handler] = {}

    def _notify(self) -> None:
        event, self._event = self._event, asyncio.Event()
        event.set()

    async def _wait_change(self, timeout: float) -> None:
        event = self._event
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), timeout)

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

    def messages(self, chat_id: int, *, include_deleted: bool = True) -> list[SentMessage]:
        """Messages the bot sent to a chat, oldest first."""
        return [m for m in self.sent if m.chat_id == chat_id and (include_deleted or not m.deleted)]

    def message(self, chat_id: int, message_id: int) -> SentMessage:
        try:
            return self._bot_msgs[(chat_id, message_id)]
        except KeyError:
            raise AssertionError(
                f"bot sent no message {message_id} in chat {chat_id}\n{self.dump(chat_id)}"
            ) from None

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

    async def _handle_not_found(self, request: web.Request) -> web.Response:
        return json_response({"ok": False, "error_code": 404, "description": "Not Found"}, 404)

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
