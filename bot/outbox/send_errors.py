"""Telegram's error answers, one table for both runtimes: which class each answer is in, and what
the outbox sender does about it.

A runtime's transport translates its framework's exception into an HTTP status, Telegram's
description and the response parameters (`retry_after`, `migrate_to_chat_id`); `classify` puts
that in a class, the same on aiogram and python-telegram-bot; the sender acts on the class.

| answer                                            | class        | what happens                  |
| ------------------------------------------------- | ------------ | ----------------------------- |
| 429 with `retry_after`                            | FLOOD        | wait `retry_after`, same call |
| 5xx, a dropped connection, a timeout              | UNREACHABLE  | same call, doubling the wait  |
| 413 Request Entity Too Large                      | TOO_LARGE    | never again; staff told how   |
|                                                   |              | to get it (`bot export`)      |
| 401 Unauthorized (token revoked or rotated)       | UNAUTHORIZED | stop sending, keep the queue, |
|                                                   |              | unhealthy; resume on restart  |
| 400 with `migrate_to_chat_id`                     | MIGRATED     | record the new id, send there |
| 403 "bot was blocked by the user"                 | BLOCKED      | claimant marked unreachable,  |
|                                                   |              | shown on the card; no retry   |
| any other 400, 403, 404                           | REFUSED      | given up                      |
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

NETWORK_RETRY_SECONDS = 1.0  # doubled by the sender for each further failure


class ErrorClass(StrEnum):
    FLOOD = "flood"
    UNREACHABLE = "unreachable"
    TOO_LARGE = "too_large"
    UNAUTHORIZED = "unauthorized"
    MIGRATED = "migrated"
    BLOCKED = "blocked"
    REFUSED = "refused"


BLOCKED_BY_USER = "bot was blocked by the user"


class SendFailed(Exception):
    """A Bot API call that Telegram did not accept, in one of the classes above."""

    def __init__(
        self,
        error_class: ErrorClass,
        reason: str,
        *,
        seconds: float = 0.0,
        migrate_to_chat_id: int | None = None,
    ) -> None:
        super().__init__(reason)
        self.error_class = error_class
        self.reason = reason
        self.seconds = seconds
        self.migrate_to_chat_id = migrate_to_chat_id

    @property
    def backoff(self) -> bool:
        return self.error_class is ErrorClass.UNREACHABLE


class RetryLater(SendFailed):
    """Telegram asked us to wait (429) or could not be reached; try again after `seconds`
    (with `backoff`, doubled for every earlier failed attempt)."""

    def __init__(self, seconds: float, reason: str, *, backoff: bool = False) -> None:
        kind = ErrorClass.UNREACHABLE if backoff else ErrorClass.FLOOD
        super().__init__(kind, reason, seconds=seconds)


class Undeliverable(SendFailed):
    """The same call will never succeed: refused (a 400 bad request, say), or another class
    of the table but the two above."""

    def __init__(
        self,
        reason: str,
        error_class: ErrorClass = ErrorClass.REFUSED,
        *,
        migrate_to_chat_id: int | None = None,
    ) -> None:
        super().__init__(error_class, reason, migrate_to_chat_id=migrate_to_chat_id)


@dataclass(frozen=True)
class Answer:
    """A Bot API error answer as a framework reports it (status None: no answer at all)."""

    status: int | None
    description: str
    retry_after: float | None = None
    migrate_to_chat_id: int | None = None


def classify(answer: Answer) -> SendFailed:
    """The table above, from an answer to the exception the sender acts on."""
    status, text = answer.status, answer.description
    if answer.retry_after is not None or status == 429:
        return RetryLater(float(answer.retry_after or 1), text)
    if answer.migrate_to_chat_id is not None:
        moved = answer.migrate_to_chat_id
        return Undeliverable(text, ErrorClass.MIGRATED, migrate_to_chat_id=moved)
    if status is None or status >= 500:
        return RetryLater(NETWORK_RETRY_SECONDS, text, backoff=True)
    if status == 413:
        return Undeliverable(text, ErrorClass.TOO_LARGE)
    if status == 401:
        return Undeliverable(text, ErrorClass.UNAUTHORIZED)
    if status == 403 and BLOCKED_BY_USER in text.lower():
        return Undeliverable(text, ErrorClass.BLOCKED)
    return Undeliverable(text)
