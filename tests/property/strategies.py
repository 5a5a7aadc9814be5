"""Every kind of input a claimant can send, as the engine receives it (dialogs/inputs.py).

Text of any length (0–10,000) and script, commands known and unknown with arguments, presses of
the current step's buttons, of other steps' buttons (stale) and forged callback data, uploads of
every mime and section (and the shell's refusals of them), link files, and the message kinds no
step takes. Lone surrogates are left out: Telegram's JSON cannot carry them.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from hypothesis import strategies as st

from dialogs.buttons import Verb
from dialogs.flow import STEPS
from dialogs.inputs import (
    Command,
    Input,
    LinkList,
    Pressed,
    Typed,
    Unsupported,
    Uploaded,
    UploadRefused,
)
from dialogs.model import FileSection, StoredFile
from dialogs.validators import invalid
from tests.property.states import NOW, State, all_states, iter_buttons
from tests.samples import LISTING_LINK, TEXT_ANSWERS

MAX_TEXT = 10_000

# --- text -------------------------------------------------------------------------------

SCRIPTS: dict[str, str] = {
    "latin": "abcxyzABCXYZéüßñ 0123456789.,-—",
    "cyrillic": "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВЯ ",
    "cjk": "中文字漢字日本語ひらがなカタカナ한국어 ",
    "rtl": "العربية עברית فارسی \u200f\u200e\u202e",
    "emoji": "😀🎉👍🏽👨‍👩‍👧‍👦🇷🇺🏳️‍🌈❤️\ufe0f✅",
    "control": "\x00\x01\x07\x08\t\n\r\x0b\x0c\x1b\x7f\x85\u2028\u2029\ufeff\u200b",
    "html": '<b>&amp;</b><i><a href="x">&lt;&gt;&#39;&#x1F600;&bogus;</script>"\'&',
    "links": "https://aliexpress.ru/item/1005001234567890.html ",
}

# Characters from every plane but no surrogates (category Cs): Telegram cannot carry them.
any_character = st.characters(exclude_categories=["Cs"])
script_character = st.sampled_from(sorted({c for chars in SCRIPTS.values() for c in chars}))

fragments = st.one_of(
    st.sampled_from(sorted(SCRIPTS.values())),
    st.sampled_from(sorted(TEXT_ANSWERS.values())),
    st.sampled_from(
        [
            LISTING_LINK,
            f"{LISTING_LINK} {LISTING_LINK}",
            "https://aliexpress.ru/wholesale?SearchText=bag",
            "https://example.com/item/1.html",
            "javascript:alert(1)",
            "<script>alert(1)</script>",
            "Smith & Sons <Ltd>",
            "+7 916 123-45-67",
            "ivan@example.com",
            "RU 123456, 654321; WO 2020/123456",
        ]
    ),
    st.text(any_character, max_size=40),
)


@st.composite
def long_texts(draw: st.DrawFn) -> str:
    """Up to 10,000 characters: a fragment repeated, with a few characters of anything."""
    fragment = draw(fragments.filter(bool))
    length = draw(st.integers(min_value=0, max_value=MAX_TEXT))
    body = (fragment * (length // len(fragment) + 1))[:length]
    noise = draw(st.text(any_character, max_size=5))
    at = draw(st.integers(min_value=0, max_value=len(body)))
    return (body[:at] + noise + body[at:])[:MAX_TEXT]


# Many distinct listings (or near-listings) in one message: long verdicts, long link lists.
_listing = st.integers(min_value=10**15, max_value=10**16 - 1).map(
    lambda n: f"https://aliexpress.ru/item/{n}.html"
)
_near_listing = st.sampled_from(
    [
        "https://aliexpress.ru/store/1234",
        "https://aliexpress.com/wholesale?SearchText=<b>bag</b>&x=1",
        "https://evil.example/item/1005001234567890.html?q=" + "&amp;<i>" * 40,
        "aliexpress.ru/item/" + "9" * 300 + ".html",
    ]
)
link_messages = st.builds(
    lambda items, separator: separator.join(items),
    st.integers(min_value=1, max_value=60).flatmap(
        lambda n: st.lists(st.one_of(_listing, _near_listing), min_size=n, max_size=n)
    ),
    st.sampled_from(["\n", " ", ", ", ";"]),
)

texts = st.one_of(
    link_messages,
    st.text(any_character, max_size=200),
    st.text(script_character, max_size=300),
    fragments,
    st.lists(fragments, max_size=8).map("\n".join),
    long_texts(),
    st.sampled_from(["", " ", "\n", "\u200b", "\x00"]),
)

# --- commands ---------------------------------------------------------------------------

COMMANDS = ("start", "back", "cancel", "help", "language", "status", "case")
commands = st.builds(
    Command,
    st.one_of(
        st.sampled_from(COMMANDS),
        st.text(st.characters(codec="ascii", categories=("L", "N", "Pc")), max_size=40),
        st.text(any_character, max_size=10),
    ),
    st.one_of(
        st.just(""),
        texts,
        st.sampled_from(["item_1005001234567890", "1005001234567890", "IP-2026-000042"]),
    ),
)

# --- button presses ---------------------------------------------------------------------


@cache
def every_button() -> tuple[str, ...]:
    """Callback data of every button drawn at any state: pressed elsewhere, it is stale."""
    return tuple(sorted({data for state in all_states() for data in iter_buttons(state)}))


def current_buttons(state: State) -> tuple[str, ...]:
    return tuple(sorted(set(iter_buttons(state))))


_step_ids = st.sampled_from(["", *STEPS, "nope"])
_args = st.one_of(
    st.sampled_from(["", "?", "go", "yes", "no", "ask", "continue", "restart", "en", "ru"]),
    st.sampled_from(sorted({o.id for step in STEPS.values() for o in step.options})),
    st.sampled_from(["screening", "filer", "right", "contacts", "IP-2026-000001"]),
    st.text(any_character, max_size=20),
)
# Well-formed `verb:step:arg` for any verb, step and argument: the engine's own grammar.
made_up_presses = st.builds(
    lambda verb, step, arg: f"{verb.value}:{step}:{arg}",
    st.sampled_from(list(Verb)),
    _step_ids,
    _args,
)
# Anything a client could put in callback data: ≤ 64 bytes of UTF-8.
forged_presses = st.one_of(
    st.binary(max_size=64).map(lambda b: b.decode("utf-8", errors="ignore")),
    st.text(any_character, max_size=64).filter(lambda s: len(s.encode()) <= 64),
)


def current_presses(state: State) -> st.SearchStrategy[Pressed]:
    """A button of the messages this state draws (the step, /cancel, /language, /start)."""
    return st.sampled_from(current_buttons(state)).map(Pressed)


def stale_presses(state: State) -> st.SearchStrategy[Pressed]:
    """A button drawn at some other state: an earlier message's, another branch's."""
    current = set(current_buttons(state))
    return st.sampled_from([d for d in every_button() if d not in current]).map(Pressed)


def forged(_: State) -> st.SearchStrategy[Pressed]:
    return st.one_of(made_up_presses, forged_presses).map(Pressed)


# --- files ------------------------------------------------------------------------------

MIMES = (
    "image/jpeg",
    "image/png",
    "image/webp",
    "image/heic",
    "application/pdf",
    "application/zip",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/x-msdownload",
    "text/plain",
    "text/csv",
    "video/mp4",
    "application/octet-stream",
    "",
)
file_names = st.one_of(
    st.sampled_from(["scan.pdf", "photo.jpg", "<b>x & y</b>.jpg", ".pdf", "a" * 300 + ".pdf"]),
    st.text(any_character, max_size=80),
    long_texts().map(lambda s: s[:2000]),
)
stored_files = st.builds(
    StoredFile,
    # A few hashes only, so the same file arrives again (a duplicate) often enough.
    sha256=st.integers(min_value=0, max_value=5).map(lambda n: f"{n:064x}"),
    name=file_names,
    mime=st.sampled_from(MIMES),
    size=st.integers(min_value=0, max_value=50 * 1024 * 1024),
    section=st.sampled_from(list(FileSection)),
    telegram_file_id=st.one_of(st.none(), st.text(max_size=20)),
    received_at=st.just(NOW),
)
uploads = st.builds(Uploaded, stored_files, st.booleans())

_number = st.integers(min_value=0, max_value=10**9).map(str)
refusals = st.one_of(
    st.just(invalid("err-file-empty")),
    st.builds(
        lambda s, lim: invalid("err-file-too-big", size_mb=s, limit_mb=lim), _number, _number
    ),
    st.builds(
        lambda detected, allowed: invalid("err-file-type", detected=detected, allowed=allowed),
        texts,
        texts,
    ),
    st.builds(lambda name: invalid("err-file-not-fetched", name=name), file_names),
    st.builds(
        lambda d, r: invalid("err-file-bomb", detected=d, reason=r),
        st.sampled_from(["ZIP", "DOCX", "<b>"]),
        st.sampled_from(["entries", "size", "ratio", "other"]),
    ),
    st.builds(
        lambda d, o: invalid("err-file-polyglot", detected=d, other=o), file_names, file_names
    ),
    st.builds(lambda lim: invalid("err-link-file", limit_kb=lim), _number),
).map(UploadRefused)

link_lists = st.builds(
    LinkList,
    st.one_of(
        texts, st.lists(st.sampled_from([LISTING_LINK, "x", ";", ","]), max_size=50).map("".join)
    ),
    file_names,
)

# --- kinds of message no step takes -----------------------------------------------------

UNSUPPORTED = (
    "sticker",
    "voice",
    "video_note",
    "location",
    "venue",
    "contact",
    "poll",
    "dice",
    "animation",
    "audio",
    "game",
    "story",
    "file",
    "unknown",
)
unsupported = st.builds(Unsupported, st.one_of(st.sampled_from(UNSUPPORTED), st.text(max_size=20)))


EVENT_KINDS: dict[str, Callable[[State], st.SearchStrategy[Input]]] = {
    "text": lambda _: texts.map(Typed),
    "command": lambda _: commands,
    "current_press": current_presses,
    "stale_press": stale_presses,
    "forged_press": forged,
    "upload": lambda _: uploads,
    "upload_refused": lambda _: refusals,
    "link_file": lambda _: link_lists,
    "unsupported": lambda _: unsupported,
}


def events(state: State, kind: str | None = None) -> st.SearchStrategy[Input]:
    """An event of this kind at this state; any kind when none is named."""
    if kind is not None:
        return EVENT_KINDS[kind](state)
    return st.one_of(*(strategy(state) for strategy in EVENT_KINDS.values()))
