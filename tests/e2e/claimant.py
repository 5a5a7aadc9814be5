"""A claimant in the fake Telegram: sends, presses, and waits for what the bot answers."""

from __future__ import annotations

import itertools
import struct
import zlib
from dataclasses import dataclass

from dialogs.model import FileSection, StoredFile
from dialogs.validators import Valid
from dialogs.validators.text import check_reg_numbers
from tests.fake_telegram import FakeTelegram
from tests.fake_telegram.models import SentMessage
from tests.intake_path import intake_path


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
    timeout = 5.0  # how long an answer is waited for (a cluster with kills takes longer)

    def __init__(self, fake: FakeTelegram, user_id: int) -> None:
        self.fake = fake
        self.user_id = user_id

    @property
    def chat_id(self) -> int:
        return self.user_id

    def _baseline(self) -> int:
        return max((m.message_id for m in self.fake.messages(self.chat_id)), default=0)

    async def _until(
        self, expect: str | None, baseline: int, timeout: float | None = None
    ) -> SentMessage:
        def matches(m: SentMessage) -> bool:
            return expect is None or expect in (m.text or "")

        return await self.fake.wait_for_message(
            self.chat_id, matches, after=baseline, timeout=timeout or self.timeout
        )

    async def says(self, text: str, expect: str | None = None) -> SentMessage:
        baseline = self._baseline()
        self.fake.user_sends_text(self.user_id, text)
        return await self._until(expect, baseline)

    def find_button(self, label: str) -> tuple[SentMessage, str] | None:
        """The button whose text contains `label` on the newest message with buttons (the
        keyboard a person would press). A reply comes in parts, each sent by the outbox: until
        its last part (the step with its keyboard) is there, an older keyboard is not pressed."""
        for message in reversed(self.fake.messages(self.chat_id)):
            if not message.buttons:
                continue
            for row in message.buttons:
                for text, _data in row:
                    if label in text:
                        return message, text
            return None
        return None

    async def presses(self, label: str, expect: str | None = None) -> SentMessage:
        """Press the button whose text contains `label` (waiting for it to be drawn)."""
        found = await self.fake.wait_until(
            lambda: self.find_button(label), self.timeout, message=f"no button {label!r}"
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

    async def sends_sticker(self, expect: str | None = None) -> SentMessage:
        baseline = self._baseline()
        self.fake.user_sends_sticker(self.user_id)
        return await self._until(expect, baseline)

    async def sends_album(
        self,
        items: list[tuple[str, bytes, str | None, str | None]],
        expect: str | None = "from the album",
        timeout: float = 5.0,
    ) -> SentMessage:
        """An album: (kind, bytes, name, mime) items sharing one media_group_id, queued at once."""
        baseline = self._baseline()
        self.fake.user_sends_album(self.user_id, items)
        return await self._until(expect, baseline, timeout)

    async def attaches(
        self, data: bytes, name: str = "photo", mime: str = "application/pdf"
    ) -> SentMessage:
        """Send a file (a photo when `name` is "photo", else a document) at a files step; waits
        for the acknowledgement, which comes with the step's "Done", and returns it."""
        baseline = self._baseline()
        if name == "photo":
            self.fake.user_sends_photo(self.user_id, data)
        else:
            self.fake.user_sends_document(self.user_id, data, name, mime)
        # With the step's "Done" (in any language: found by its callback data).
        return await self.fake.wait_for_message(
            self.chat_id,
            lambda m: any(data.startswith("d:") for data in m.callback_datas),
            after=baseline,
            timeout=self.timeout,
        )

    async def until_button(self, label: str, *, after: int, timeout: float = 5.0) -> SentMessage:
        """The first bot message newer than `after` with a button whose text contains `label`."""
        return await self.fake.wait_for_message(
            self.chat_id,
            lambda m: any(label in text for text in m.button_texts),
            after=after,
            timeout=timeout,
        )

    async def reaches(self, step: str, complaint: Complaint | None = None) -> SentMessage:
        """/start and answer every step before `step` (see `Complaint`); the prompt of `step`."""
        return await _play(self, complaint or Complaint(), None, step)

    async def reaches_from(
        self, current: str, step: str, complaint: Complaint | None = None
    ) -> SentMessage:
        """From the prompt of `current` (already shown), answer on until the prompt of `step`."""
        return await _play(self, complaint or Complaint(), current, step)


# --- playing a complaint up to a step -----------------------------------------------------------

LISTING = "https://aliexpress.ru/item/1005001234567890.html"

# A distinctive part of each step's prompt (English), as the claimant reads it.
PROMPTS: dict[str, str] = {
    "welcome": "A complaint about an infringement of exclusive rights",
    "screen_listing": "particular listing",
    "screen_matter": "What is your complaint about?",
    "role": "Who are you in this complaint?",
    "licence_kind": "Is your licence",
    "right_type": "Which right has been infringed?",
    "patent_kind": "What is the patent for?",
    "rights_number": " number",
    "offices_same": "registered in the same office?",
    "rights_jurisdiction": "In which country or office",
    "work_description": "Describe the work or other right",
    "rights_holder": "Who is the right holder?",
    "infringement_description": "Describe the infringement",
    "claim_subject": "What should the platform do about the listings?",
    "claim_subject_other": "Describe what you ask the platform to do.",
    "links": "Send the direct link to each infringing listing",
    "evidence_files": "Send the evidence of the infringement",
    "evidence_note": "explain the evidence",
    "rights_docs": "Step 7 of 10",
    "rights_docs_cover": "add the others",
    "authority_docs": "Step 8 of 10",
    "contact_name": "Your full name",
    "contact_org": "Your organisation",
    "contact_email": "Your email",
    "contact_phone": "Your phone number",
    "disclosure": "may redirect your request to the seller",
    "seller_contacts": "What the seller sees",
    "confirm_data_processing": "Confirmation 1 of 3",
    "confirm_third_party": "Confirmation 2 of 3",
    "confirm_authorised": "Confirmation 3 of 3",
    "review": "Review your complaint",
}

ROLE_BUTTONS = {
    "holder": "I am the right holder",
    "representative": "I represent the right",
    "licensee": "I am a licensee",
}
LICENCE_BUTTONS = {"exclusive": "Exclusive licence", "non_exclusive": "Non-exclusive licence"}
OFFICES_BUTTONS = {"same": "All in the same office", "each": "In different offices"}
SELLER_CONTACT_BUTTONS = {
    "contact_name": "Name",
    "contact_email": "Email",
    "contact_phone": "Phone",
    "contact_org": "Organisation",
}
RIGHT_BUTTONS = {"trademark": "Trademark", "patent": "Patent", "copyright": "Copyright"}
PATENT_BUTTONS = {
    "invention": "An invention",
    "industrial_design": "An industrial design",
    "utility_model": "A utility model",
}


@dataclass(frozen=True)
class Complaint:
    """The answers `Claimant.reaches` gives, step by step (English buttons)."""

    role: str = "holder"
    licence: str = "exclusive"  # asked of a licensee
    right: str = "trademark"
    patent_kind: str = "invention"
    claim_other: bool = False
    rights_number: str = "654321"
    offices: str = "same"  # several numbers: all in the same office, or "each" its own
    jurisdiction: str = "Russia, Rospatent"
    work: str = "Photographs of our handmade bags, series Spring, 2023"
    holder: str = "Romashka LLC"
    infringement: str = "Counterfeit bags with our logo"
    claim: str = "Remove the seller's store as well"
    link: str = LISTING
    evidence: tuple[tuple[str, bytes], ...] = (("photo", png(1)),)
    rights_docs: tuple[tuple[str, bytes], ...] = (("certificate.pdf", pdf("certificate")),)
    authority_docs: tuple[tuple[str, bytes], ...] = (("authority.pdf", pdf("authority")),)
    name: str = "Anna Smirnova"
    org: str = "Smirnova & Partners"
    email: str = "anna@example.com"
    phone: str = "+7 916 123-45-67"  # "" skips it (the phone is optional)
    seller_contacts: tuple[str, ...] = ()  # switched on or off before "Done" (name, email on)

    def steps(self) -> list[str]:
        """The steps this complaint goes through, in order: the intake's own declaration
        (dialogs/flow.py, by `tests.intake_path`) asked with this complaint's answers."""
        numbers = check_reg_numbers(self.rights_number)
        answers = {
            "role": self.role,
            "licence_kind": self.licence,
            "right_type": self.right,
            "patent_kind": self.patent_kind,
            "rights_number": numbers.value if isinstance(numbers, Valid) else "",
            "offices_same": self.offices,
            "claim_subject": "other" if self.claim_other else "remove_listings",
        }
        files = [
            StoredFile(sha256=str(i), name=name, mime="", size=1, section=FileSection.RIGHTS_DOCS)
            for i, (name, _) in enumerate(self.rights_docs)
        ]
        return intake_path(answers, files)


class _Player:
    """Answers one step of a `Complaint` and waits for the next step's prompt."""

    def __init__(self, claimant: Claimant, complaint: Complaint) -> None:
        self.c = claimant
        self.k = complaint

    async def files(self, items: tuple[tuple[str, bytes], ...], expect: str) -> SentMessage:
        for name, data in items:
            mime = "application/pdf" if name.endswith(".pdf") else "image/png"
            await self.c.attaches(data, name, mime)
        return await self.c.presses("Done", expect=expect)

    async def answer(self, step: str, expect: str) -> SentMessage:
        c, k = self.c, self.k
        say: dict[str, str] = {
            "rights_number": k.rights_number,
            "rights_jurisdiction": k.jurisdiction,
            "work_description": k.work,
            "rights_holder": k.holder,
            "infringement_description": k.infringement,
            "claim_subject_other": k.claim,
            "contact_name": k.name,
            "contact_org": k.org,
            "contact_email": k.email,
            "contact_phone": k.phone,
        }
        press: dict[str, str] = {
            "welcome": "Start",
            "screen_listing": "Yes, I have the link",
            "screen_matter": "My IP right is infringed",
            "role": ROLE_BUTTONS[k.role],
            "licence_kind": LICENCE_BUTTONS[k.licence],
            "offices_same": OFFICES_BUTTONS[k.offices],
            "rights_docs_cover": "them all",
            "right_type": RIGHT_BUTTONS[k.right],
            "patent_kind": PATENT_BUTTONS[k.patent_kind],
            "claim_subject": "Something else" if k.claim_other else "Remove the infringing",
            "evidence_note": "Skip",
            "disclosure": "I understand",
            "confirm_data_processing": "I confirm",
            "confirm_third_party": "I confirm",
            "confirm_authorised": "I confirm",
        }
        if step == "contact_phone" and not k.phone:  # Skip is a key of the reply keyboard
            return await c.says("Skip", expect=expect)
        if step == "seller_contacts":
            for option in k.seller_contacts:
                await c.presses(SELLER_CONTACT_BUTTONS[option], expect=PROMPTS[step])
            return await c.presses("Done", expect=expect)
        if step in say:
            return await c.says(say[step], expect=expect)
        if step in press:
            return await c.presses(press[step], expect=expect)
        if step == "links":
            await c.says(k.link, expect="Links saved")
            return await c.presses("Done", expect=expect)
        if step == "evidence_files":
            return await self.files(k.evidence, expect)
        if step == "rights_docs":
            return await self.files(k.rights_docs, expect)
        if step == "authority_docs":
            return await self.files(k.authority_docs, expect)
        raise ValueError(f"no scripted answer for step {step!r}")


async def _play(
    claimant: Claimant, complaint: Complaint, start: str | None, target: str
) -> SentMessage:
    steps = complaint.steps()
    for step in (start, target):
        if step is not None and step not in steps:
            raise ValueError(f"{step!r} is not on the path of {complaint}")
    player = _Player(claimant, complaint)
    if start is None:
        prompt = await claimant.says("/start", expect=PROMPTS["welcome"])
        start = "welcome"
    else:
        prompt = claimant.fake.messages(claimant.chat_id)[-1]
    for step, following in itertools.pairwise(steps[steps.index(start) :]):
        if step == target:
            break
        prompt = await player.answer(step, PROMPTS[following])
    # The prompt is drawn with its buttons last: wait for the whole reply to be there.
    await claimant.fake.wait_until(
        lambda: claimant.fake.messages(claimant.chat_id)[-1] is prompt, claimant.timeout
    )
    return prompt
