"""Per-user flood control, framework-free: a person does not send more than about 20 updates in
10 seconds. Past that, the user gets one "please slow down" notice and the updates that follow
are answered by nothing (and change nothing) until their rate falls below the limit again.

Only claimants in private chats are counted (the update router decides which updates to pass);
other users and the staff group are never held back. A throttled update is still handled as
far as Telegram is concerned: it is confirmed like any other, so it is never delivered again.
"""

from __future__ import annotations

import enum
import time
from collections import deque
from collections.abc import Callable

from dialogs.i18n import pick_lang, texts
from dialogs.replies import Reply
from storage import Storage

THROTTLE_UPDATES = 20
THROTTLE_SECONDS = 10.0
NOTICE_KEY = "throttle-slow-down"


class Verdict(enum.Enum):
    PASS = "pass"  # handle it as usual
    NOTICE = "notice"  # the first one over the limit: answer with the notice only
    DROP = "drop"  # over the limit, already told: answer nothing


class Throttle:
    """A sliding window of each user's latest arrivals (every update counts, dropped ones too,
    so a user who keeps flooding stays quiet until they stop)."""

    def __init__(
        self,
        limit: int = THROTTLE_UPDATES,
        window: float = THROTTLE_SECONDS,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._arrivals: dict[int, deque[float]] = {}
        self._told: set[int] = set()
        self._albums: dict[int, str] = {}  # the latest album of each user
        self._checks = 0

    def check(self, user_id: int, album: str | None = None) -> Verdict:
        """The verdict on one update; the items of one album (`media_group_id`, up to 10
        updates sent with one tap) count as one."""
        now = self.clock()
        arrivals = self._arrivals.setdefault(user_id, deque(maxlen=self.limit + 1))
        if album is not None and self._albums.get(user_id) == album:
            return Verdict.DROP if user_id in self._told else Verdict.PASS
        if album is not None:
            self._albums[user_id] = album
        arrivals.append(now)
        self._checks += 1
        if self._checks % 1024 == 0:
            self._forget_idle(now)
        over = len(arrivals) > self.limit and now - arrivals[0] < self.window
        if not over:
            self._told.discard(user_id)
            return Verdict.PASS
        if user_id in self._told:
            return Verdict.DROP
        self._told.add(user_id)
        return Verdict.NOTICE

    def _forget_idle(self, now: float) -> None:
        idle = [u for u, times in self._arrivals.items() if now - times[-1] >= self.window]
        for user_id in idle:
            del self._arrivals[user_id]
            self._albums.pop(user_id, None)
            self._told.discard(user_id)


async def slow_down_notice(storage: Storage, user_id: int, language_code: str | None) -> Reply:
    """The notice, in the language of the user's draft (else their Telegram language)."""
    draft = await storage.drafts.load(user_id)
    lang = draft.lang if draft is not None else pick_lang(language_code)
    return Reply(texts(lang)(NOTICE_KEY))
