"""What the claimant did, as the engine sees it: no Telegram types, only intent and data.

The shells translate their updates into these; uploads arrive already stored (or already
refused by the shell's size and content checks), so the engine never does I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from dialogs.model import FileSection, Lang, StoredFile
from dialogs.validators import Invalid
from dialogs.validators.links import ListingLinkRules


@dataclass(frozen=True)
class Command:
    """/start, /back, /cancel, /help, /language; `args` is what follows (the payload of a
    deep link: `t.me/<bot>?start=<payload>` arrives as `/start <payload>`)."""

    name: str
    args: str = ""


@dataclass(frozen=True)
class Typed:
    text: str


@dataclass(frozen=True)
class Pressed:
    """An inline button; `data` is its callback data (see `dialogs.buttons`)."""

    data: str


@dataclass(frozen=True)
class LinkList:
    """Listing links sent as a .txt or .csv file at the links step: its text, and its name."""

    text: str
    name: str


@dataclass(frozen=True)
class Uploaded:
    file: StoredFile
    quiet: bool = False  # part of an album: the shell sends one answer for the whole album


@dataclass(frozen=True)
class UploadRefused:
    """The shell could not accept a file (too big, wrong content); the reason is the code."""

    error: Invalid


@dataclass(frozen=True)
class Unsupported:
    """A message of a kind no step takes (sticker, voice, location…)."""

    kind: str


@dataclass(frozen=True)
class EarlierDocuments:
    """Documents of one section filed with an earlier case, offered for reuse."""

    case_number: str
    section: FileSection
    files: tuple[StoredFile, ...]
    holder: str = ""  # the right holder of that case, as typed
    right_type: str = ""
    rejected: bool = False  # the IP team rejected that case


Input = Command | Typed | Pressed | Uploaded | UploadRefused | Unsupported | LinkList


@dataclass(frozen=True)
class Context:
    """Facts from outside the dialogue that it needs to decide: who, when, which settings."""

    user_id: int
    chat_id: int
    now: datetime
    lang_hint: Lang = "en"
    platform_name: str = "AliExpress"
    privacy_policy_url: str = "https://aliexpress.ru/policy/privacy"
    link_rules: ListingLinkRules = field(default_factory=ListingLinkRules)
    earlier_documents: tuple[EarlierDocuments, ...] = ()
    # Resale of goods put into circulation in this country is out of scope (ISO 3166 code);
    # goods first put into circulation abroad (parallel import) are not.
    circulation_country: str = "RU"
    # Where each short link of the message being handled led (None: it could not be opened);
    # the shell resolves them over HTTP before the engine runs.
    resolved_links: dict[str, str | None] = field(default_factory=dict)
    features: tuple[str, ...] = ()  # optional steps switched on, stamped on new drafts
    time_zone: str = "Europe/Moscow"  # the zone times are shown in (they are stored in UTC)
