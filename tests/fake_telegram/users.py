"""Simulated users: the messages a test makes a user send to the bot."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .content import Content
from .models import FakeChat, FakeUser
from .state import QueuedUpdate, now


class SimulatedUsers(Content):
    """The `user_sends_*` helpers; each queues an update for getUpdates or the webhook."""

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
            "date": now(),
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
