"""The card's buttons while a decision is being made: confirm or cancel what was asked, and
the per-listing path (one button per listing, pressed to go through its outcomes).

The marks of the per-listing path travel in the callback data (one character a listing:
`+` accepted, a digit the index of a reason in `REJECT_REASONS`); nothing is decided until
the decision is asked and confirmed, and the desk checks both against the case as it stands.
"""

from __future__ import annotations

from bot.outbox.messages import Button, Keyboard
from bot.staff.card import staff_button_data
from bot.staff.decision_protocol import ACCEPTED_MARK, REJECT_REASONS, Decision
from bot.staff.workflow import Action
from dialogs.i18n import Texts

MARK_ACCEPT = "+"
# Callback data holds at most 64 bytes: "st:mark:NN:" and one character a listing.
PER_LISTING_MAX = 48


def confirm_keyboard(t: Texts, decision: Decision) -> Keyboard:
    """ "Confirm … / Cancel" under the card, for the decision asked."""
    label = "confirm_listings" if decision.listings is not None else decision.confirms.value
    confirm = Button(text=t.plain(f"staff-btn-{label}"), callback_data=staff_button_data("confirm"))
    cancel = Button(
        text=t.plain("staff-btn-cancel_decision"),
        callback_data=staff_button_data(Action.CANCEL.value),
    )
    return [[confirm], [cancel]]


def encode_marks(outcomes: tuple[str, ...]) -> str:
    return "".join(
        MARK_ACCEPT if o == ACCEPTED_MARK else str(REJECT_REASONS.index(o)) for o in outcomes
    )


def decode_marks(marks: str, count: int) -> tuple[str, ...] | None:
    """The outcomes the marks say, or None for marks that are not those of `count` listings."""
    if len(marks) != count or count > PER_LISTING_MAX:
        return None
    codes = {MARK_ACCEPT: ACCEPTED_MARK, **{str(i): r for i, r in enumerate(REJECT_REASONS)}}
    if any(m not in codes for m in marks):
        return None
    return tuple(codes[m] for m in marks)


def next_mark(mark: str) -> str:
    """Accepted → each reason in turn → accepted."""
    order = [MARK_ACCEPT, *(str(i) for i in range(len(REJECT_REASONS)))]
    return order[(order.index(mark) + 1) % len(order)]


def toggled(marks: str, index: int) -> str:
    return marks[:index] + next_mark(marks[index]) + marks[index + 1 :]


def listings_keyboard(t: Texts, links: list[str], marks: str) -> Keyboard:
    """One button per listing showing its number and outcome ("12 · Not a platform listing"; the
    card above lists the links by number; pressed: the next outcome), then Next / Back."""
    rows = []
    for i, mark in enumerate(marks[: len(links)]):
        if mark == MARK_ACCEPT:
            outcome = t.plain("staff-listing-accepted")
        else:
            outcome = t.plain(f"staff-reason-{REJECT_REASONS[int(mark)]}")
        text = t.plain("staff-listing-btn", index=i + 1, outcome=outcome)
        rows.append([Button(text=text, callback_data=staff_button_data("mark", f"{i}:{marks}"))])
    next_ = Button(
        text=t.plain("staff-btn-listings-next"),
        callback_data=staff_button_data("listings", marks),
    )
    back = Button(text=t.plain("staff-btn-cancel"), callback_data=staff_button_data("back"))
    rows.append([next_, back])
    return rows
