"""An in-process fake of the Telegram Bot API served over real HTTP on 127.0.0.1.

The bot under test talks to it with its normal client (aiogram or python-telegram-bot) pointed at
`fake.base_url`, so serialisation, HTML escaping, keyboard limits and retries are exercised the
way they would be against api.telegram.org. Tests drive users with `user_*` helpers and assert
on what the bot sent with `wait_for_message`, `messages`, etc.

This module is the aiohttp app (routing, token check, recording, injected faults); each API
area is a mixin in its own module (updates, messages, files, callbacks, members, topics, bot
settings, simulated users, inspection) over the shared state of `state.FakeState`.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Self

from aiohttp import BodyPartReader, web

from .bot_settings import BotSettings
from .callbacks import Callbacks
from .files import Files
from .inspection import Inspection
from .members import Members
from .messages import Messages
from .models import InjectedFailure, RecordedRequest
from .state import MAX_UPLOAD_SIZE, QueuedUpdate, json_response, printable
from .topics import Topics
from .updates import Updates
from .users import SimulatedUsers
from .validation import ApiError, RawRequest, UploadedFile, bad_request

logger = logging.getLogger(__name__)


class FakeTelegram(
    Inspection, SimulatedUsers, Callbacks, Updates, Messages, Files, Members, Topics, BotSettings
):
    """Fake Bot API server. Use `async with FakeTelegram() as fake:` or start()/stop()."""

    def __init__(
        self,
        token: str = "123456:TEST",
        *,
        bot_username: str = "intake_test_bot",
        bot_first_name: str = "Intake Test Bot",
        spec_path: str | None = None,
    ) -> None:
        super().__init__(
            token,
            bot_username=bot_username,
            bot_first_name=bot_first_name,
            spec_path=spec_path,
        )
        self._handlers = {
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

    def rotate_token(self, token: str) -> None:
        """The token is revoked (@BotFather): calls with the old one get 401 Unauthorized."""
        if int(token.split(":", 1)[0]) != self.bot_id:
            raise ValueError("a new token of the same bot keeps its id")
        self.token = token

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
            return json_response(
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
            record.params = printable(raw.params)
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
            return json_response(err.to_json(), err.error_code)
        except Exception as exc:  # a bug in the fake: answer like Telegram's 500, keep details
            logger.exception("fake Telegram failed on %s", method["name"])
            err = ApiError(500, f"Internal Server Error: fake failed: {exc!r}")
            record.ok = False
            record.error_code = err.error_code
            record.description = err.description
            self._notify()
            return json_response(err.to_json(), err.error_code)
        record.result = result
        self._notify()
        if injected is not None:  # performed; the answer is lost with the connection
            record.description = injected.description
            return await self._drop(request)
        return json_response({"ok": True, "result": result})

    @staticmethod
    async def _drop(request: web.Request) -> web.StreamResponse:
        """Close the connection with no answer at all: the client sees a disconnect."""
        assert request.transport is not None
        request.transport.close()
        return web.Response(status=500)  # never written: the transport is gone

    async def _true(self, params: dict[str, Any], raw: RawRequest) -> bool:
        return True

    async def _get_me(self, params: dict[str, Any], raw: RawRequest) -> dict[str, Any]:
        return dict(self.bot_user)
