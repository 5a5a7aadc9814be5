"""What tests read and wait for: sent messages, requests, callback answers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .content import Content
from .models import RecordedRequest, SentMessage


class Inspection(Content):
    """Reading and waiting helpers for assertions."""

    def last_message(self, chat_id: int) -> SentMessage | None:
        msgs = self.messages(chat_id, include_deleted=False)
        return msgs[-1] if msgs else None

    def calls(self, method: str) -> list[RecordedRequest]:
        """Recorded requests of one method (case-insensitive)."""
        return [r for r in self.requests if r.method.lower() == method.lower()]

    def user_message(self, chat_id: int, message_id: int) -> dict[str, Any]:
        return self._user_msgs[(chat_id, message_id)]

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
