"""Texts by key from the Fluent catalogs in `dialogs/locales/<lang>/*.ftl`.

Every formatted message is Telegram HTML: the catalogs may use <b>/<i>, and every argument is
escaped here, so user text can never break the markup or inject any.

Every argument is also cut for display here, once for every caller (:func:`for_display`): a link
to :data:`LINK_DISPLAY_CHARS` with an ellipsis, any other value so that it stays within Fluent's
limit on a placeable (fluent.runtime refuses more than 2500 characters, which made a reply
quoting a 3000-character link crash). No input can make a text impossible to format.
"""

from __future__ import annotations

import html
from functools import cache
from importlib import resources

from fluent.runtime import FluentBundle, FluentResource

from dialogs.filenames import shown_name, without_bidi_controls
from dialogs.model import Lang

LANGS: tuple[Lang, ...] = ("en", "ru")
_RUSSIAN_SPEAKING = {"ru", "uk", "be", "kk", "ky", "uz", "tg", "hy", "az"}


def pick_lang(language_code: str | None) -> Lang:
    """Telegram's `language_code` to one of ours: Russian for the region's languages."""
    if not language_code:
        return "en"
    return "ru" if language_code.split("-")[0].lower() in _RUSSIAN_SPEAKING else "en"


class MissingText(KeyError):
    """A key the code asks for is absent from a catalog: a bug, never shown to a user."""


class Texts:
    def __init__(self, lang: Lang) -> None:
        self.lang = lang
        self._bundle = _bundle(lang)

    def has(self, key: str) -> bool:
        return self._bundle.has_message(key)

    def __call__(self, key: str, **args: object) -> str:
        """The message as HTML, arguments cut for display and escaped."""
        return self._format(key, {k: _escape(k, v) for k, v in args.items()})

    def plain(self, key: str, **args: object) -> str:
        """The message as plain text (for buttons, PDFs and stored confirmation wording)."""
        return self._format(key, {k: _plain_arg(k, v) for k, v in args.items()})

    def _format(self, key: str, args: dict[str, object]) -> str:
        if not self._bundle.has_message(key):
            raise MissingText(f"{self.lang}: {key}")
        message = self._bundle.get_message(key)
        if message.value is None:
            raise MissingText(f"{self.lang}: {key} has no value")
        text, errors = self._bundle.format_pattern(message.value, args)
        if errors:
            raise MissingText(f"{self.lang}: {key}: {errors}")
        return str(text)


# How much of a user's value a text shows. Fluent refuses a placeable over 2500 characters
# (fluent.runtime's MAX_PART_LENGTH); the escaped value must stay under it.
LINK_DISPLAY_CHARS = 200
NAME_DISPLAY_CHARS = 200
VALUE_DISPLAY_CHARS = 2000
PLACEABLE_MAX_CHARS = 2400
ELLIPSIS = "…"
_DISPLAY_LIMITS = {
    "link": LINK_DISPLAY_CHARS,
    "host": LINK_DISPLAY_CHARS,
    "name": NAME_DISPLAY_CHARS,
}


def cut(text: str, limit: int) -> str:
    """``text`` at most ``limit`` characters, an ellipsis marking a cut."""
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + ELLIPSIS


def for_display(arg: str, value: str) -> str:
    """A value as a text may show it: links and names short, anything within Fluent's limit;
    nothing that reorders the text around it (bidi controls), a file name without control or
    invisible characters (an RTL override makes "\u202egnp.pdf" read as "fdp.png")."""
    value = shown_name(value) if arg == "name" else without_bidi_controls(value)
    return cut(value, _DISPLAY_LIMITS.get(arg, VALUE_DISPLAY_CHARS))


def _escape(arg: str, value: object) -> object:
    if isinstance(value, int | float):
        return value
    shown = for_display(arg, str(value))
    escaped = html.escape(shown, quote=False)
    while len(escaped) > PLACEABLE_MAX_CHARS:  # "&" becomes "&amp;": cut the raw text more
        shown = cut(shown, len(shown) * PLACEABLE_MAX_CHARS // len(escaped))
        escaped = html.escape(shown, quote=False)
    return escaped


def _plain_arg(arg: str, value: object) -> object:
    return value if isinstance(value, int | float) else for_display(arg, str(value))


@cache
def _bundle(lang: Lang) -> FluentBundle:
    bundle = FluentBundle([lang], use_isolating=False)
    folder = resources.files("dialogs") / "locales" / lang
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".ftl"):
            resource = FluentResource(entry.read_text(encoding="utf-8"))
            bundle.add_resource(resource)
    return bundle


@cache
def texts(lang: Lang) -> Texts:
    return Texts(lang)


def catalog_keys(lang: Lang) -> set[str]:
    """Every message id in a catalog (for the test that both languages match)."""
    bundle = _bundle(lang)
    return set(bundle._messages)
