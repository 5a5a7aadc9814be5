"""Cases filed straight through the service layer (storage + outbox), for load and fixtures."""

from __future__ import annotations

from datetime import datetime

from bot.config.settings import Settings
from bot.staff.submission import enqueue_submission
from dialogs.model import Case, Lang, utcnow
from storage import Storage
from tests.bot.dossier.test_pdf import FILE_CONTENTS, MIMES, SECTIONS, make_case, stored_file

CLAIMANT_NAME = "Иван Петров"
CLAIMANT_EMAIL = "ivan.petrov@example.com"


async def file_case(
    storage: Storage,
    settings: Settings,
    user_id: int,
    *,
    seed: int = 0,
    now: datetime | None = None,
    shared: bool = True,
    lang: Lang = "en",
) -> Case:
    """A complete case for `user_id`: the sample's files (shared by every such case) plus one of
    its own (`seed`), and its receipt and staff dossier queued, as a submission does."""
    own = f"%PDF-1.4\n% evidence {user_id}/{seed}\n".encode() * 10
    contents = {**(FILE_CONTENTS if shared else {}), f"proof-{seed}.pdf": own}
    files = []
    for name, data in contents.items():
        await storage.files.put_async(data)
        section, mime = SECTIONS.get(name), MIMES.get(name)
        files.append(
            stored_file(
                name, data, section or SECTIONS["доверенность.pdf"], mime or "application/pdf"
            )
        )
    draft = make_case().draft.model_copy(
        update={"user_id": user_id, "chat_id": user_id, "files": files, "lang": lang}
    )
    async with storage.db.transaction() as conn:
        case = await storage.cases.submit(conn, draft, now=now or utcnow())
        await enqueue_submission(conn, storage, case, settings)
    return case
