"""Which staff group a case goes to, when several are configured (`STAFF_CHAT_IDS`,
`STAFF_ROUTES`): by the right infringed where a route names one, else in turn. The group is
recorded with the case when it is submitted, so a change of settings moves no case; everything
about the case (card, files, answers, seller notice) then goes to that group."""

from __future__ import annotations

from bot.config.settings import Settings
from dialogs.model import Case
from storage import Storage
from storage.chat_states import ChatStates
from storage.database import Connection


def route_case(case: Case, settings: Settings) -> int | None:
    """The staff group for a new case: its right type's route, else the groups in turn (by
    case id, which rises by one per case); None when no staff group is configured."""
    right = case.draft.answers.get("right_type")
    if right is not None and right in settings.staff_routes:
        return settings.staff_routes[right]
    routed = set(settings.staff_routes.values())
    pool = [chat for chat in settings.staff_chats if chat not in routed] or list(
        settings.staff_chats
    )
    if not pool:
        return None
    return pool[case.id % len(pool)]


async def staff_chat_of(
    storage: Storage, case_id: int, settings: Settings, conn: Connection | None = None
) -> int | None:
    """The staff group recorded for the case; STAFF_CHAT_ID (or the first group) for a case
    from before groups were recorded."""
    recorded = await storage.cases.staff_chat(case_id, conn=conn)
    if recorded is not None:
        return recorded
    return settings.staff_chats[0] if settings.staff_chats else None


async def migrated_staff_groups(storage: Storage, settings: Settings) -> dict[int, int]:
    """The configured staff groups Telegram has since upgraded to supergroups: configured id ->
    the new id to configure instead. The bot already sends there (recorded by the outbox sender
    on Telegram's `migrate_to_chat_id`); `python -m bot check` warns until settings follow."""
    moved = await ChatStates(storage.db).migrations()
    return {chat: moved[chat] for chat in settings.staff_chats if chat in moved}
