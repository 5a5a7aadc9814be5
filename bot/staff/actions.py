"""Staff input, decided without any Telegram framework: what a card button or a reply to a card
does, and what staff are told. Both runtimes check membership, find the case, then call this."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from bot.outbox.messages import Button, Keyboard
from bot.staff.apply import ActionRefused, remove_duplicate_card
from bot.staff.card import STAFF_PREFIX
from bot.staff.decision_protocol import OTHER_REASON, REJECT_REASONS, Decision
from bot.staff.decisions import PER_LISTING_MAX, decode_marks, listings_keyboard, toggled
from bot.staff.desk import CaseDesk
from bot.staff.files_on_demand import send_files
from bot.staff.members import GetChatMember, is_staff
from bot.staff.routing import staff_chat_of
from bot.staff.workflow import Action, Actor
from dialogs.i18n import Texts, texts
from dialogs.model import Case, Lang

REJECT_COMMAND = "/reject"
ALERTS = {"ask", "reason-other"}


@dataclass(frozen=True)
class StaffAnswer:
    """What staff see after pressing: a toast (or an alert), and maybe new card buttons."""

    note: str | None
    alert: bool = False
    card_keyboard: Keyboard | None = None
    case: Case | None = None  # the case whose card was pressed, once found


def reasons_keyboard(t: Texts) -> Keyboard:
    rows = [
        [Button(text=t.plain(f"staff-reason-{r}"), callback_data=f"{STAFF_PREFIX}:reason:{r}")]
        for r in (*REJECT_REASONS, OTHER_REASON)
    ]
    rows.append([Button(text=t.plain("staff-btn-cancel"), callback_data=f"{STAFF_PREFIX}:back:")])
    return rows


def parse_staff_data(data: str) -> tuple[str, str]:
    _, action, arg = [*data.split(":", 2), "", ""][:3]
    return action, arg


CARD_MARK = "📁"  # the card's title starts with it (staff-card-title)
_CASE_NUMBER = re.compile(r"\bIP-\d{4}-\d{6}\b")


async def card_case(
    desk: CaseDesk, chat_id: int, message_id: int, card_text: str | None = None
) -> Case | None:
    """The case whose card this message is: the card recorded for the case, or another card
    of it (a send retried after a connection dropped after delivery leaves one whose id was
    never known). `card_text` is given only for the bot's own message with card buttons; its
    title names the case. Such a duplicate is removed once used, so one card remains."""
    case = await desk.storage.cases.get_by_staff_message(message_id, chat_id)
    if case is not None or not card_text:
        return case
    title = card_text.split("\n", 1)[0]
    found = _CASE_NUMBER.search(title)
    if not title.startswith(CARD_MARK) or found is None:
        return None
    case = await desk.storage.cases.get_by_number(found.group(0))
    if case is None or await desk.storage.cases.staff_message(case.id) is None:
        return None
    if await staff_chat_of(desk.storage, case.id, desk.settings) != chat_id:
        return None  # a card of another staff group's case: not for this group
    await remove_duplicate_card(desk.storage, chat_id, case, message_id)
    return case


async def press_card(
    desk: CaseDesk,
    staff_chats: Collection[int],
    pressed_in: tuple[int, int] | None,
    actor: Actor,
    data: str,
    get_chat_member: GetChatMember,
    lang: Lang,
    card_text: str | None = None,
    *,
    update_id: int | None = None,
) -> StaffAnswer:
    """A button pressed on a message (`pressed_in` = chat id, message id): only a member of
    that staff group, only on a card of one of its cases; the case is the card's, whatever the
    data says. `update_id`: the Telegram update of the press (delivered twice, applied once)."""
    t = texts(lang)
    if (
        pressed_in is None
        or pressed_in[0] not in staff_chats
        or not await is_staff(get_chat_member, pressed_in[0], actor.id)
    ):
        return StaffAnswer(t.plain("staff-refused"), alert=True)
    case = await card_case(desk, pressed_in[0], pressed_in[1], card_text)
    if case is None:
        return StaffAnswer(t.plain("staff-not-a-card"), alert=True)
    return await press(desk, case, actor, data, lang, update_id=update_id)


async def reply_on_card(
    desk: CaseDesk,
    staff_chat: int,
    replied_to: int,
    actor: Actor,
    text: str,
    get_chat_member: GetChatMember,
    lang: Lang,
    card_text: str | None = None,
    *,
    update_id: int | None = None,
) -> str | None:
    """A message in the staff group replying to `replied_to`: None unless that is a card."""
    case = await card_case(desk, staff_chat, replied_to, card_text)
    if case is None:
        return None
    if not await is_staff(get_chat_member, staff_chat, actor.id):
        return texts(lang)("staff-refused")
    return await reply_to_card(desk, case, actor, text, lang, update_id=update_id)


async def press(
    desk: CaseDesk,
    case: Case,
    actor: Actor,
    data: str,
    lang: Lang,
    *,
    update_id: int | None = None,
) -> StaffAnswer:
    """A card button. Refusals (a decided case, a forged action) come back as an alert."""
    t = texts(lang)
    action, arg = parse_staff_data(data)
    try:
        match action:
            case "take":
                await desk.take(case, actor, update_id=update_id)
                return StaffAnswer(t.plain("staff-taken", number=case.number))
            case "take_over":
                await desk.take_over(case, actor, update_id=update_id)
                return StaffAnswer(t.plain("staff-taken", number=case.number))
            case "ask":
                desk.check(case, Action.ASK, actor)
                return StaffAnswer(t.plain("staff-ask-hint"), alert=True)
            case "accept":
                await desk.accept(case, actor, update_id=update_id)
                return StaffAnswer(t.plain("staff-confirm-hint"))
            case "forward":
                decided = await desk.forward(case, actor, update_id=update_id)
            case "reject":
                desk.check(case, Action.REJECT, actor)
                note = t.plain("staff-reject-choose", number=case.number)
                return StaffAnswer(note, card_keyboard=reasons_keyboard(t), case=case)
            case "reason" if arg == OTHER_REASON:
                return StaffAnswer(t.plain("staff-reject-other-hint"), alert=True)
            case "reason":
                await desk.reject(case, actor, arg, update_id=update_id)
                return StaffAnswer(t.plain("staff-confirm-hint"))
            case "per_listing" | "mark":
                return per_listing(desk, case, actor, action, arg, t)
            case "listings":
                marks = decode_marks(arg, len(case.draft.links))
                if marks is None:
                    raise ActionRefused("staff-refused-state")
                await desk.propose(case, actor, Decision(listings=marks), update_id=update_id)
                return StaffAnswer(t.plain("staff-confirm-hint"))
            case "confirm":
                decided, _ = await desk.confirm(case, actor, update_id=update_id)
                seconds = desk.settings.decision_undo_seconds
                if seconds > 0:
                    status = t.plain(f"status-{decided.status.value}")
                    note = t.plain(
                        "staff-decided-undo", number=case.number, status=status, seconds=seconds
                    )
                    return StaffAnswer(note)
            case "cancel":
                await desk.cancel(case, actor, update_id=update_id)
                return StaffAnswer(t.plain("staff-cancelled", number=case.number))
            case "undo":
                await desk.undo(case, actor, update_id=update_id)
                return StaffAnswer(t.plain("staff-undone", number=case.number))
            case "files":
                toast = await send_files(desk, case, actor, lang, update_id=update_id)
                return StaffAnswer(toast)
            case "back":
                await desk.refresh_card(case)
                return StaffAnswer(None)
            case _:
                raise ActionRefused("staff-refused-state")
    except ActionRefused as refusal:
        return StaffAnswer(t.plain(refusal.code, **refusal.params), alert=True)
    status = t.plain(f"status-{decided.status.value}")
    return StaffAnswer(t.plain("staff-decided", number=case.number, status=status))


def per_listing(
    desk: CaseDesk, case: Case, actor: Actor, action: str, arg: str, t: Texts
) -> StaffAnswer:
    """The per-listing path: every listing accepted to begin with; each press on a listing
    shows its next outcome. Nothing is recorded until Next asks for the decision."""
    desk.check(case, Action.PER_LISTING, actor)
    links = case.draft.links
    if len(links) > PER_LISTING_MAX:
        return StaffAnswer(t.plain("staff-listings-too-many"), alert=True)
    marks = "+" * len(links)
    if action == "mark":
        index, _, marks = arg.partition(":")
        if decode_marks(marks, len(links)) is None or not index.isdigit():
            raise ActionRefused("staff-refused-state")
        if int(index) >= len(links):
            raise ActionRefused("staff-refused-state")
        marks = toggled(marks, int(index))
    keyboard = listings_keyboard(t, links, marks)
    return StaffAnswer(t.plain("staff-listings-hint"), card_keyboard=keyboard, case=case)


async def reply_to_card(
    desk: CaseDesk,
    case: Case,
    actor: Actor,
    text: str,
    lang: Lang,
    *,
    update_id: int | None = None,
) -> str | None:
    """A reply to a card: a question for the claimant, or `/reject your words`. The answer is
    HTML for staff; None for other commands, which are not for this bot."""
    t = texts(lang)
    text = text.strip()
    try:
        if text.lower().startswith(REJECT_COMMAND):
            note = text[len(REJECT_COMMAND) :].strip()
            await desk.reject(case, actor, OTHER_REASON, note, update_id=update_id)
            return t("staff-confirm-hint")
        if text.startswith("/"):
            return None
        await desk.ask(case, actor, text, update_id=update_id)
        return t("staff-question-sent", number=case.number)
    except ActionRefused as refusal:
        return t(refusal.code, **refusal.params)
