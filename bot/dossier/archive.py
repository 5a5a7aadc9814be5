"""The dossier archive: the PDF, a machine-readable manifest and every original file.

The archive is what staff download to review a case offline or forward it. Two properties matter:

* **integrity** — every file is read back from the content-addressed store and its sha256 checked
  while packing; a mismatch raises :class:`DossierIntegrityError` instead of producing an archive
  that looks fine but holds the wrong bytes;
* **reproducibility** — the same case, PDF and file contents always give byte-identical ZIP
  output (fixed entry order, timestamps taken from the case's submission time, fixed
  permissions), so a dossier can be rebuilt and compared by hash.
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO
from pathlib import PurePosixPath

from dialogs.filenames import shown_name
from dialogs.model import Case, FileSection, StoredFile

__all__ = [
    "SECTION_DIRS",
    "DossierIntegrityError",
    "PlannedFile",
    "build_dossier_zip",
    "plan_layout",
    "safe_filename",
    "split_archive",
]

PDF_NAME = "dossier.pdf"
MANIFEST_NAME = "manifest.json"
MANIFEST_VERSION = 1

# Folder inside the archive for each file section, in the order they are laid out.
SECTION_DIRS: dict[FileSection, str] = {
    FileSection.EVIDENCE: "evidence",
    FileSection.RIGHTS_DOCS: "rights_documents",
    FileSection.AUTHORITY_DOCS: "authority_documents",
}

# What an entry adds besides its compressed bytes: its local header (30 bytes) and central
# directory record (46), each with its name; a margin for extra fields. The archive's end: 22.
_ENTRY_OVERHEAD = 30 + 46 + 64
_END_OVERHEAD = 22

_MAX_NAME_BYTES = 150  # well below the 255-byte limit of common file systems, prefix included
_UNSAFE_CHARS = re.compile(r'[<>:"|?*\x00-\x1f\x7f]')
_SEPARATORS = re.compile(r"[/\\]+")
_SPACES = re.compile(r"\s+")


class DossierIntegrityError(Exception):
    """A stored file could not be read back, or its bytes do not match the recorded sha256."""

    def __init__(self, message: str, *, sha256: str, name: str) -> None:
        super().__init__(message)
        self.sha256 = sha256
        self.name = name


@dataclass(frozen=True)
class PlannedFile:
    """Where one of the case's files goes in the archive."""

    file: StoredFile
    path: str  # POSIX path inside the ZIP, e.g. "evidence/01_photo.jpg"


def safe_filename(name: str, fallback: str = "file") -> str:
    """Turn a user-supplied file name into one safe to use as a single path component.

    Path separators and ``.``/``..`` components are dropped (``../../etc/passwd`` becomes
    ``etc_passwd``), control and Windows-reserved characters are replaced, Unicode (Cyrillic
    included) is kept in NFC form, and overly long names are shortened keeping the extension.
    """
    name = shown_name(name or "")
    parts = [p for p in _SEPARATORS.split(name) if p.strip(" .")]
    name = "_".join(parts)
    name = _UNSAFE_CHARS.sub("_", name)
    name = _SPACES.sub(" ", name).strip(" .")
    if not name:
        return fallback
    return _shorten(name, _MAX_NAME_BYTES)


def _shorten(name: str, max_bytes: int) -> str:
    if len(name.encode("utf-8")) <= max_bytes:
        return name
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem or len(ext.encode("utf-8")) > 16:
        stem, ext = name, ""
    suffix = f".{ext}" if ext else ""
    budget = max_bytes - len(suffix.encode("utf-8"))
    encoded = stem.encode("utf-8")[:budget]
    stem = encoded.decode("utf-8", errors="ignore").rstrip(" .") or "file"
    return stem + suffix


def plan_layout(case: Case) -> list[PlannedFile]:
    """Decide the archive path of every file: ``<section dir>/<NN>_<safe name>``.

    Sections come in a fixed order (evidence, rights, authority), files within a section keep
    the order the claimant sent them. The running number makes names unique per section;
    a case-insensitive check guards against any remaining collision.
    """
    planned: list[PlannedFile] = []
    seen: set[str] = set()
    for section, folder in SECTION_DIRS.items():
        files = [f for f in case.draft.files if f.section == section]
        width = max(2, len(str(len(files))))
        for index, stored in enumerate(files, start=1):
            base = f"{index:0{width}d}_{safe_filename(stored.name)}"
            path = f"{folder}/{base}"
            counter = 2
            while path.casefold() in seen:
                stem, dot, ext = base.rpartition(".")
                path = f"{folder}/{stem}_{counter}.{ext}" if dot else f"{folder}/{base}_{counter}"
                counter += 1
            seen.add(path.casefold())
            _assert_inside(path, folder)
            planned.append(PlannedFile(file=stored, path=path))
    return planned


def _assert_inside(path: str, folder: str) -> None:
    # Belt and braces: the sanitiser already guarantees this.
    pure = PurePosixPath(path)
    if pure.is_absolute() or ".." in pure.parts or pure.parent != PurePosixPath(folder):
        raise ValueError(f"unsafe archive path {path!r}")


def _zip_timestamp(moment: datetime) -> tuple[int, int, int, int, int, int]:
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    year = min(max(moment.year, 1980), 2107)
    if year != moment.year:
        moment = moment.replace(year=year, month=1, day=1, hour=0, minute=0, second=0)
    return (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)


def _iso_utc(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _read_verified(stored: StoredFile, read_file: Callable[[str], bytes]) -> bytes:
    expected = stored.sha256.strip().lower()
    try:
        data = read_file(stored.sha256)
    except Exception as exc:
        raise DossierIntegrityError(
            f"file {stored.name!r} (sha256 {stored.sha256}) could not be read from the store: "
            f"{exc}",
            sha256=stored.sha256,
            name=stored.name,
        ) from exc
    actual = hashlib.sha256(data).hexdigest()
    if actual != expected:
        raise DossierIntegrityError(
            f"file {stored.name!r} is corrupted in the store: expected sha256 {expected}, "
            f"got {actual}; refusing to build the dossier",
            sha256=stored.sha256,
            name=stored.name,
        )
    return data


def build_dossier_zip(
    case: Case,
    pdf: bytes,
    read_file: Callable[[str], bytes],
    *,
    generated_at: datetime | None = None,
) -> bytes:
    """Pack ``dossier.pdf``, ``manifest.json`` and every original file into a ZIP.

    ``read_file(sha256)`` returns a stored file's bytes; each is verified against its sha256.
    ``generated_at`` is written to the manifest as is (``null`` when not given) so that the
    output depends on the inputs only.
    """
    timestamp = _zip_timestamp(case.submitted_at)
    entries: list[tuple[str, bytes]] = []
    manifest_files: list[dict[str, object]] = []
    for planned in plan_layout(case):
        stored = planned.file
        data = _read_verified(stored, read_file)
        entries.append((planned.path, data))
        manifest_files.append(
            {
                "section": str(stored.section.value),
                "original_name": stored.name,
                "path": planned.path,
                "mime": stored.mime,
                "size": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
            }
        )

    manifest = {
        "manifest_version": MANIFEST_VERSION,
        "case_number": case.number,
        "status": str(case.status.value),
        "submitted_at": _iso_utc(case.submitted_at),
        "generated_at": _iso_utc(generated_at),
        "dossier_pdf": {
            "path": PDF_NAME,
            "size": len(pdf),
            "sha256": hashlib.sha256(pdf).hexdigest(),
        },
        "files": manifest_files,
    }
    manifest_bytes = (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")

    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in [(PDF_NAME, pdf), (MANIFEST_NAME, manifest_bytes), *entries]:
            info = zipfile.ZipInfo(name, date_time=timestamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so the permissions below are honoured
            info.external_attr = 0o644 << 16
            archive.writestr(info, data, compresslevel=9)
    return buffer.getvalue()


def split_archive(archive: bytes, max_bytes: int) -> list[bytes]:
    """The archive as ZIPs of at most `max_bytes` each, for an upload limit: each a whole ZIP
    (unpacked together they give the original layout), the entries in order and each whole;
    an entry larger than `max_bytes` on its own is a part by itself, still too large. The
    archive itself when it fits. Reproducible like the archive: the same bytes in, the same out.
    """
    if len(archive) <= max_bytes:
        return [archive]
    with zipfile.ZipFile(BytesIO(archive)) as source:
        groups: list[list[zipfile.ZipInfo]] = [[]]
        size = _END_OVERHEAD
        for info in source.infolist():
            cost = info.compress_size + _ENTRY_OVERHEAD + 2 * len(info.filename.encode())
            if groups[-1] and size + cost > max_bytes:
                groups.append([])
                size = _END_OVERHEAD
            groups[-1].append(info)
            size += cost
        return [_pack(source, group) for group in groups]


def _pack(source: zipfile.ZipFile, entries: list[zipfile.ZipInfo]) -> bytes:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as part:
        for entry in entries:
            info = zipfile.ZipInfo(entry.filename, date_time=entry.date_time)
            info.compress_type = entry.compress_type
            info.create_system = entry.create_system
            info.external_attr = entry.external_attr
            part.writestr(info, source.read(entry), compresslevel=9)
    return buffer.getvalue()
