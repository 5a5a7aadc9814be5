"""Issue 6, observation 9: a DOCX whose parts unpack to 200 MB, and a file that is both a PDF
and a ZIP, were accepted as documents and passed to staff as such; a right-to-left override in a
file name made "\\u202egnp.pdf" read as "fdp.png".

Now archives and Office files are checked from their ZIP central directory (never extracted) for
decompression bombs (total unpacked size, ratio, number of entries), and polyglots are refused:
each with a clear reason in the claimant's language, the saved draft unchanged. A file name is
shown without bidi controls or invisible characters, and kept as sent in the draft."""

from __future__ import annotations

import io
import zipfile
from functools import cache
from pathlib import Path

from dialogs.i18n import texts
from dialogs.model import FileSection
from dialogs.validators import Invalid
from dialogs.validators.filetypes import (
    DOCX,
    ERR_FILE_BOMB,
    ERR_FILE_POLYGLOT,
    MAX_ARCHIVE_ENTRIES,
    check_upload,
)
from tests.e2e.claimant import Claimant, pdf, png
from tests.e2e.conftest import CLAIMANT, RunningBot
from tests.fake_telegram import FakeTelegram
from tests.test_issues.issue6 import refused_unchanged, saved_draft

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MB = 1024 * 1024


def docx(extra: list[tuple[str, bytes]] = ()) -> bytes:  # type: ignore[assignment]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships/>')
        archive.writestr("word/document.xml", '<?xml version="1.0"?><w:document/>')
        for name, data in extra:
            archive.writestr(name, data)
    return buffer.getvalue()


@cache
def bomb_docx() -> bytes:
    """A 200 MB part (zeros), packed to a few hundred kilobytes."""
    return docx([("word/media/image1.bin", bytes(200 * MB))])


def pdf_zip_polyglot() -> bytes:
    return pdf("certificate") + docx()  # a PDF with a ZIP appended: opens as both


def test_bombs_are_found_from_the_central_directory(tmp_path: Path) -> None:
    cases = {
        "size": bomb_docx(),
        "ratio": docx([("word/media/a.bin", bytes(5 * MB))]),
        "entries": docx([(f"word/media/{i}.xml", b"<x/>") for i in range(MAX_ARCHIVE_ENTRIES)]),
    }
    for reason, data in cases.items():
        path = tmp_path / f"{reason}.docx"
        path.write_bytes(data)
        for source in (None, path):
            head = data if source is None else data[:65536]  # whole in memory, or on disk
            refused = check_upload(
                head, "a.docx", DOCX_MIME, len(data), "rights_docs", source=source
            )
            assert isinstance(refused, Invalid), reason
            assert refused.code == ERR_FILE_BOMB and refused.params["reason"] == reason
    sane = docx([("word/media/photo.png", png(1))])
    assert check_upload(sane, "a.docx", DOCX_MIME, len(sane), "rights_docs").value == DOCX


def test_polyglots_are_refused() -> None:
    for data, first, other in (
        (pdf_zip_polyglot(), "PDF", "ZIP"),
        (png(2) + docx(), "PNG", "ZIP"),
        (docx([("%PDF-1.7 fake.txt", b"x")]), "DOCX", "PDF"),
    ):
        refused = check_upload(data, "a.pdf", "application/pdf", len(data), "evidence")
        assert isinstance(refused, Invalid), first
        assert refused.code == ERR_FILE_POLYGLOT
        assert refused.params == {"detected": first, "other": other}
    plain = pdf("fine")
    assert check_upload(plain, "a.pdf", "application/pdf", len(plain), "evidence").value


async def test_a_bomb_and_a_polyglot_are_refused_and_the_draft_unchanged(
    fake: FakeTelegram, either_bot: RunningBot
) -> None:
    anna = Claimant(fake, CLAIMANT)
    await anna.reaches("rights_docs")
    bomb = await refused_unchanged(
        fake,
        either_bot,
        "rights_docs",
        lambda: fake.user_sends_document(CLAIMANT, bomb_docx(), "certificate.docx", DOCX_MIME),
        "looks like an archive bomb",
    )
    assert (bomb.text or "").startswith("⚠️ This DOCX file unpacks to far more data")
    polyglot = await refused_unchanged(
        fake,
        either_bot,
        "rights_docs",
        lambda: fake.user_sends_document(CLAIMANT, pdf_zip_polyglot(), "certificate.pdf"),
        "This file is at once a PDF and a ZIP",
    )
    assert "print it to PDF" in (polyglot.text or "")
    assert not (await saved_draft(either_bot)).files_in(FileSection.RIGHTS_DOCS)


async def test_a_right_to_left_override_does_not_disguise_a_name(
    fake: FakeTelegram, either_bot: RunningBot
) -> None:
    anna = Claimant(fake, CLAIMANT)
    await anna.reaches("rights_docs")
    name = "certificate\u202egnp.pdf"
    received = await anna.attaches(pdf("scan"), name)
    text = received.text or ""
    assert "\u202e" not in text
    assert "“certificategnp.pdf”" in text  # the real order: it is a .pdf
    [kept] = (await saved_draft(either_bot)).files_in(FileSection.RIGHTS_DOCS)
    assert kept.name == name  # the record keeps what was sent


def test_the_refusals_read_in_both_languages() -> None:
    en, ru = texts("en"), texts("ru")
    assert "archive bomb" in en(ERR_FILE_BOMB, detected="DOCX", reason="size")
    assert "архивную бомбу" in ru(ERR_FILE_BOMB, detected="DOCX", reason="size")
    assert "одновременно PDF и ZIP" in ru(ERR_FILE_POLYGLOT, detected="PDF", other="ZIP")
