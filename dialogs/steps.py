"""The vocabulary the intake tree is declared in: steps, their options and input kinds.

A step names what the claimant is doing; its texts come from the catalogs by key
(`ask-<step id>`, `opt-<step id>-<option id>`), so the declaration holds no prose.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from dialogs.model import Draft, FileSection
from dialogs.validators import Invalid, Valid

TextValidator = Callable[[str], Valid[str] | Invalid]
Condition = Callable[[Draft], bool]
# A check of a typed answer against earlier answers (e.g. one office per registration number).
CrossCheck = Callable[[Draft, str], Invalid | None]
# How a saved typed answer reads (e.g. a phone number grouped for people, not bare E.164).
Shown = Callable[[Draft, str], str]
# What an accepted typed answer was read as, told back at once: catalog args of `echo-<step>`.
Echo = Callable[[str], dict[str, object]]


class Kind(StrEnum):
    """What kind of input a step takes."""

    INFO = "info"  # a screen with a single "go on" button
    CHOICE = "choice"  # inline buttons, one tap
    PICK = "pick"  # inline buttons switched on and off, then Done (several of the options)
    TEXT = "text"  # one typed answer, validated
    LINKS = "links"  # listing links, several per message, until Done
    FILES = "files"  # uploads, several, until Done
    CONFIRM = "confirm"  # an explicit confirmation, stored with its exact wording
    REVIEW = "review"  # everything at once, edit any section, submit


def always(_: Draft) -> bool:
    return True


def answer_is(key: str, *values: str) -> Condition:
    """A condition on an earlier answer: the step is asked only when it holds."""

    def condition(draft: Draft) -> bool:
        return draft.answers.get(key) in values

    condition.__doc__ = f"{key} in {values}"
    # Exposed for rendering the tree (dialogs.graph): which answer, which values.
    condition.key = key  # type: ignore[attr-defined]
    condition.values = values  # type: ignore[attr-defined]
    return condition


def feature_on(name: str) -> Condition:
    """A step the platform switches on by a setting (stamped on the draft when it starts)."""

    def condition(draft: Draft) -> bool:
        return name in draft.features

    condition.__doc__ = f"{name} enabled"
    return condition


@dataclass(frozen=True)
class Option:
    """One button of a choice. `reject` names the rejection leaf it ends in, if any."""

    id: str
    reject: str | None = None
    chosen: bool = False  # a PICK step's option that is on until switched off


@dataclass(frozen=True)
class Section:
    """A numbered part of the complaint ("Step 4 of 10")."""

    number: int
    id: str


@dataclass(frozen=True)
class Step:
    id: str
    section: Section
    kind: Kind
    options: tuple[Option, ...] = ()
    validator: TextValidator | None = None
    optional: bool = False
    when: Condition = always
    file_section: FileSection | None = None
    # Earlier answers this step's answer was given for: when one of them changes, the answer
    # (or the files) of this step no longer fits and is asked again.
    depends_on: tuple[str, ...] = ()
    cross_check: CrossCheck | None = None
    shown: Shown | None = None
    echo: Echo | None = None
    # A step whose answer the review, receipt and dossier show inside another's (the office
    # beside each registration number), so it is not said twice.
    shown_in: str | None = None
    shares_contact: bool = False  # on a phone, a button shares the number Telegram knows

    def applies(self, draft: Draft) -> bool:
        return self.when(draft)

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)

    def picked(self, draft: Draft) -> list[str]:
        """A PICK step's options now on: as saved, else those on by default (a draft saved
        before the step existed reads as the defaults)."""
        saved = draft.answers.get(self.id)
        if saved is None:
            return [o.id for o in self.options if o.chosen]
        on = set(saved.split(","))
        return [o.id for o in self.options if o.id in on]
