"""Complete complaints as scripts of claimant actions, worked out once with the pure engine.

Every benchmark replays the same scripts: the engine bench as engine events, the service bench
through IntakeService, the e2e bench as Telegram updates at the fake server. Each action also
records how many bot messages answer it, so the e2e claimant knows when an answer is complete.
"""

from __future__ import annotations

import hashlib
import struct
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from bot.outbox.text_limits import split_message
from dialogs.engine import handle
from dialogs.flow import STEPS
from dialogs.inputs import Command, Context, Input, Pressed, Typed, Uploaded
from dialogs.model import Draft, FileSection, StoredFile
from dialogs.steps import Kind
from tests.samples import LISTING_LINK, TEXT_ANSWERS

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
LINK = LISTING_LINK


# The mix of complaints: every right type, both roles, the optional "other" claim text.
VARIANTS: tuple[dict[str, str], ...] = (
    {"right_type": "trademark", "role": "holder", "claim_subject": "remove_listings"},
    {"right_type": "patent", "role": "representative", "patent_kind": "invention"},
    {"right_type": "copyright", "role": "holder", "claim_subject": "other"},
)

ActionKind = Literal["command", "press", "text", "upload"]


@dataclass(frozen=True)
class Action:
    kind: ActionKind
    value: str  # the command, the callback data, the text, or the file section of an upload
    step: str  # the step this action answers
    messages: int  # bot messages that answer it (replies, long ones split as the shell does)


@dataclass(frozen=True)
class Script:
    variant: str
    actions: tuple[Action, ...]

    @property
    def uploads(self) -> int:
        return sum(a.kind == "upload" for a in self.actions)


def png(seed: int) -> bytes:
    """A real 1×1 PNG, distinct per seed, so content sniffing accepts it."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" + bytes([seed % 256, (seed >> 8) % 256, 0]))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def pdf(text: str) -> bytes:
    return f"%PDF-1.4\n% {text}\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n".encode()


def padded_pdf(size: int) -> bytes:
    """A well-formed PDF of exactly `size` bytes: one stream object holds the padding."""
    head, tail = b"%PDF-1.4\n1 0 obj << /Length ", b"\nendstream endobj\ntrailer << >>\n%%EOF\n"
    fixed = len(head) + len(tail) + len(b" >> stream\n") + 10
    body = size - fixed
    return head + f"{body:010d}".encode() + b" >> stream\n" + b"0" * body + tail


def file_for(section: str, seed: int) -> tuple[str, bytes, str]:
    """(name, bytes, mime) of the small file a claimant sends at a files step."""
    if section == FileSection.EVIDENCE.value:
        return "evidence.png", png(seed), "image/png"
    return f"{section}.pdf", pdf(f"{section} {seed}"), "application/pdf"


def stored_file(section: str, seed: int) -> StoredFile:
    name, data, mime = file_for(section, seed)
    return StoredFile(
        sha256=hashlib.sha256(data).hexdigest(),
        name=name,
        mime=mime,
        size=len(data),
        section=FileSection(section),
        received_at=NOW,
    )


def context(user_id: int = 7, now: datetime = NOW) -> Context:
    return Context(user_id=user_id, chat_id=user_id, now=now, lang_hint="en")


def _next_actions(draft: Draft | None, choices: dict[str, str]) -> list[tuple[ActionKind, str]]:
    if draft is None:
        return [("command", "start")]
    step = STEPS[draft.step]
    match step.kind:
        case Kind.INFO:
            return [("press", f"a:{step.id}:go")]
        case Kind.CHOICE:
            fallback = next(o.id for o in step.options if not o.reject)
            return [("press", f"a:{step.id}:{choices.get(step.id, fallback)}")]
        case Kind.TEXT:
            return [("text", TEXT_ANSWERS[step.id])]
        case Kind.LINKS:
            return [("text", LINK), ("press", f"d:{step.id}:")]
        case Kind.FILES:
            assert step.file_section is not None
            return [("upload", step.file_section.value), ("press", f"d:{step.id}:")]
        case Kind.CONFIRM:
            return [("press", f"c:{step.id}:")]
        case Kind.REVIEW:
            return [("press", f"u:{step.id}:")]
        case Kind.PICK:  # the defaults, as they are
            return [("press", f"d:{step.id}:")]
    raise AssertionError(f"cannot answer {step.id}")


def event_for(action: Action, seed: int = 0) -> Input:
    match action.kind:
        case "command":
            return Command(action.value)
        case "press":
            return Pressed(action.value)
        case "text":
            return Typed(action.value)
        case "upload":
            return Uploaded(stored_file(action.value, seed))
    raise AssertionError(action.kind)


def build(choices: dict[str, str]) -> Script:
    """Walk one complaint from /start to its submission with the engine; every event accepted."""
    ctx = context()
    draft: Draft | None = None
    actions: list[Action] = []
    for _ in range(100):
        for kind, value in _next_actions(draft, choices):
            step = draft.step if draft is not None else "-"
            probe = Action(kind, value, step, 0)
            outcome = handle(draft, event_for(probe), ctx)
            messages = sum(len(split_message(r.text)) for r in outcome.replies)
            actions.append(Action(kind, value, step, messages))
            if outcome.submit:
                return Script(choices["right_type"], tuple(actions))
            if not outcome.changed:
                raise AssertionError(f"{kind} {value!r} refused at {step}")
            draft = outcome.draft
            if draft is not None:
                draft = draft.model_copy(update={"updated_at": ctx.now})
    raise AssertionError(f"complaint {choices} never reached its submission")


def scripts() -> list[Script]:
    return [build(v) for v in VARIANTS]
