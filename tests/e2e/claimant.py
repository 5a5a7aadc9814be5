"""A claimant in the fake Telegram: sends, presses, and waits for what the bot answers."""

from __future__ import annotations

import struct
import zlib

from tests.fake_telegram import FakeTelegram
from tests.fake_telegram.models import SentMessage


def png(seed: int = 0) -> bytes:
    """A real, tiny PNG (distinct per seed): content sniffing must recognise it."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" + bytes([seed % 256, 0, 0]))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def pdf(text: str = "certificate") -> bytes:
    return f"%PDF-1.4\n% {text}\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n".encode()


class Claimant:
    def __init__(self, fake: FakeTelegram, user_id: int) -> None:
        self.fake = fake
        self.user_id = user_id

    @property
    def chat_id(self) -> int:
        return self.user_id

    def _baseline(self) -> int:
        return max((m.message_id for m in self.fake.messages(self.chat_id)), default=0)

    async def _until(self, expect: str | None, baseline: int, timeout: float = 5.0) -> SentMessage:
        def matches(m: SentMessage) -> bool:
            return expect is None or expect in (m.text or "")

        return await self.fake.wait_for_message(
            self.chat_id, matches, after=baseline, timeout=timeout
        )

    async def says(self, text: str, expect: str | None = None) -> SentMessage:
        baseline = self._baseline()
        self.fake.user_sends_text(self.user_id, text)
        return await self._until(expect, baseline)

    def find_button(self, label: str) -> tuple[SentMessage, str] | None:
        """The newest message with a button whose text contains `label`."""
        for message in reversed(self.fake.messages(self.chat_id)):
            for row in message.buttons:
                for text, _data in row:
                    if label in text:
                        return message, text
        return None

    async def presses(self, label: str, expect: str | None = None) -> SentMessage:
        """Press the button whose text contains `label` (waiting for it to be drawn)."""
        found = await self.fake.wait_until(
            lambda: self.find_button(label), 5.0, message=f"no button {label!r}"
        )
        message, text = found
        baseline = self._baseline()
        self.fake.user_presses(self.user_id, message, text=text)
        return await self._until(expect, baseline)

    async def sends_document(
        self, data: bytes, name: str, mime: str, expect: str | None = None, **kwargs: object
    ) -> SentMessage:
        baseline = self._baseline()
        self.fake.user_sends_document(self.user_id, data, name, mime, **kwargs)
        return await self._until(expect, baseline)

    async def sends_photo(self, data: bytes, expect: str | None = None) -> SentMessage:
        baseline = self._baseline()
        self.fake.user_sends_photo(self.user_id, data)
        return await self._until(expect, baseline)
