"""Forum topics: created by an admin (a test) or by the bot, and deleted."""

from __future__ import annotations

from typing import Any

from .content import Content
from .validation import RawRequest, bad_request


class Topics(Content):
    """createForumTopic, deleteForumTopic and the setup helper."""

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
