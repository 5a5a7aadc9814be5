"""How the fake stores files and the bot's messages, and shows them as Bot API JSON."""

from __future__ import annotations

import hashlib
import io
import mimetypes
from typing import Any

from .models import FakeChat, FileInfo, SentMessage, StoredFile
from .state import FakeState, now
from .validation import ApiError, FormattedText, UploadedFile, bad_request, format_text

_FILE_ID_PREFIX = {
    "document": "BQACAgIAAxkBAAI",
    "photo": "AgACAgIAAxkBAAI",
    "sticker": "CAACAgIAAxkBAAI",
}


def _image_size(data: bytes) -> tuple[int, int]:
    """Real dimensions when Pillow can read the bytes, a plausible default otherwise."""
    try:
        from PIL import Image

        with Image.open(io.BytesIO(data)) as image:
            return image.size
    except Exception:
        return 1280, 960


class Content(FakeState):
    """Stored files, sent messages and their JSON: what every sending or updating area needs."""

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

    def _bot_public(self) -> dict[str, Any]:
        return {k: self.bot_user[k] for k in ("id", "is_bot", "first_name", "username")}

    def _topic_service_message(self, chat: FakeChat, thread_id: int) -> dict[str, Any] | None:
        topic = chat.topics.get(thread_id)
        if topic is None:
            return None
        return {
            "message_id": thread_id,
            "date": now(),
            "chat": chat.to_dict(),
            "from": self._bot_public(),
            "message_thread_id": thread_id,
            "is_topic_message": True,
            "forum_topic_created": {"name": topic["name"], "icon_color": topic["icon_color"]},
        }

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

    def _caption(self, params: dict[str, Any]) -> FormattedText | None:
        if "caption" not in params:
            return None
        return format_text(
            params["caption"],
            params.get("parse_mode"),
            params.get("caption_entities"),
            caption=True,
        )

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
            date=now(),
            parse_mode=params.get("parse_mode"),
            reply_markup=markup,
            message_thread_id=thread_id,
            reply_to_message_id=reply_to,
            params=params,
            **fields,
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
