"""The bot's own settings: commands, descriptions, menu button; chat actions."""

from __future__ import annotations

import json
from typing import Any

from .content import Content
from .validation import RawRequest, bad_request

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


class BotSettings(Content):
    """setMyCommands and friends, setChatMenuButton, sendChatAction."""

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
