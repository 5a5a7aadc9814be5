"""Groups and their members: setup helpers, getChat, getChatMember and friends."""

from __future__ import annotations

from typing import Any

from .content import Content
from .models import FakeChat
from .validation import RawRequest, bad_request

MEMBER_STATUSES = frozenset({"creator", "administrator", "member", "restricted", "left", "kicked"})


class Members(Content):
    """Chats and membership."""

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

    def migrate_group(self, chat_id: int, new_chat_id: int) -> FakeChat:
        """The group becomes a supergroup (same title and members) with `new_chat_id`; any
        call naming the old id gets Telegram's 400 with `migrate_to_chat_id`."""
        old = self._chat_or_fail(chat_id)
        if old.type != "group" or not str(new_chat_id).startswith("-100"):
            raise ValueError("only a basic group migrates, to a -100… supergroup id")
        new = self.add_group(new_chat_id, old.title or "", members=dict(old.members))
        old.migrated_to = new_chat_id
        return new

    def user_blocks_bot(self, user_id: int, blocked: bool = True) -> None:
        """Further sends to this user fail with 403 "Forbidden: bot was blocked by the user"."""
        self._user(user_id).blocked_bot = blocked

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
