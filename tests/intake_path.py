"""The intake's step order for given answers, derived from its declaration (`dialogs.flow.FLOW`
and each step's condition): the one place tests take the order from, so it is written once, in
`dialogs/`. A test whose purpose is to pin the platform's order keeps its own explicit list
(`tests/dialogs/test_flow.py`) and holds the declaration to it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from dialogs.flow import FLOW
from dialogs.model import Draft, StoredFile


def intake_path(answers: Mapping[str, Any], files: Iterable[StoredFile] = ()) -> list[str]:
    """The ids of the steps a claimant with these answers (and files) goes through, in order."""
    draft = Draft(user_id=0, chat_id=0, answers=dict(answers), files=list(files))
    return [step.id for step in FLOW if step.applies(draft)]
