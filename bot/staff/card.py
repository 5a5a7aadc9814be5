"""The case card staff act on: one message per case, edited in place as the case moves.

Its buttons carry only an action; the case is found server-side from the message the button
is attached to, so callback data cannot be forged into acting on another case.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from bot.staff.undelivered import undelivered_names
from bot.staff.workflow import card_actions
from dialogs.filenames import shown_name
from dialogs.i18n import cut, texts
from dialogs.model import Case, CaseStatus, Lang
from storage import Storage

STAFF_PREFIX = "st"
UNDELIVERED_NAME_CHARS = 80
CARD_LINKS = 20  # the card stays one short message; the dossier above it lists every link


def staff_button_data(action: str, arg: str = "") -> str:
    return f"{STAFF_PREFIX}:{action}:{arg}"


@dataclass(frozen=True)
class Card:
    text: str
    markup: dict[str, Any]


async def render_card(
    storage: Storage, case: Case, lang: Lang, *, username: str | None = None
) -> Card:
    t = texts(lang)
    draft = case.draft
    lines = [
        t(
            "staff-card-title",
            number=case.number,
            status=t.plain(f"status-{case.status.value}"),
        ),
        t("staff-card-submitted", at=case.submitted_at.strftime("%Y-%m-%d %H:%M UTC")),
        t(
            "staff-card-claimant",
            name=draft.answers.get("contact_name", "—"),
            user_id=str(case.user_id),
            username=f"@{username}" if username else "—",
        ),
    ]
    if case.assignee_name:
        lines.append(t("staff-card-assignee", name=case.assignee_name))
    record = await storage.cases.claimant_record(case.user_id, exclude_case_id=case.id)
    lines.append(
        t(
            "staff-card-record",
            filed=sum(record.values()),
            accepted=record[CaseStatus.ACCEPTED] + record[CaseStatus.FORWARDED],
            rejected=record[CaseStatus.REJECTED],
        )
    )
    earlier: dict[str, Case] = {}
    for link in draft.links:
        for other in await storage.cases.cases_with_link(link, exclude_case_id=case.id):
            earlier.setdefault(other.number, other)
    if earlier:
        listed = ", ".join(
            f"{number} ({t.plain('status-' + other.status.value)})"
            for number, other in earlier.items()
        )
        lines.append(t("staff-card-earlier", cases=listed))
    if undelivered := await undelivered_names(storage, case.id):  # issue 6: files not posted
        names = ", ".join(cut(shown_name(name), UNDELIVERED_NAME_CHARS) for name in undelivered)
        lines.append(t("staff-card-undelivered", count=len(undelivered), names=names))
    links = [f"{i}. {html.escape(link)}" for i, link in enumerate(draft.links[:CARD_LINKS], 1)]
    if len(draft.links) > CARD_LINKS:
        links.append(t("links-more", count=len(draft.links) - CARD_LINKS))
    text = "\n".join(lines) + "\n\n" + "\n".join(links)
    return Card(text, card_markup(case, lang))


def card_markup(case: Case, lang: Lang) -> dict[str, Any]:
    t = texts(lang)
    buttons = [
        {"text": t.plain(f"staff-btn-{action}"), "callback_data": staff_button_data(action)}
        for action in card_actions(case.status)
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    return {"inline_keyboard": rows}
