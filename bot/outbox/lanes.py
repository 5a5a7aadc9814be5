"""The sender's two lanes, side by side: private chats (ids > 0) and groups (ids < 0). A
person's reply never waits behind an upload to the staff group."""

from __future__ import annotations

from bot.telemetry import metrics
from storage import OutboxItem

PRIVATE, GROUPS = "private", "groups"
LANES = (PRIVATE, GROUPS)

for _lane in LANES:  # exported (as 0) from the start: rate() needs a first sample
    metrics.OUTBOX_SENT.labels(lane=_lane)
    metrics.OUTBOX_GIVEN_UP.labels(lane=_lane)


def lane_of(item: OutboxItem) -> str:
    return GROUPS if item.chat_id < 0 else PRIVATE


def private_only(lane: str | None) -> bool | None:
    """`Outbox.due`'s filter for a lane (None: both)."""
    return None if lane is None else lane == PRIVATE
