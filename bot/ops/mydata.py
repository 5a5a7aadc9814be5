"""`/mydata`: a claimant is told what is held about them, for how long, and how to get a copy or
have it erased. The answer is queued in the outbox like every message that reads the database."""

from __future__ import annotations

from uuid import uuid4

from bot.config.settings import Settings
from bot.ops.access import Holding, holding
from bot.outbox.messages import Text
from bot.outbox.queue import queue
from bot.outbox.text_limits import split_message
from dialogs.i18n import Texts, pick_lang, texts
from storage import Storage


def render(held: Holding, t: Texts, settings: Settings) -> str:
    numbers = ", ".join(case.number for case in held.cases)
    lines = [t("mydata-title"), t("mydata-cases", count=len(held.cases), numbers=numbers)]
    if held.draft is not None:
        lines.append(t("mydata-draft", days=settings.draft_retention_days))
    lines += [
        t("mydata-files", count=len(held.files)),
        t("mydata-what"),
        t("mydata-kept", months=settings.closed_case_retention_months),
        t("mydata-ask", contact=settings.privacy_contact or settings.privacy_policy_url),
    ]
    return "\n\n".join(lines)


class MyData:
    def __init__(self, storage: Storage, settings: Settings) -> None:
        self.storage = storage
        self.settings = settings

    async def request(
        self, user_id: int, chat_id: int, language_code: str | None, update_id: int | None
    ) -> None:
        held = await holding(self.storage, user_id)
        if held.draft is not None:
            lang = held.draft.lang
        elif held.cases:
            lang = held.cases[-1].lang
        else:
            lang = pick_lang(language_code)
        text = render(held, texts(lang), self.settings)
        key = f"mydata:{user_id}:{update_id if update_id is not None else uuid4().hex}"
        async with self.storage.db.transaction() as conn:
            for i, chunk in enumerate(split_message(text)):
                message = Text(chat_id=chat_id, text=chunk)
                await queue(conn, self.storage, message, key=f"{key}:{i}")
