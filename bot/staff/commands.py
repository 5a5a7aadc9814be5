"""Staff commands in the staff group, decided without any Telegram framework: `/find`, `/mine`
and `/stats`. Only members of the staff group get an answer with cases in it; the answer is
queued in the outbox as a reply to the command, keyed by that message (a command delivered
twice is answered once; a 429 only delays the answer)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.outbox.messages import Text
from bot.outbox.queue import queue
from bot.outbox.text_limits import MESSAGE_LIMIT, visible_length
from bot.staff.members import GetChatMember, is_staff
from bot.staff.workflow import Actor
from dialogs.i18n import Texts, texts
from dialogs.model import Case, Lang
from dialogs.validators import Valid
from dialogs.validators.links import ListingLinkRules, check_link
from storage import PeriodStats, Storage

COMMANDS = ("find", "mine", "stats")
LIST_LIMIT = 50
DEFAULT_DAYS = 30
MAX_DAYS = 3650
NUMBER = re.compile(r"^IP-\d{4}-\d{6}$", re.IGNORECASE)
USERNAME = re.compile(r"^@[A-Za-z0-9_]{3,32}$")


@dataclass(frozen=True)
class StaffCommand:
    """A command message in the staff group."""

    chat_id: int
    message_id: int
    thread_id: int | None
    actor: Actor
    name: str  # without the slash and the bot's @name
    args: str


def parse_command(text: str) -> tuple[str, str] | None:
    """`/find@ipbot anna` → ("find", "anna"); None for other commands and for text."""
    if not text.startswith("/"):
        return None
    head, _, args = text.partition(" ")
    name = head[1:].split("@", 1)[0].lower()
    return (name, args.strip()) if name in COMMANDS else None


async def answer_command(
    storage: Storage,
    staff_chat: int | None,
    command: StaffCommand,
    get_chat_member: GetChatMember,
    lang: Lang,
    now: datetime,
    link_rules: ListingLinkRules,
) -> bool:
    """Queue the answer to a staff command; False when it is not one for this bot here."""
    if staff_chat is None or command.chat_id != staff_chat:
        return False
    t = texts(lang)
    if not await is_staff(get_chat_member, staff_chat, command.actor.id):
        text = t("staff-refused")
    elif command.name == "find":
        text = await find(storage, command.args, t, link_rules)
    elif command.name == "mine":
        text = await mine(storage, command.actor, t)
    else:
        text = await stats(storage, command.args, t, now)
    answer = Text(
        chat_id=staff_chat,
        text=text,
        reply_to_message_id=command.message_id,
        message_thread_id=command.thread_id,
    )
    async with storage.db.transaction() as conn:
        key = f"staff-command:{staff_chat}:{command.message_id}"
        await queue(conn, storage, answer, key=key)
    return True


async def find(storage: Storage, query: str, t: Texts, rules: ListingLinkRules) -> str:
    query = query.strip()
    if not query:
        return t("staff-find-usage")
    search = storage.search
    if NUMBER.match(query):
        found = await search.by_number(query.upper(), LIST_LIMIT)
    elif USERNAME.match(query):
        found = await search.by_username(query, LIST_LIMIT)
    elif query.lower().startswith(("http://", "https://")) or "/" in query:
        checked = check_link(query, rules)
        canonical = checked.value if isinstance(checked, Valid) else None
        found = await search.by_link(canonical, query, LIST_LIMIT)
    else:
        found = await search.by_rights(query, LIST_LIMIT)
        if query.isdigit():
            by_user = await search.by_claimant(int(query), LIST_LIMIT)
            found = _merge(by_user, found)
    if not found:
        return t("staff-find-none", query=query)
    return case_list(t("staff-find-title", query=query, count=len(found)), found, t)


async def mine(storage: Storage, actor: Actor, t: Texts) -> str:
    held = await storage.search.held_by(actor.id, LIST_LIMIT)
    if not held:
        return t("staff-mine-none")
    return case_list(t("staff-mine-title", count=len(held)), held, t)


async def stats(storage: Storage, args: str, t: Texts, now: datetime) -> str:
    raw = args.strip() or str(DEFAULT_DAYS)
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_DAYS:
        return t("staff-stats-usage")
    days = int(raw)
    figures = await storage.stats.since(now - timedelta(days=days))
    return stats_text(figures, days, t)


def stats_text(figures: PeriodStats, days: int, t: Texts) -> str:
    statuses = ", ".join(
        t.plain("staff-stats-status", status=t.plain(f"status-{s.value}"), count=n)
        for s, n in figures.by_status.items()
    )
    return t(
        "staff-stats",
        days=days,
        since=figures.since.strftime("%Y-%m-%d"),
        total=figures.total,
        statuses=statuses,
        first=_duration(figures.to_first_action, t),
        acted=figures.acted_on,
        decision=_duration(figures.to_decision, t),
        decided=figures.decided,
    )


def _duration(span: timedelta | None, t: Texts) -> str:
    if span is None:
        return t.plain("staff-stats-none")
    return t.plain("staff-stats-hours", hours=f"{span.total_seconds() / 3600:.1f}")


def _merge(first: list[Case], second: list[Case]) -> list[Case]:
    seen = {c.id for c in first}
    return [*first, *(c for c in second if c.id not in seen)]


def case_line(case: Case, t: Texts) -> str:
    return t(
        "staff-case-line",
        number=case.number,
        status=t.plain(f"status-{case.status.value}"),
        date=case.submitted_at.strftime("%Y-%m-%d"),
        holder=case.draft.answers.get("rights_holder", "—"),
        assignee=case.assignee_name or "—",
    )


def case_list(title: str, cases: list[Case], t: Texts, limit: int = MESSAGE_LIMIT) -> str:
    """A title and a line per case, as many as fit in one Telegram message."""
    lines = [title]
    for shown, case in enumerate(cases):
        line = case_line(case, t)
        more = t("staff-list-more", count=len(cases) - shown)
        if visible_length("\n".join([*lines, line, more])) > limit:
            lines.append(more)
            break
        lines.append(line)
    return "\n".join(lines)
