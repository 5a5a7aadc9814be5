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
* **Archives inside** (docx, odt and any ZIP) are read from their central directory with
  :mod:`zipfile`, never extracted: more than :data:`MAX_ARCHIVE_ENTRIES` entries, more than
  :data:`MAX_UNPACKED_BYTES` unpacked, or a ratio above :data:`MAX_PACK_RATIO` is a
  decompression bomb, refused (``err-file-bomb``).
* **Polyglots**, one file that two kinds of reader take as different types (a PDF that is also
  a ZIP, a docx whose first kilobyte holds a PDF header, a picture with an archive appended),
  are refused (``err-file-polyglot``): staff would open one thing and another would be filed.
* **Plain text** has no magic number. ``text/plain`` is accepted for evidence only (e.g. a chat
  transcript), and only when the bytes decode as UTF-8 with no control characters besides
  tab/CR/LF/FF. Text starting with ``<`` (HTML, SVG, XML) is ``text/html``, accepted nowhere.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from pathlib import Path

import filetype

from . import Invalid, Valid, invalid

# Error codes (Fluent ids) and their params:
ERR_FILE_EMPTY = "err-file-empty"  # params: none
ERR_FILE_TOO_BIG = "err-file-too-big"  # params: size_mb, limit_mb
ERR_FILE_TYPE = "err-file-type"  # params: detected (a label such as "EXE", or "unknown"), allowed
ERR_FILE_BOMB = "err-file-bomb"  # params: detected (its label), reason (entries|size|ratio)
ERR_FILE_POLYGLOT = "err-file-polyglot"  # params: detected, other (labels of the two types)

MAX_ARCHIVE_ENTRIES = 2000
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_PACK_RATIO = 100
_PDF_HEADER_WINDOW = 1024  # PDF readers find "%PDF-" anywhere in the first kilobyte

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
# Originals of a copyrighted work (photos, designs): layered, vector and camera-raw files.
PSD, SVG = "image/vnd.adobe.photoshop", "image/svg+xml"
CR2, CR3, RAF, ORF, RW2 = (
    "image/x-canon-cr2",
    "image/x-canon-cr3",
    "image/x-fuji-raf",
    "image/x-olympus-orf",
    "image/x-panasonic-rw2",
)
_ORIGINALS = {PSD, SVG, CR2, CR3, RAF, ORF, RW2}  # NEF, ARW, DNG are TIFF; AI is PDF

_IMAGES = {JPEG, PNG, WEBP, HEIC, GIF, TIFF}
ALLOWED_MIME: dict[str, set[str]] = {
    "evidence": _IMAGES | {PDF, DOC, DOCX, MP4, MOV, TEXT},
    "rights_docs": (_IMAGES - {GIF}) | {PDF, DOC, DOCX, ODT, RTF} | _ORIGINALS,
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
    PSD: "PSD",
    SVG: "SVG",
    CR2: "CR2",
    CR3: "CR3",
    RAF: "RAF",
    ORF: "ORF",
    RW2: "RW2",
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
    PSD: "psd",
    SVG: "svg",
    CR2: "cr2",
    CR3: "cr3",
    RAF: "raf",
    ORF: "orf",
    RW2: "rw2",
}
# Camera-raw formats the ``filetype`` library does not know, by their first bytes.
_RAW_MAGIC: tuple[tuple[int, bytes, str], ...] = (
    (0, b"FUJIFILMCCD-RAW", RAF),
    (0, b"IIRO", ORF),
    (0, b"IIRS", ORF),
    (0, b"IIU\x00", RW2),
    (4, b"ftypcrx ", CR3),
)
_SVG_RE_HEAD = ("<svg", "<!doctype svg")
_SVG_HANDLER_RE = re.compile(r"\son[a-z]+\s*=")

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
    if not text.lstrip().startswith("<"):
        return TEXT
    lower = text.lower()
    is_svg = any(tag in lower for tag in _SVG_RE_HEAD) and "<html" not in lower
    # An SVG that runs anything (script, event handlers, javascript: links) is refused as HTML.
    active = "<script" in lower or "javascript:" in lower or _SVG_HANDLER_RE.search(lower)
    return SVG if is_svg and not active else HTML


Source = bytes | Path  # the whole file: in memory, or on disk


def _open_zip(source: Source) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source)


def _zip_names(source: Source) -> set[str] | None:
    """The entry names of a ZIP (from its central directory), None when it is not one."""
    try:
        with _open_zip(source) as archive:
            return set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return None


def _zip_is_docx(data: Source) -> bool:
    names = _zip_names(data)
    return names is not None and {"[Content_Types].xml", "word/document.xml"} <= names


def zip_bomb(source: Source) -> str | None:
    """Why a ZIP container would be a decompression bomb (``entries``, ``size`` or ``ratio``),
    or None. Only the central directory is read; nothing is extracted."""
    try:
        with _open_zip(source) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return None
    if len(entries) > MAX_ARCHIVE_ENTRIES:
        return "entries"
    unpacked = sum(e.file_size for e in entries)
    packed = sum(e.compress_size for e in entries)
    if unpacked > MAX_UNPACKED_BYTES:
        return "size"
    if unpacked > _MB and unpacked > MAX_PACK_RATIO * max(packed, 1):
        return "ratio"
    return None


def _is_zip(source: Source) -> bool:
    if isinstance(source, bytes):
        return zipfile.is_zipfile(io.BytesIO(source))
    return zipfile.is_zipfile(source)


def polyglot(mime: str, head: bytes, source: Source) -> str | None:
    """The other type a file of type ``mime`` also is (``application/zip`` or PDF), or None."""
    zip_based = mime in (DOCX, ODT, ZIP)
    if not zip_based and _is_zip(source):
        return ZIP
    if mime != PDF and b"%PDF-" in head[:_PDF_HEADER_WINDOW]:
        return PDF
    return None


def sniff(head: bytes, *, complete: bool = False, source: Path | None = None) -> str | None:
    """The MIME type detected from the file's bytes, or None when unknown.

    ``complete`` says ``head`` is the whole file, ``source`` where the whole file is on disk:
    then containers are checked more thoroughly (docx opened as a ZIP) and UTF-8 text may end
    exactly at the end of the data.
    """
    if not head:
        return None
    for offset, magic, raw in _RAW_MAGIC:
        if head[offset : offset + len(magic)] == magic:
            return raw
    kind = filetype.guess(head)
    mime = kind.mime if kind else None
    whole: Source | None = source if source is not None else (head if complete else None)
    if whole is not None and mime in (DOCX, ZIP):
        mime = DOCX if _zip_is_docx(whole) else ZIP
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
    source: Path | None = None,
) -> Valid[str] | Invalid:
    """Accept or refuse an upload for a section (``evidence``, ``rights_docs``,
    ``authority_docs``); the value is the detected MIME type.

    ``declared_name`` and ``declared_mime`` are the client's claims: they are not trusted and do
    not decide the type (see :data:`EXTENSIONS` to name the stored file after its real type).
    ``head`` is the file's first bytes (or all of it); ``source``, when given, is the whole
    file on disk, from which containers, bombs and polyglots are checked without reading it all
    into memory. An unknown ``section`` is a programming error (KeyError).
    """
    del declared_name, declared_mime  # deliberately unused: the content decides
    allowed = ALLOWED_MIME[section]
    if size <= 0 or not head:
        return invalid(ERR_FILE_EMPTY)
    if size > max_bytes:
        return invalid(ERR_FILE_TOO_BIG, size_mb=_mb(size), limit_mb=_mb(max_bytes))
    complete = len(head) >= size
    mime = sniff(head, complete=complete, source=source)
    if mime is None or mime not in allowed:
        return invalid(ERR_FILE_TYPE, detected=_label(mime), allowed=allowed_label(section))
    whole: Source | None = source if source is not None else (head if complete else None)
    if whole is not None:
        other = polyglot(mime, head, whole)
        if other is not None:
            return invalid(ERR_FILE_POLYGLOT, detected=_label(mime), other=_label(other))
        if mime in (DOCX, ODT, ZIP) and (why := zip_bomb(whole)) is not None:
            return invalid(ERR_FILE_BOMB, detected=_label(mime), reason=why)
    return Valid(mime)


__all__ = [
    "ALLOWED_MIME",
    "ERR_FILE_BOMB",
    "ERR_FILE_EMPTY",
    "ERR_FILE_POLYGLOT",
    "ERR_FILE_TOO_BIG",
    "ERR_FILE_TYPE",
    "EXTENSIONS",
    "HEAD_BYTES",
    "MAX_BYTES",
    "MIME_LABELS",
    "allowed_label",
    "check_upload",
    "polyglot",
    "sniff",
    "zip_bomb",
]
