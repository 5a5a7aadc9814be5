"""The staff dossier of a case: a PDF to read and a ZIP with the PDF, a manifest and the originals.

Public API:

* :func:`build_dossier_pdf` — the PDF bytes (labels in English or Russian);
* :func:`build_dossier_zip` — the archive bytes, every file verified against its sha256;
* :func:`write_dossier` — both, written to ``<out_dir>/<case number>.pdf`` and ``.zip``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path

from dialogs.model import Case, Lang

from .archive import (
    DossierIntegrityError,
    build_dossier_zip,
    plan_layout,
    safe_filename,
    split_archive,
)
from .pdf import AuditEntry, AuditRow, build_dossier_pdf

__all__ = [
    "AuditEntry",
    "AuditRow",
    "DossierIntegrityError",
    "build_dossier_pdf",
    "build_dossier_zip",
    "plan_layout",
    "safe_filename",
    "split_archive",
    "write_dossier",
]


def write_dossier(
    case: Case,
    out_dir: Path,
    read_file: Callable[[str], bytes],
    audit: Iterable[AuditRow] = (),
    *,
    lang: Lang = "en",
    generated_at: datetime | None = None,
) -> tuple[Path, Path]:
    """Write ``<number>.pdf`` and ``<number>.zip`` for ``case`` into ``out_dir``.

    The ZIP is built (and every file verified) before anything is written, so a corrupted store
    leaves no half-made dossier behind. Returns ``(pdf_path, zip_path)``.
    """
    generated = generated_at or datetime.now(UTC)
    pdf = build_dossier_pdf(case, audit=list(audit), lang=lang, generated_at=generated)
    archive = build_dossier_zip(case, pdf, read_file, generated_at=generated)

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = safe_filename(case.number, fallback=f"case-{case.id}")
    pdf_path = out_dir / f"{stem}.pdf"
    zip_path = out_dir / f"{stem}.zip"
    _write_atomically(pdf_path, pdf)
    _write_atomically(zip_path, archive)
    return pdf_path, zip_path


def _write_atomically(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
