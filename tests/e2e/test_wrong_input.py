"""Wrong input at every kind of step: a short explanation, the step asked again, and the saved
draft (read back from SQLite) exactly as it was — not even its revision moves."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from tests.e2e.claimant import PROMPTS, Claimant, pdf, png
from tests.e2e.conftest import CLAIMANT, RunningBot
from tests.fake_telegram import FakeTelegram
from tests.fake_telegram.models import SentMessage

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"
MB = 1024 * 1024


SETTLE = 0.3  # long enough for a repeated prompt to have arrived, were one sent


class Checker:
    def __init__(self, fake: FakeTelegram, running_bot: RunningBot) -> None:
        assert running_bot.app is not None
        self.fake = fake
        self.drafts = running_bot.app.storage.drafts
        self.anna = Claimant(fake, CLAIMANT)

    async def refused(
        self, step: str, send: Callable[[], object], expect: str, *, warning: bool = True
    ) -> SentMessage:
        """`send()` is answered with a short message containing `expect`, and nothing else:
        the prompt of `step` stays where it is on the screen (a phone is not refilled with it);
        the stored draft does not change at all."""
        before = await self.drafts.load(CLAIMANT)
        assert before is not None and before.step == step
        baseline = self.anna._baseline()
        send()
        answer = await self.fake.wait_for_message(
            CLAIMANT, lambda m: expect in (m.text or ""), after=baseline
        )
        text = answer.text or ""
        if warning:
            assert text.startswith("⚠️"), text
        assert len(text) < 250, text  # short
        await asyncio.sleep(SETTLE)
        later = [m for m in self.fake.messages(CLAIMANT) if m.message_id > answer.message_id]
        assert not any(PROMPTS[step] in (m.text or "") for m in later), self.fake.dump(CLAIMANT)
        after = await self.drafts.load(CLAIMANT)
        assert after is not None
        assert after.model_dump() == before.model_dump()
        return answer

    def text(self, text: str) -> Callable[[], object]:
        return lambda: self.fake.user_sends_text(CLAIMANT, text)

    def sticker(self) -> Callable[[], object]:
        return lambda: self.fake.user_sends_sticker(CLAIMANT)

    def document(self, data: bytes, name: str, **kwargs: object) -> Callable[[], object]:
        def send() -> object:
            update = self.fake.user_sends_document(
                CLAIMANT, data, name, "application/pdf", **kwargs
            )
            self.sent_file_ids.append(update["message"]["document"]["file_id"])
            return update

        return send

    sent_file_ids: list[str]

    def downloaded(self, file_id: str) -> bool:
        return any(r.params.get("file_id") == file_id for r in self.fake.calls("getFile"))


async def test_wrong_input_at_every_kind_of_step(
    fake: FakeTelegram, running_bot: RunningBot
) -> None:
    check = Checker(fake, running_bot)
    check.sent_file_ids = []
    anna = check.anna

    # An information screen.
    await anna.says("/start", expect=PROMPTS["welcome"])
    await check.refused("welcome", check.text("hello"), "Press “Start” to begin.")

    # A choice: text, a sticker, a file.
    await anna.reaches_from("welcome", "role")
    await check.refused("role", check.text("I am the owner"), "Please choose one of the buttons")
    await check.refused("role", check.sticker(), "Please choose one of the buttons")
    await check.refused("role", check.document(pdf(), "a.pdf"), "Please choose one of the buttons")

    # A text step: a file is not downloaded, a sticker is not text, too short a text.
    await anna.reaches_from("role", "rights_holder")
    await check.refused(
        "rights_holder", check.document(pdf(), "holder.pdf"), "Please answer with a text message."
    )
    assert not check.downloaded(check.sent_file_ids[-1])
    await check.refused("rights_holder", check.sticker(), "Please answer with a text message.")
    await check.refused(
        "rights_holder",
        lambda: fake.user_sends_photo(CLAIMANT, png(3)),
        "Please answer with a text message.",
    )

    # The links: a sticker, a photo, another site, a search page, a short link.
    await anna.reaches_from("rights_holder", "links")
    await check.refused("links", check.sticker(), "Please send the listing link(s) as text")
    await check.refused(
        "links",
        lambda: fake.user_sends_photo(CLAIMANT, png(4)),
        "Please send the listing link(s) as text",
    )
    other = await check.refused(
        "links",
        check.text("https://www.amazon.com/dp/B07PGL2ZSL"),
        "is not AliExpress",
        warning=False,
    )
    assert (other.text or "").startswith("❌ https://www.amazon.com/dp/B07PGL2ZSL")
    await check.refused(
        "links",
        check.text("https://aliexpress.ru/wholesale?SearchText=bag"),
        "this is a search page, not a listing",
        warning=False,
    )
    await check.refused(
        "links",
        check.text("https://short.invalid/_mKx1"),  # a short link that cannot be opened
        "short link could not be opened",
        warning=False,
    )
    await check.refused(
        "links", check.text("bags with our logo"), "Please send at least one listing link."
    )

    # Files: text, a sticker, a 30 MB document refused without being downloaded.
    await anna.reaches_from("links", "evidence_files")
    files_hint = "Please send files here (photos or documents)."
    await check.refused("evidence_files", check.text("the photos follow"), files_hint)
    await check.refused("evidence_files", check.sticker(), files_hint)
    big = await check.refused(
        "evidence_files",
        check.document(pdf("big"), "scan.pdf", declared_size=30 * MB),
        "The file is 30 MB; the limit is 20 MB.",
    )
    assert "compress it or split it" in (big.text or "")
    assert not check.downloaded(check.sent_file_ids[-1])
    await check.refused(
        "evidence_files", check.document(b"", "empty.pdf"), "The file is empty", warning=True
    )

    # Documents of rights: an EXE renamed .pdf is refused by its content.
    await anna.reaches_from("evidence_files", "rights_docs")
    exe = await check.refused(
        "rights_docs",
        check.document(EXE, "certificate.pdf"),
        "This file's content is EXE, which is not accepted here.",
    )
    assert "Accepted: " in (exe.text or "") and "PDF" in (exe.text or "")
    await check.refused(
        "rights_docs",
        check.document(b"<html><body>certificate</body></html>", "certificate.pdf"),
        "This file's content is HTML",
    )

    # Contacts: a bad email, bad phone numbers.
    await anna.reaches_from("rights_docs", "contact_email")
    for bad in ("anna@example", "anna example.com", "@example.com"):
        await check.refused("contact_email", check.text(bad), "does not look like an email")
    await anna.reaches_from("contact_email", "contact_phone")
    for bad in ("12345", "+7 916 123", "call me maybe"):
        await check.refused("contact_phone", check.text(bad), "does not look like a valid phone")

    # A confirmation and the review take buttons only.
    await anna.reaches_from("contact_phone", "disclosure")
    await check.refused("disclosure", check.text("ok"), "Please use the buttons below.")
    await check.refused("disclosure", check.sticker(), "Please use the buttons below.")
    await anna.reaches_from("disclosure", "review")
    await check.refused(
        "review", check.text("send it"), "Please use the buttons below to change a section"
    )
    await check.refused(
        "review",
        lambda: fake.user_sends_photo(CLAIMANT, png(5)),
        "Please use the buttons below to change a section",
    )
    # And with all that, the complaint is whole.
    await anna.presses("Submit", expect="Case number")
