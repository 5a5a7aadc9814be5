import io
import zipfile

import pytest

from dialogs.model import FileSection
from dialogs.validators import Invalid, Valid
from dialogs.validators.filetypes import (
    ALLOWED_MIME,
    DOC,
    DOCX,
    EXTENSIONS,
    PDF,
    PNG,
    TEXT,
    allowed_label,
    check_upload,
    sniff,
)

PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00\x00\x00\x01" * 2 + b"\x08\x02\x00\x00\x00"
)
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01" + b"\x00" * 32
PDF_BYTES = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n"
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48


def _zip(entries: list[tuple[str, str]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries:
            archive.writestr(name, content)
    return buf.getvalue()


DOCX_BYTES = _zip(
    [
        ("[Content_Types].xml", '<?xml version="1.0"?><Types/>'),
        ("_rels/.rels", '<?xml version="1.0"?><Relationships/>'),
        ("word/document.xml", '<?xml version="1.0"?><w:document/>'),
    ]
)
# LibreOffice-style order: [Content_Types].xml last.
DOCX_ODD_ORDER = _zip(
    [
        ("_rels/.rels", "<Relationships/>"),
        ("docProps/app.xml", "<Properties/>"),
        ("docProps/core.xml", "<cp:coreProperties/>"),
        ("customXml/item1.xml", "<x/>"),
        ("customXml/item2.xml", "<x/>"),
        ("word/document.xml", "<w:document/>"),
        ("[Content_Types].xml", "<Types/>"),
    ]
)
ZIP_BYTES = _zip([("photo1.jpg", "not really"), ("notes.txt", "hello")])
FAKE_DOCX_ZIP = _zip([("word/evil.exe", "MZ")])  # a "word/" entry but no document


def _ole2_doc() -> bytes:
    data = bytearray(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1016)
    data[600:624] = "WordDocument".encode("utf-16-le")
    return bytes(data)


def test_sniff_by_content():
    assert sniff(PNG_BYTES) == PNG
    assert sniff(JPEG_BYTES) == "image/jpeg"
    assert sniff(PDF_BYTES) == PDF
    assert sniff(DOCX_BYTES) == DOCX
    assert sniff(ZIP_BYTES) == "application/zip"
    assert sniff(EXE_BYTES) == "application/x-msdownload"
    assert sniff(_ole2_doc()) == DOC
    assert sniff(b"") is None
    assert sniff(b"\x00\x01\x02\x03garbage") is None


def test_sniff_text():
    assert sniff("Переписка с продавцом\n".encode(), complete=True) == TEXT
    assert sniff(b"<html><script>alert(1)</script></html>", complete=True) == "text/html"
    assert sniff("\ufeffhello".encode(), complete=True) == TEXT
    assert sniff(b"\xff\xfe\x00bad utf8", complete=True) is None
    # a multi-byte character cut off at the end of a partial head is still text
    assert sniff("абв".encode()[:-1], complete=False) == TEXT
    assert sniff("абв".encode()[:-1], complete=True) is None


def _check(data: bytes, name: str, section: str = "evidence", **kw):
    return check_upload(data, name, None, len(data), section, **kw)


@pytest.mark.parametrize("section", ["evidence", "rights_docs", "authority_docs"])
def test_documents_accepted_everywhere(section):
    assert _check(PDF_BYTES, "certificate.pdf", section) == Valid(PDF)
    assert _check(PNG_BYTES, "scan.png", section) == Valid(PNG)
    assert _check(DOCX_BYTES, "Доверенность.docx", section) == Valid(DOCX)
    assert _check(DOCX_ODD_ORDER, "contract.docx", section) == Valid(DOCX)
    assert _check(_ole2_doc(), "old.doc", section) == Valid(DOC)


def test_content_decides_not_the_name():
    assert _check(PNG_BYTES, "certificate.pdf") == Valid(PNG)
    assert check_upload(PDF_BYTES, "photo.jpg", "image/jpeg", len(PDF_BYTES), "evidence") == Valid(
        PDF
    )


def test_exe_renamed_to_pdf_is_refused():
    result = check_upload(EXE_BYTES, "certificate.pdf", "application/pdf", 4096, "rights_docs")
    assert result == Invalid(
        "err-file-type", {"detected": "EXE", "allowed": allowed_label("rights_docs")}
    )


def test_plain_zip_is_not_a_docx():
    assert _check(ZIP_BYTES, "evidence.docx") == Invalid(
        "err-file-type", {"detected": "ZIP", "allowed": allowed_label("evidence")}
    )
    assert _check(FAKE_DOCX_ZIP, "trick.docx").code == "err-file-type"


def test_text_files_only_as_evidence():
    data = "Скриншот переписки: продавец признаёт, что это копия.\n".encode()
    assert _check(data, "chat.txt") == Valid(TEXT)
    assert _check(data, "chat.txt", "rights_docs") == Invalid(
        "err-file-type", {"detected": "TXT", "allowed": allowed_label("rights_docs")}
    )
    assert _check(b"<svg onload=alert(1)>", "pic.txt").params["detected"] == "HTML"
    assert _check(b"\x00\x01\x02binary", "x.txt").params["detected"] == "unknown"


def test_unknown_content():
    assert _check(b"\x00\x01\x02\x03\x04", "mystery.pdf") == Invalid(
        "err-file-type", {"detected": "unknown", "allowed": allowed_label("evidence")}
    )


def test_empty_file():
    assert check_upload(b"", "empty.pdf", None, 0, "evidence") == Invalid("err-file-empty", {})
    assert check_upload(PDF_BYTES, "x.pdf", None, 0, "evidence") == Invalid("err-file-empty", {})


def test_too_big():
    size = 25 * 1024 * 1024
    assert check_upload(PDF_BYTES, "big.pdf", None, size, "evidence") == Invalid(
        "err-file-too-big", {"size_mb": "25", "limit_mb": "20"}
    )
    assert check_upload(
        PDF_BYTES, "big.pdf", None, 1_572_864, "evidence", max_bytes=1024 * 1024
    ) == (Invalid("err-file-too-big", {"size_mb": "1.5", "limit_mb": "1"}))
    # exactly at the limit is fine; a partial head of a big file is sniffed as a head
    assert check_upload(PDF_BYTES, "ok.pdf", None, 20 * 1024 * 1024, "evidence") == Valid(PDF)


def test_sections_and_labels():
    assert set(ALLOWED_MIME) == {s.value for s in FileSection}
    assert check_upload(PDF_BYTES, "x.pdf", None, 10, FileSection.AUTHORITY_DOCS) == Valid(PDF)
    assert "application/zip" not in set().union(*ALLOWED_MIME.values())
    assert allowed_label("evidence").startswith("JPEG, PNG")
    assert "TXT" not in allowed_label("rights_docs")
    assert all(m in EXTENSIONS for mimes in ALLOWED_MIME.values() for m in mimes)
    with pytest.raises(KeyError):
        check_upload(PDF_BYTES, "x.pdf", None, 10, "nope")


ORIGINALS = [
    (b"8BPS\x00\x01" + b"\x00" * 40, "artwork.psd", "image/vnd.adobe.photoshop"),
    (
        b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><path d="M0 0"/></svg>',
        "logo.svg",
        "image/svg+xml",
    ),
    (b"II*\x00\x10\x00\x00\x00CR\x02\x00" + b"\x00" * 40, "IMG_0001.CR2", "image/x-canon-cr2"),
    (
        b"\x00\x00\x00\x18ftypcrx \x00\x00\x00\x01" + b"\x00" * 40,
        "IMG_0002.CR3",
        "image/x-canon-cr3",
    ),
    (b"FUJIFILMCCD-RAW 0201" + b"\x00" * 40, "DSCF0001.RAF", "image/x-fuji-raf"),
    (b"IIRO\x08\x00\x00\x00" + b"\x00" * 40, "P1010001.ORF", "image/x-olympus-orf"),
    (b"IIU\x00\x18\x00\x00\x00" + b"\x00" * 40, "P1000001.RW2", "image/x-panasonic-rw2"),
]


@pytest.mark.parametrize(("data", "name", "mime"), ORIGINALS)
def test_originals_of_a_work_are_accepted_as_rights_documents(data, name, mime):
    """A photographer's or designer's originals (PSD, SVG, camera raw) prove authorship."""
    assert sniff(data, complete=True) == mime
    assert _check(data, name, "rights_docs") == Valid(mime)
    refused = _check(data, name, "authority_docs")
    assert isinstance(refused, Invalid) and refused.code == "err-file-type"


def test_an_svg_with_a_script_is_still_refused():
    for svg in (
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>',
    ):
        assert sniff(svg, complete=True) == "text/html"
        assert isinstance(_check(svg, "logo.svg", "rights_docs"), Invalid)
