"""The commands claimants have, and the menu Telegram shows for them in each language."""

from __future__ import annotations

from dialogs.i18n import LANGS, texts
from dialogs.model import Lang

INTAKE_COMMANDS = ("start", "back", "cancel", "help", "language")
CASE_COMMANDS = ("status", "case", "withdraw")
PRIVACY_COMMANDS = ("mydata",)  # bot.ops.mydata: what is held about the claimant
MENU = (*INTAKE_COMMANDS, *CASE_COMMANDS, *PRIVACY_COMMANDS)


def menus() -> list[tuple[str | None, list[tuple[str, str]]]]:
    """(language_code for setMyCommands — None is the default, English —, [(command, text)])."""
    return [(_code(lang), [(c, texts(lang).plain(f"cmd-{c}")) for c in MENU]) for lang in LANGS]


def descriptions(platform: str) -> list[tuple[str | None, str, str]]:
    """(language_code, description, short description) for setMyDescription and
    setMyShortDescription: what an empty chat with the bot shows, and shared links to it."""
    return [
        (
            _code(lang),
            texts(lang).plain("bot-description", platform=platform),
            texts(lang).plain("bot-short-description", platform=platform),
        )
        for lang in LANGS
    ]


def _code(lang: Lang) -> str | None:
    return None if lang == "en" else lang
