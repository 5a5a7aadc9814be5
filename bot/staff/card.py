"""The case card staff act on: one message per case, edited in place as the case moves.

Its buttons carry only an action; the case is found server-side from the message the button
is attached to, so callback data cannot be forged into acting on another case.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import tzinfo
from typing import Any

from bot.outbox.text_limits import visible_length
from bot.staff.decision_protocol import ACCEPTED_MARK
from bot.staff.outcomes import summary
from bot.staff.undelivered import undelivered_names
from bot.staff.workflow import DECIDED, card_actions
from dialogs.filenames import shown_name
from dialogs.flow import STEPS
from dialogs.i18n import Texts, cut, texts
from dialogs.model import Case, CaseStatus, FileSection, Lang
from dialogs.progress import missing_steps
from dialogs.render import DISPLAY_TZ, local_time, plain_answer, with_role
from storage import Storage
from storage.chat_states import ChatStates
from storage.database import Connection

DECISION_ACTIONS = ("accepted", "rejected", "forwarded", "withdrawn")
CAPTION_LIMIT = 1024  # a compact card fits a caption

STAFF_PREFIX = "st"
UNDELIVERED_NAME_CHARS = 80
CARD_LINKS = 20  # the card stays one caption; the dossier PDF it is attached to lists every link
CITED_STEPS = ("rights_number", "work_description")  # the offices are shown with the numbers
FILES_ACTION = "files"  # "📎 Files": the originals on demand (bot.staff.files_on_demand)


def staff_button_data(action: str, arg: str = "") -> str:
    return f"{STAFF_PREFIX}:{action}:{arg}"


@dataclass(frozen=True)
class Card:
    text: str
    markup: dict[str, Any]


async def render_card(
    storage: Storage,
    case: Case,
    lang: Lang,
    *,
    username: str | None = None,
    limit: int = CAPTION_LIMIT,
    conn: Connection | None = None,
    tz: tzinfo = DISPLAY_TZ,
) -> Card:
    """Everything needed to decide, in at most `limit` visible characters (a caption's 1024:
    the card is the dossier PDF's caption): the essentials first, then the details, then the
    listings — the lower parts shortened first when space runs out. With `conn`, drawn as
    the transaction making a change sees the case. Times in `tz` (TIME_ZONE), as claimants
    see theirs."""
    t = texts(lang)
    draft = case.draft
    username = username or await storage.cases.claimant_username(case.id)
    essentials = [
        t(
            "staff-card-title",
            number=case.number,
            status=t.plain(f"status-{case.status.value}"),
        ),
        t("staff-card-submitted", at=local_time(case.submitted_at, tz)),
        t(
            "staff-card-claimant",
            name=draft.answers.get("contact_name", "—"),
            user_id=str(case.user_id),
            username=f"@{username}" if username else "—",
        ),
    ]
    if await ChatStates(storage.db).is_unreachable(case.chat_id, conn):  # blocked the bot
        essentials.append(t("staff-card-unreachable"))
    if case.assignee_name:
        essentials.append(t("staff-card-assignee", name=case.assignee_name))
    essentials.extend(await _decision_lines(storage, case, t, conn, tz))
    if reported := await storage.listing_outcomes.current(case.id, conn=conn):
        total = len(draft.links)
        essentials.append(t("staff-card-outcomes", summary=summary(t, reported, total)))
    essentials.extend(_matter_lines(case, t))
    details = []
    record = await storage.cases.claimant_record(case.user_id, exclude_case_id=case.id)
    details.append(
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
        details.append(t("staff-card-earlier", cases=listed))
    if undelivered := await undelivered_names(storage, case.id):  # issue 6: files not posted
        names = ", ".join(cut(shown_name(name), UNDELIVERED_NAME_CHARS) for name in undelivered)
        essentials.append(t("staff-card-undelivered", count=len(undelivered), names=names))
    links = [f"{i}. {html.escape(link)}" for i, link in enumerate(draft.links[:CARD_LINKS], 1)]
    text = _fit(essentials, details, links, len(draft.links), t, limit)
    return Card(text, card_markup(case, lang))


def _matter_lines(case: Case, t: Texts) -> list[str]:
    """What the complaint is: the right, the holder, the rights cited, who files, the files
    by section and anything missing."""
    answers = case.draft.answers
    right = answers.get("right_type")
    kind = t.plain(f"val-right_type-{right}") if right else "—"
    if right == "patent" and answers.get("patent_kind"):
        kind += f" ({t.plain('val-patent_kind-' + answers['patent_kind'])})"
    # Each registration with its office ("654321 — Rospatent; 765432 — WIPO"), as the review.
    cited = " · ".join(
        value for value in (plain_answer(case.draft, STEPS[key], t) for key in CITED_STEPS) if value
    )
    files = ", ".join(
        f"{t.plain('file-section-' + section.value)} {len(case.draft.files_in(section))}"
        for section in FileSection
    )
    lines = [
        t("staff-card-right", right=kind, role=with_role(case.draft, t) or "—"),
        t("staff-card-holder", holder=answers.get("rights_holder", "—"), cited=cited or "—"),
        t("staff-card-claim", claim=_claim(case, t) or "—"),
        t("staff-card-files", listings=len(case.draft.links), files=files),
    ]
    if answers.get("rights_docs_cover"):  # fewer documents than rights, said to cover them all
        lines.append(
            t(
                "staff-card-docs-cover",
                rights=len(answers.get("rights_number", "").splitlines()),
                documents=len(case.draft.files_in(FileSection.RIGHTS_DOCS)),
            )
        )
    missing = [t.plain(f"label-{step.id}") for step in missing_steps(case.draft)]
    missing += [
        t.plain(f"file-section-{section.value}")
        for section in FileSection
        if not case.draft.files_in(section)
    ]
    if missing:
        lines.append(t("staff-card-missing", missing=", ".join(missing)))
    return lines


def _claim(case: Case, t: Texts) -> str:
    """What the claimant asks the platform to do, in their words when they chose "other"."""
    draft = case.draft
    chosen = plain_answer(draft, STEPS["claim_subject"], t)
    own = draft.answers.get("claim_subject_other", "")
    return f"{chosen}: {own}" if chosen and own else chosen or own


async def _decision_lines(
    storage: Storage, case: Case, t: Texts, conn: Connection | None, tz: tzinfo
) -> list[str]:
    """After a decision: who, when and why."""
    if case.status not in DECIDED:
        return []
    trail = await storage.audit.for_case(case.id, conn=conn)
    entries = [e for e in trail if e.action in DECISION_ACTIONS]
    if not entries:
        return []
    last = entries[-1]
    reason = last.detail.get("reason")
    why = t.plain(f"staff-reason-{reason}") if reason else ""
    if last.detail.get("note"):
        why = f"{why}: {last.detail['note']}" if why else str(last.detail["note"])
    if isinstance(outcomes := last.detail.get("listings"), list):  # decided per listing
        accepted = sum(outcome == ACCEPTED_MARK for outcome in outcomes)
        why = t.plain("staff-card-per-listing", accepted=accepted, total=len(outcomes))
    return [
        t(
            "staff-card-decided",
            decision=t.plain(f"status-{case.status.value}"),
            who=last.actor_name or "—",
            at=local_time(last.at, tz),
            reason=why or "—",
        )
    ]


def _fit(
    essentials: list[str], details: list[str], links: list[str], total: int, t: Texts, limit: int
) -> str:
    """As much as fits in `limit`: essentials, details, then as many links as fit."""
    text = ""
    for line in [*essentials, *details]:
        candidate = f"{text}\n{line}" if text else line
        if visible_length(candidate) > limit:
            break
        text = candidate
    shown: list[str] = []
    for link in links:
        more = t("links-more", count=total - len(shown) - 1) if len(shown) + 1 < total else ""
        candidate = "\n".join([text, "", *shown, link, more]).rstrip()
        if visible_length(candidate) > limit:
            break
        shown.append(link)
    rest = total - len(shown)
    tail = [t("links-more", count=rest)] if rest and shown else []
    if not shown and total:
        tail = [t("staff-card-listings-count", count=total)]
    body = "\n".join([text, "", *shown, *tail]).rstrip()
    return body if visible_length(body) <= limit else text


def card_markup(case: Case, lang: Lang) -> dict[str, Any]:
    t = texts(lang)
    buttons = [
        {"text": t.plain(f"staff-btn-{action}"), "callback_data": staff_button_data(action)}
        for action in card_actions(case.status, len(case.draft.links))
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    if not rows:
        return {"inline_keyboard": []}  # decided: nothing left to press
    files = {
        "text": t.plain(f"staff-btn-{FILES_ACTION}"),
        "callback_data": staff_button_data(FILES_ACTION),
    }
    return {"inline_keyboard": [*rows, [files]]}
