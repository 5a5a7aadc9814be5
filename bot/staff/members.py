"""Who may act on cases, and how an actor is named in the audit trail (framework-free: both
runtimes pass Telegram's answer to getChatMember in)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

ACTING_STATUSES = frozenset({"creator", "administrator", "member"})
GetChatMember = Callable[[int, int], Awaitable[Any]]  # the runtime's bot.get_chat_member


def may_act(status: str, *, is_member: bool = False) -> bool:
    """A member of the staff group (a restricted one too, while still a member)."""
    return status in ACTING_STATUSES or (status == "restricted" and is_member)


def actor_name(full_name: str, username: str | None) -> str:
    return full_name + (f" (@{username})" if username else "")


async def is_staff(get_chat_member: GetChatMember, staff_chat: int | None, user_id: int) -> bool:
    """Asked of Telegram every time: someone removed from the group loses the right at once."""
    if staff_chat is None:
        return False
    member = await get_chat_member(staff_chat, user_id)
    status = getattr(member.status, "value", member.status)
    return may_act(status, is_member=bool(getattr(member, "is_member", False)))
