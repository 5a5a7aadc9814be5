"""Callback data for inline buttons: short ids, never text, always under Telegram's 64 bytes.

`verb:step:arg`. A button names the step it was drawn for, so a press on an old message is
recognised as stale instead of being taken as an answer to whatever is asked now.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

MAX_CALLBACK_BYTES = 64


class Verb(StrEnum):
    ANSWER = "a"  # a:<step>:<option>
    KEEP = "k"  # keep the saved answer (editing from review)
    SKIP = "s"  # skip an optional step
    DONE = "d"  # finish a links or files step
    CLEAR = "z"  # z:<step>:? which one to remove | z:<step>:<item key> one | z:<step>: all
    REUSE = "p"  # p:<step>:<case number>: offer the documents of an earlier case (asks first)
    ATTACH = "t"  # t:<step>:<case number>: yes, attach them | t:<step>: no, leave it as it is
    CONFIRM = "c"  # explicit confirmation
    DECLINE = "n"  # not confirming
    BACK = "b"
    EDIT = "e"  # e:review:<section id>
    SUBMIT = "u"
    LANGUAGE = "l"  # l::<lang>, valid at any step
    DISCARD = "x"  # x::ask | x::yes | x::no, valid at any step
    RESUME = "r"  # r::continue | r::restart, valid at any step


GLOBAL_VERBS = {Verb.LANGUAGE, Verb.DISCARD, Verb.RESUME}


@dataclass(frozen=True)
class ButtonData:
    verb: Verb
    step: str = ""
    arg: str = ""

    def encode(self) -> str:
        data = f"{self.verb.value}:{self.step}:{self.arg}"
        if len(data.encode()) > MAX_CALLBACK_BYTES:
            raise ValueError(f"callback data over {MAX_CALLBACK_BYTES} bytes: {data!r}")
        return data

    @classmethod
    def decode(cls, data: str) -> ButtonData | None:
        """None for data this engine did not make (forged, or from an older bot version)."""
        parts = data.split(":")
        if len(parts) != 3:
            return None
        try:
            verb = Verb(parts[0])
        except ValueError:
            return None
        return cls(verb, parts[1], parts[2])
