"""Inline keyboards pressed by users, and answerCallbackQuery."""

from __future__ import annotations

from typing import Any

from .content import Content
from .models import FakeChat, SentMessage
from .state import QueuedUpdate
from .validation import RawRequest, bad_request

MAX_CALLBACK_ANSWER_TEXT = 200


class Callbacks(Content):
    """Callback queries (pressed, forged) and their answers."""

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
