"""Who may act on cases, and how an actor is named in the audit trail (framework-free: both
runtimes pass Telegram's answer to getChatMember in)."""

from __future__ import annotations

ACTING_STATUSES = frozenset({"creator", "administrator", "member"})


def may_act(status: str, *, is_member: bool = False) -> bool:
    """A member of the staff group (a restricted one too, while still a member)."""
    return status in ACTING_STATUSES or (status == "restricted" and is_member)


def actor_name(full_name: str, username: str | None) -> str:
    return full_name + (f" (@{username})" if username else "")
