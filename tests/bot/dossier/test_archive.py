from __future__ import annotations

import hashlib
import json
import zipfile
from io import BytesIO
from pathlib import Path, PurePosixPath

import pytest

from bot.dossier import (
    DossierIntegrityError,
    build_dossier_pdf,
    build_dossier_zip,
    safe_filename,
    write_dossier,
)
from dialogs.model import FileSection

from .test_pdf import FILE_CONTENTS, GENERATED_AT, SUBMITTED_AT, make_case, make_store, stored_file


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return build_dossier_pdf(make_case(), generated_at=GENERATED_AT)


def _zip(data: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(BytesIO(data))


def test_layout_and_manifest(pdf: bytes) -> None:
    case = make_case()
    store = make_store()
    archive = _zip(build_dossier_zip(case, pdf, store.__getitem__, generated_at=GENERATED_AT))
    assert archive.testzip() is None
    names = archive.namelist()
    assert names[:2] == ["dossier.pdf", "manifest.json"]
    assert archive.read("dossier.pdf") == pdf
    assert set(names[2:]) == {
        "evidence/01_скриншот товара.png",
        "rights_documents/01_Свидетельство на ТЗ №123456.pdf",
        "authority_documents/01_доверенность.pdf",
    }

    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["case_number"] == case.number
    assert manifest["generated_at"] == "2024-05-18T12:00:00Z"
    assert manifest["dossier_pdf"]["sha256"] == hashlib.sha256(pdf).hexdigest()
    assert len(manifest["files"]) == len(case.draft.files) == 3
    for entry in manifest["files"]:
        data = archive.read(entry["path"])
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        assert len(data) == entry["size"]
        assert FILE_CONTENTS[entry["original_name"]] == data
    assert {e["section"] for e in manifest["files"]} == {s.value for s in FileSection}


def test_corrupted_store_raises(pdf: bytes) -> None:
    case = make_case()
    store = make_store()
    victim = case.draft.files[1].sha256
    store[victim] = store[victim][:-1] + b"X"
    with pytest.raises(DossierIntegrityError, match="corrupted") as info:
        build_dossier_zip(case, pdf, store.__getitem__)
    assert info.value.sha256 == victim


def test_missing_file_raises(pdf: bytes) -> None:
    case = make_case()
    store = make_store()
    del store[case.draft.files[0].sha256]
    with pytest.raises(DossierIntegrityError, match="could not be read"):
        build_dossier_zip(case, pdf, store.__getitem__)


def test_malicious_names_stay_inside_their_section(pdf: bytes) -> None:
    case = make_case()
    extra = {
        "../../etc/passwd": b"root:x:0:0",
        "..": b"dots",
        "/abs/path\\win\\evil.exe": b"MZ",
        "": b"empty name",
    }
    for name, data in extra.items():
        case.draft.files.append(stored_file(name, data, FileSection.EVIDENCE, "text/plain"))
    # Same name twice in one section must not collide.
    dup = b"duplicate body"
    case.draft.files.append(stored_file("скриншот товара.png", dup, FileSection.EVIDENCE, "x/y"))
    store = make_store() | {hashlib.sha256(d).hexdigest(): d for d in [*extra.values(), dup]}

    archive = _zip(build_dossier_zip(case, pdf, store.__getitem__))
    names = archive.namelist()
    assert len(names) == len(set(names)) == 2 + len(case.draft.files)
    for name in names[2:]:
        path = PurePosixPath(name)
        assert not path.is_absolute()
        assert ".." not in path.parts
        assert "\\" not in name
        assert len(path.parts) == 2
        assert path.parts[0] in {"evidence", "rights_documents", "authority_documents"}
        assert path.name.split("_", 1)[1]  # a non-empty name after the number
    passwd = [n for n in names if archive.read(n) == b"root:x:0:0"]
    assert passwd == ["evidence/02_etc_passwd"]


def test_safe_filename() -> None:
    assert safe_filename("../../etc/passwd") == "etc_passwd"
    assert safe_filename("..") == "file"
    assert safe_filename("   ") == "file"
    assert safe_filename("Фото: товар?.jpg") == "Фото_ товар_.jpg"
    long = safe_filename("Я" * 300 + ".pdf")
    assert long.endswith(".pdf")
    assert len(long.encode()) <= 150


def test_deterministic(pdf: bytes) -> None:
    one = build_dossier_zip(make_case(), pdf, make_store().__getitem__, generated_at=GENERATED_AT)
    two = build_dossier_zip(make_case(), pdf, make_store().__getitem__, generated_at=GENERATED_AT)
    assert one == two
    for info in _zip(one).infolist():
        assert info.date_time == (2024, 5, 17, 9, 30, 14)  # ZIP stores even seconds
    assert SUBMITTED_AT.second == 15


def test_write_dossier(tmp_path: Path) -> None:
    case = make_case()
    pdf_path, zip_path = write_dossier(
        case, tmp_path / "out", make_store().__getitem__, generated_at=GENERATED_AT
    )
    assert pdf_path == tmp_path / "out" / f"{case.number}.pdf"
    assert zip_path == tmp_path / "out" / f"{case.number}.zip"
    assert pdf_path.read_bytes().startswith(b"%PDF-")
    assert _zip(zip_path.read_bytes()).read("dossier.pdf") == pdf_path.read_bytes()
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [pdf_path.name, zip_path.name]


def test_split_into_parts_under_a_limit_unpacks_to_the_whole(pdf: bytes) -> None:
    """Issue 14: a ZIP over Telegram's upload limit goes in parts, each a whole ZIP under the
    limit; unpacked together they are the archive, entry for entry, permissions and times kept."""
    from bot.dossier import split_archive

    whole = build_dossier_zip(make_case(), pdf, make_store().__getitem__, generated_at=GENERATED_AT)
    entries = _zip(whole).infolist()
    limit = max(i.compress_size for i in entries) + 400
    assert split_archive(whole, len(whole)) == [whole]  # fits: sent as it is
    parts = split_archive(whole, limit)
    assert len(parts) > 1 and all(len(part) <= limit for part in parts)
    assert split_archive(whole, limit) == parts  # reproducible
    unpacked = [(info, _zip(part).read(info)) for part in parts for info in _zip(part).infolist()]
    assert [info.filename for info, _ in unpacked] == [info.filename for info in entries]
    original = _zip(whole)
    for info, data in unpacked:
        assert data == original.read(info.filename)
        assert (info.date_time, info.external_attr) == (
            original.getinfo(info.filename).date_time,
            original.getinfo(info.filename).external_attr,
        )
    # An entry larger than the limit on its own is a part by itself (Telegram will say 413).
    alone = split_archive(whole, 100)
    assert len(alone) == len(entries)
