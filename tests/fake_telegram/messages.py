"""Text messages: sendMessage, copy/forward, edits, and deletion (with the 48-hour rule)."""

from __future__ import annotations

from typing import Any

from .content import Content
from .models import FakeChat, SentMessage
from .state import now
from .validation import ApiError, FormattedText, RawRequest, bad_request, format_text

_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)


_CANT_DELETE = "message can't be deleted"


DELETE_WITHIN_SECONDS = 48 * 3600  # a message can only be deleted if sent less than 48 h ago


class Messages(Content):
    """Sending, copying, forwarding, editing and deleting messages."""

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
        origin = {"type": "user", "date": now(), "sender_user": sender}
        msg = self._new_sent(
            chat,
            "forwardMessage",
            {**params, "_forward_origin": origin, "reply_markup": None},
            forward_from_chat_id=self._resolve_chat(params["from_chat_id"]).id,
            **content,
        )
        return self._message_json(self._store_sent(msg))

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
            "date": now(),
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
        msg.edit_date = now()
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
        msg.edit_date = now()
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
        msg.edit_date = now()
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
            if now() - bot_msg.date >= DELETE_WITHIN_SECONDS:
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
