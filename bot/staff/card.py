"""The case card staff act on: one message per case, edited in place as the case moves.

Its buttons carry only an action; the case is found server-side from the message the button
is attached to, so callback data cannot be forged into acting on another case.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import tzinfo

from bot.outbox.messages import Button, Keyboard
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
from storage.audit import AuditEntry
from storage.chat_states import ChatStates
from storage.database import Connection
from storage.listing_outcomes import Reported

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
    keyboard: Keyboard


@dataclass(frozen=True)
class CardFacts:
    """Everything the card shows beyond the case itself, read at once (`card_facts`)."""

    case: Case
    username: str | None  # the claimant's @username
    unreachable: bool  # the claimant blocked the bot
    decided: AuditEntry | None  # the last decision's audit entry, once decided
    reported: dict[int, Reported]  # listing outcomes the marketplace reported
    record: dict[CaseStatus, int]  # the claimant's other cases, by status
    earlier: dict[str, Case]  # other cases about the same listings, by number
    undelivered: list[str]  # names of files Telegram refused to post (issue 6)


async def card_facts(
    storage: Storage,
    case: Case,
    *,
    username: str | None = None,
    conn: Connection | None = None,
) -> CardFacts:
    """The reads the card needs, once. With `conn`, as the transaction making a change sees
    the case."""
    decided = None
    if case.status in DECIDED:
        trail = await storage.audit.for_case(case.id, conn=conn)
        entries = [e for e in trail if e.action in DECISION_ACTIONS]
        decided = entries[-1] if entries else None
    earlier: dict[str, Case] = {}
    for link in case.draft.links:
        for other in await storage.cases.cases_with_link(link, exclude_case_id=case.id):
            earlier.setdefault(other.number, other)
    return CardFacts(
        case=case,
        username=username or await storage.cases.claimant_username(case.id),
        unreachable=await ChatStates(storage.db).is_unreachable(case.chat_id, conn),
        decided=decided,
        reported=await storage.listing_outcomes.current(case.id, conn=conn),
        record=await storage.cases.claimant_record(case.user_id, exclude_case_id=case.id),
        earlier=earlier,
        undelivered=await undelivered_names(storage, case.id),
    )


async def draw_card(
    storage: Storage,
    case: Case,
    lang: Lang,
    *,
    username: str | None = None,
    limit: int = CAPTION_LIMIT,
    conn: Connection | None = None,
    tz: tzinfo = DISPLAY_TZ,
) -> Card:
    """The card as the case stands: its facts read, then rendered."""
    facts = await card_facts(storage, case, username=username, conn=conn)
    return render_card(facts, lang, limit=limit, tz=tz)


def render_card(
    facts: CardFacts, lang: Lang, *, limit: int = CAPTION_LIMIT, tz: tzinfo = DISPLAY_TZ
) -> Card:
    """Everything needed to decide, in at most `limit` visible characters (a caption's 1024:
    the card is the dossier PDF's caption): the essentials first, then the details, then the
    listings — the lower parts shortened first when space runs out. Times in `tz`
    (TIME_ZONE), as claimants see theirs. Pure: the facts are read before (`card_facts`)."""
    t = texts(lang)
    case = facts.case
    draft = case.draft
    username = facts.username
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
    if facts.unreachable:  # blocked the bot
        essentials.append(t("staff-card-unreachable"))
    if case.assignee_name:
        essentials.append(t("staff-card-assignee", name=case.assignee_name))
    essentials.extend(_decision_lines(facts.decided, case, t, tz))
    if reported := facts.reported:
        total = len(draft.links)
        essentials.append(t("staff-card-outcomes", summary=summary(t, reported, total)))
    essentials.extend(_matter_lines(case, t))
    details = []
    record = facts.record
    details.append(
        t(
            "staff-card-record",
            filed=sum(record.values()),
            accepted=record[CaseStatus.ACCEPTED] + record[CaseStatus.FORWARDED],
            rejected=record[CaseStatus.REJECTED],
        )
    )
    if earlier := facts.earlier:
        listed = ", ".join(
            f"{number} ({t.plain('status-' + other.status.value)})"
            for number, other in earlier.items()
        )
        details.append(t("staff-card-earlier", cases=listed))
    if undelivered := facts.undelivered:  # issue 6: files not posted
        names = ", ".join(cut(shown_name(name), UNDELIVERED_NAME_CHARS) for name in undelivered)
        essentials.append(t("staff-card-undelivered", count=len(undelivered), names=names))
    links = [f"{i}. {html.escape(link)}" for i, link in enumerate(draft.links[:CARD_LINKS], 1)]
    text = _fit(essentials, details, links, len(draft.links), t, limit)
    return Card(text, card_keyboard(case, lang))


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


def _decision_lines(last: AuditEntry | None, case: Case, t: Texts, tz: tzinfo) -> list[str]:
    """After a decision: who, when and why."""
    if case.status not in DECIDED or last is None:
        return []
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


def card_keyboard(case: Case, lang: Lang) -> Keyboard:
    """The card's buttons in the case's status (none once decided for good), then "📎 Files"."""
    t = texts(lang)
    buttons = [
        Button(text=t.plain(f"staff-btn-{action}"), callback_data=staff_button_data(action))
        for action in card_actions(case.status, len(case.draft.links))
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    if not rows:
        return []  # decided: nothing left to press
    files = Button(
        text=t.plain(f"staff-btn-{FILES_ACTION}"), callback_data=staff_button_data(FILES_ACTION)
    )
    return [*rows, [files]]
