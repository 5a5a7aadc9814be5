"""Texts by key from the Fluent catalogs in `dialogs/locales/<lang>/*.ftl`.

Every formatted message is Telegram HTML: the catalogs may use <b>/<i>, and every argument is
escaped here, so user text can never break the markup or inject any.
"""

from __future__ import annotations

import html
from functools import cache
from importlib import resources

from fluent.runtime import FluentBundle, FluentResource

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
        """The message as HTML, arguments escaped."""
        return self._format(key, {k: _escape(v) for k, v in args.items()})

    def plain(self, key: str, **args: object) -> str:
        """The message as plain text (for buttons, PDFs and stored confirmation wording)."""
        return self._format(key, {k: _plain_arg(v) for k, v in args.items()})

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


def _escape(value: object) -> object:
    return value if isinstance(value, int | float) else html.escape(str(value), quote=False)


def _plain_arg(value: object) -> object:
    return value if isinstance(value, int | float) else str(value)


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
