"""A case as submitted, with one stored PDF in every file section and nothing queued for it:
for the tests of what follows a submission (the staff dossier, the outbox)."""

from __future__ import annotations

from dialogs.model import Case, Draft, FileSection, StoredFile, utcnow
from storage import Storage


async def submitted(storage: Storage, user_id: int) -> Case:
    files = []
    for i, section in enumerate(FileSection):
        data = f"%PDF-1.4 file {user_id}/{i}".encode()
        files.append(
            StoredFile(
                sha256=await storage.files.put_async(data),
                name=f"f{i}.pdf",
                mime="application/pdf",
                size=len(data),
                section=section,
            )
        )
    draft = Draft(
        user_id=user_id,
        chat_id=user_id,
        step="review",
        files=files,
        links=["https://aliexpress.ru/item/1005001.html"],
        answers={"role": "holder", "right_type": "trademark", "contact_name": "Ann"},
    )
    async with storage.db.transaction() as conn:
        return await storage.cases.submit(conn, draft, now=utcnow())
