"""What the engine answers: HTML texts with inline buttons, for any shell to draw."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Button:
    label: str
    data: str


@dataclass(frozen=True)
class Reply:
    text: str  # Telegram HTML, user values already escaped
    buttons: tuple[tuple[Button, ...], ...] = ()
