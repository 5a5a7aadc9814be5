"""`python -m bot export`: write the dossier (PDF and ZIP) of one case, or of every case
submitted since a date, to a folder."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from bot.config.settings import Settings, open_storage
from bot.dossier import AuditEntry as AuditRow
from bot.dossier import write_dossier
from bot.dossier.pdf import readable_detail
from dialogs.model import Case
from storage import AuditEntry


def parse_since(value: str) -> datetime | None:
    """A date (YYYY-MM-DD) or an ISO datetime; naive values are UTC. None if unparseable."""
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def audit_row(entry: AuditEntry) -> AuditRow:
    """A stored audit entry as the dossier lists it: who (name and Telegram id), what, when,
    and the detail as words, not JSON."""
    who = entry.actor_name or ""
    if entry.actor_id is not None:
        who = f"{who} (id {entry.actor_id})".strip()
    detail = readable_detail(entry.detail) if entry.detail else None
    return AuditRow(actor_name=who, action=entry.action, at=entry.at, detail=detail)


async def export_command(
    settings: Settings, case_number: str | None, since: str | None, out: Path
) -> int:
    """Write `<number>.pdf` and `<number>.zip` per case into `out`; 1 on a bad request."""
    start = None
    if since is not None:
        start = parse_since(since)
        if start is None:
            print(f"Not a date: {since!r} (expected YYYY-MM-DD or an ISO datetime).")
            return 1
    storage = await open_storage(settings)
    try:
        cases: list[Case] = []
        if case_number:
            case = await storage.cases.get_by_number(case_number.strip().upper())
            if case is None:
                print(f"No case {case_number}.")
                return 1
            cases.append(case)
        if start is not None:
            cases += [c for c in await storage.cases.list_since(start) if c not in cases]
        if not cases:
            print("No cases to export.")
        for case in cases:
            audit = [audit_row(e) for e in await storage.audit.for_case(case.id)]
            pdf_path, zip_path = await asyncio.to_thread(
                write_dossier,
                case,
                out,
                storage.files.read,
                audit=audit,
                lang=settings.staff_lang,
                tz=settings.tz,
            )
            print(pdf_path)
            print(zip_path)
    finally:
        await storage.close()
    return 0
