"""Uploaded files: what they really are (content sniffing), and whether a section accepts them.

The type is decided from the bytes with the ``filetype`` library, never from the file name or
the MIME type the client declared (a renamed ``.exe`` stays an ``.exe``). Pass the whole file
when you have it (Telegram files are at most 20 MB), or at least its first :data:`HEAD_BYTES`.

Decisions:

* **docx** is a ZIP container. ``filetype`` recognises it by the names of the first entries
  (``word/...``); when the whole file is given, it is also opened with :mod:`zipfile` and must
  hold ``[Content_Types].xml`` and ``word/document.xml`` (this also catches docx files whose
  entries are in an unusual order). A plain ZIP is ``application/zip``, which no section accepts:
  staff cannot review archives without unpacking them, so claimants send the files themselves.
* **doc** (Word 97-2003) is an OLE2 container; besides ``filetype``'s matcher, an OLE2 file
  whose directory names a ``WordDocument`` stream (found in the given bytes) is taken as doc.
* **Plain text** has no magic number. ``text/plain`` is accepted for evidence only (e.g. a chat
  transcript), and only when the bytes decode as UTF-8 with no control characters besides
  tab/CR/LF/FF. Text starting with ``<`` (HTML, SVG, XML) is ``text/html``, accepted nowhere.
"""

from __future__ import annotations

import codecs
import io
import zipfile

import filetype

from . import Invalid, Valid, invalid

# Error codes (Fluent ids) and their params:
ERR_FILE_EMPTY = "err-file-empty"  # params: none
ERR_FILE_TOO_BIG = "err-file-too-big"  # params: size_mb, limit_mb
ERR_FILE_TYPE = "err-file-type"  # params: detected (a label such as "EXE", or "unknown"), allowed

HEAD_BYTES = 8192
MAX_BYTES = 20 * 1024 * 1024
_MB = 1024 * 1024

JPEG, PNG, WEBP, HEIC, GIF, TIFF = (
    "image/jpeg",
    "image/png",
    "image/webp",
    "image/heic",
    "image/gif",
    "image/tiff",
)
PDF = "application/pdf"
DOC = "application/msword"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
RTF = "application/rtf"
MP4, MOV = "video/mp4", "video/quicktime"
ZIP = "application/zip"
TEXT = "text/plain"
HTML = "text/html"

_IMAGES = {JPEG, PNG, WEBP, HEIC, GIF, TIFF}
ALLOWED_MIME: dict[str, set[str]] = {
    "evidence": _IMAGES | {PDF, DOC, DOCX, MP4, MOV, TEXT},
    "rights_docs": (_IMAGES - {GIF}) | {PDF, DOC, DOCX, ODT, RTF},
    "authority_docs": (_IMAGES - {GIF}) | {PDF, DOC, DOCX, ODT, RTF},
}

# Short labels for messages, and the extension a stored file of that type should carry.
MIME_LABELS: dict[str, str] = {
    JPEG: "JPEG",
    PNG: "PNG",
    WEBP: "WEBP",
    HEIC: "HEIC",
    GIF: "GIF",
    TIFF: "TIFF",
    PDF: "PDF",
    DOC: "DOC",
    DOCX: "DOCX",
    ODT: "ODT",
    RTF: "RTF",
    MP4: "MP4",
    MOV: "MOV",
    TEXT: "TXT",
    HTML: "HTML",
}
EXTENSIONS: dict[str, str] = {
    JPEG: "jpg",
    PNG: "png",
    WEBP: "webp",
    HEIC: "heic",
    GIF: "gif",
    TIFF: "tif",
    PDF: "pdf",
    DOC: "doc",
    DOCX: "docx",
    ODT: "odt",
    RTF: "rtf",
    MP4: "mp4",
    MOV: "mov",
    TEXT: "txt",
}

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_WORD_STREAM = "WordDocument".encode("utf-16-le")


def _sniff_text(data: bytes, *, complete: bool) -> str | None:
    """``text/plain`` for printable UTF-8, ``text/html`` for markup (HTML, SVG, XML), else None."""
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(data, final=complete)
    except UnicodeDecodeError:
        return None
    text = text.removeprefix("\ufeff")
    if not text.strip() or not all(c.isprintable() or c in "\t\r\n\f" for c in text):
        return None
    return HTML if text.lstrip().startswith("<") else TEXT


def _zip_is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return False
    return {"[Content_Types].xml", "word/document.xml"} <= names


def sniff(head: bytes, *, complete: bool = False) -> str | None:
    """The MIME type detected from the file's bytes, or None when unknown.

    ``complete`` says ``head`` is the whole file: then containers are checked more thoroughly
    (docx opened as a ZIP) and UTF-8 text may end exactly at the end of the data.
    """
    if not head:
        return None
    kind = filetype.guess(head)
    mime = kind.mime if kind else None
    if complete and mime in (DOCX, ZIP):
        mime = DOCX if _zip_is_docx(head) else ZIP
    if mime is None and head.startswith(_OLE2_MAGIC) and _WORD_STREAM in head:
        mime = DOC
    if mime is None:
        mime = _sniff_text(head[:HEAD_BYTES], complete=complete and len(head) <= HEAD_BYTES)
    return mime


def _label(mime: str | None) -> str:
    if mime is None:
        return "unknown"
    if mime in MIME_LABELS:
        return MIME_LABELS[mime]
    kind = filetype.get_type(mime=mime)
    return kind.extension.upper() if kind else mime


def allowed_label(section: str) -> str:
    """The accepted types of a section as a short human string, e.g. ``"PDF, DOC, JPEG"``."""
    order = list(MIME_LABELS)
    labels = [MIME_LABELS[m] for m in sorted(ALLOWED_MIME[section], key=order.index)]
    return ", ".join(labels)


def _mb(size: int) -> str:
    return f"{size / _MB:.1f}".removesuffix(".0")


def check_upload(
    head: bytes,
    declared_name: str,
    declared_mime: str | None,
    size: int,
    section: str,
    *,
    max_bytes: int = MAX_BYTES,
) -> Valid[str] | Invalid:
    """Accept or refuse an upload for a section (``evidence``, ``rights_docs``,
    ``authority_docs``); the value is the detected MIME type.

    ``declared_name`` and ``declared_mime`` are the client's claims: they are not trusted and do
    not decide the type (see :data:`EXTENSIONS` to name the stored file after its real type).
    An unknown ``section`` is a programming error (KeyError).
    """
    del declared_name, declared_mime  # deliberately unused: the content decides
    allowed = ALLOWED_MIME[section]
    if size <= 0 or not head:
        return invalid(ERR_FILE_EMPTY)
    if size > max_bytes:
        return invalid(ERR_FILE_TOO_BIG, size_mb=_mb(size), limit_mb=_mb(max_bytes))
    mime = sniff(head, complete=len(head) >= size)
    if mime is None or mime not in allowed:
        return invalid(ERR_FILE_TYPE, detected=_label(mime), allowed=allowed_label(section))
    return Valid(mime)


__all__ = [
    "ALLOWED_MIME",
    "ERR_FILE_EMPTY",
    "ERR_FILE_TOO_BIG",
    "ERR_FILE_TYPE",
    "EXTENSIONS",
    "HEAD_BYTES",
    "MAX_BYTES",
    "MIME_LABELS",
    "allowed_label",
    "check_upload",
    "sniff",
]
