"""The intake as a service every shell calls: load the draft, run the engine, save, deliver.

Serialises each user's events (two updates from one user never race: aiogram issue #1317) and
keeps the draft in SQLite as the only conversation state, so a restart forgets nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from bot.claimant.albums import AlbumResult
from bot.claimant.link_files import is_link_file, read_link_file
from bot.claimant.short_links import ShortLinkResolver, with_short_links
from bot.claimant.uploads import OfferedFile, receive_file
from bot.config.settings import Settings
from bot.outbox.queue import queue_replies
from bot.staff import workflow
from bot.staff.submission import enqueue_submission
from bot.telemetry.logs import note, pseudonym
from dialogs import engine
from dialogs.i18n import pick_lang
from dialogs.inputs import (
    Context,
    EarlierDocuments,
    Input,
    Unsupported,
    Uploaded,
    UploadRefused,
)
from dialogs.model import CaseStatus, Draft, FileSection, Lang, utcnow
from dialogs.progress import without_stale_answers
from dialogs.replies import Reply
from dialogs.turn import Turn
from dialogs.validators import Invalid
from storage import StaleDraftError, Storage
from storage.database import Connection

log = logging.getLogger(__name__)

REUSABLE_CASES = 10  # a law firm files for several clients: the same holder's are among them
REUSABLE_SECTIONS = (FileSection.RIGHTS_DOCS, FileSection.AUTHORITY_DOCS)


@dataclass(frozen=True)
class Sender:
    """Who an event comes from, as every shell knows it."""

    user_id: int
    chat_id: int
    language_code: str | None = None
    username: str | None = None
    update_id: int | None = None  # the Telegram update this event came in, if any

    @classmethod
    def of(cls, user: Any, chat_id: int, update_id: int | None = None) -> Sender:
        """From aiogram's or PTB's `User` (they name these fields alike)."""
        return cls(user.id, chat_id, user.language_code, user.username, update_id)


class IntakeService:
    """With `outbox=True` (the Telegram runtimes) every reply is queued in the outbox in the
    transaction that saves the draft and marks the update applied, and `on_queued` wakes the
    sender; the returned outcome still carries the replies (the terminal prints them).

    One user's calls are not serialised here: their caller is (the update router holds each
    user's lock while it hands them an update, or an album's answer; the terminal has one user
    at a time)."""

    def __init__(
        self,
        storage: Storage,
        settings: Settings,
        *,
        clock: Callable[[], datetime] = utcnow,
        outbox: bool = False,
        on_queued: Callable[[], None] = lambda: None,
    ) -> None:
        self.storage = storage
        self.settings = settings
        self.clock = clock
        self.outbox = outbox
        self.on_queued = on_queued
        self.short_links = ShortLinkResolver(
            settings.link_rules,
            timeout=settings.short_link_timeout,
            allow_private=settings.short_link_allow_private,
        )

    async def context(
        self, sender: Sender, *, earlier: bool = True, new_draft: bool = True
    ) -> Context:
        """`earlier`: with the earlier cases' documents; `new_draft`: with the language a new
        draft would take (both read the claimant's cases: only when they can be used)."""
        return Context(
            user_id=sender.user_id,
            chat_id=sender.chat_id,
            now=self.clock(),
            lang_hint=await self._language(sender) if new_draft else "en",
            platform_name=self.settings.platform_name,
            privacy_policy_url=self.settings.privacy_policy_url,
            link_rules=self.settings.link_rules,
            earlier_documents=await self._earlier_documents(sender.user_id) if earlier else (),
            circulation_country=self.settings.circulation_country,
            time_zone=self.settings.time_zone,
            features=("good_faith",) if self.settings.good_faith_statement else (),
        )

    async def _language(self, sender: Sender) -> Lang:
        """The language of a new draft: the one chosen for the latest case (/language is
        remembered past a submission), else Telegram's."""
        cases = await self.storage.cases.list_for_user(sender.user_id, limit=1)
        return cases[0].lang if cases else pick_lang(sender.language_code)

    async def _earlier_documents(self, user_id: int) -> tuple[EarlierDocuments, ...]:
        """Rights and authority documents of the claimant's latest cases, offered for reuse."""
        cases = await self.storage.cases.list_for_user(user_id, limit=REUSABLE_CASES)
        return tuple(
            EarlierDocuments(
                case.number,
                section,
                tuple(files),
                holder=case.draft.answers.get("rights_holder", ""),
                right_type=case.draft.answers.get("right_type", ""),
                rejected=case.status is CaseStatus.REJECTED,
            )
            for case in cases
            for section in REUSABLE_SECTIONS
            if (files := case.draft.files_in(section))
        )

    async def handle(self, sender: Sender, event: Input) -> Turn:
        return await self._apply(sender, event)

    async def offer_file(self, sender: Sender, offered: OfferedFile) -> Turn:
        """Download, check and store a file, then hand it to the engine — but only when the
        current step collects files (nothing is downloaded otherwise). An album's items
        (`quiet`) queue no reply of their own: the album gets one when it is complete."""
        draft = await self.storage.drafts.load(sender.user_id)
        if await self._applied_before(sender):
            return Turn(draft)
        if is_link_file(draft, offered):  # links as a .txt / .csv file
            return await self._apply(sender, await read_link_file(offered), draft)
        section = engine.expected_file_section(draft)
        speak = not offered.quiet
        if section is None:
            return await self._apply(sender, Unsupported("file"), draft, speak=speak)
        received = await receive_file(
            self.storage, offered, FileSection(section), limit_bytes=self.file_limit
        )
        if isinstance(received, Invalid):
            return await self._apply(sender, UploadRefused(received), draft, speak=speak)
        event = Uploaded(received, quiet=offered.quiet)
        return await self._apply(sender, event, draft, speak=speak)

    @property
    def file_limit(self) -> int:
        return self.settings.max_file_mb * 1024 * 1024

    async def album_settled(self, sender: Sender, result: AlbumResult) -> Turn:
        """One answer for a whole album: why some files were not kept, how many were, and the
        step again (queued under the album's last update)."""
        draft = await self.storage.drafts.load(sender.user_id)
        shown = engine.show_current(draft, await self.context(sender), album=result.saved)
        notes = [Reply(note) for note in result.notes]
        outcome = replace(shown, replies=[*notes, *shown.replies])
        if self.outbox and outcome.replies:
            async with self.storage.db.transaction() as conn:
                await self._queue(conn, sender, outcome.replies, tag="album")
            self.on_queued()
        return outcome

    async def say(self, sender: Sender, replies: list[Reply]) -> bool:
        """Replies that change nothing (a refusal, /status): queued with the update's mark in
        one transaction. False when the update was applied before (nothing is queued again)."""
        async with self.storage.db.transaction() as conn:
            if not await self._claim(conn, sender):
                return False
            await self._queue(conn, sender, replies)
        self.on_queued()
        return True

    async def _apply(
        self,
        sender: Sender,
        event: Input,
        draft: Draft | None = None,
        *,
        attempt: int = 0,
        speak: bool = True,
    ) -> Turn:
        if draft is None:
            draft = await self.storage.drafts.load(sender.user_id)
        if await self._applied_before(sender):
            return Turn(draft)
        ctx = await with_short_links(
            await self.context(sender, earlier=False, new_draft=draft is None),
            draft,
            event,
            self.short_links,
        )
        outcome = engine.handle(draft, event, ctx)
        if _offers_reuse(draft) or _offers_reuse(outcome.draft):
            # The claimant's earlier cases are read only where their documents may be offered.
            ctx = replace(ctx, earlier_documents=await self._earlier_documents(sender.user_id))
            outcome = engine.handle(draft, event, ctx)
        note(step=outcome.draft.step if outcome.draft else None)
        replies = outcome.replies if speak else []
        try:
            if outcome.submit:
                assert outcome.draft is not None
                return await self._submit(outcome.draft, sender, ctx, replies)
            if not self._records(sender, outcome, replies):
                return outcome
            async with self.storage.db.transaction() as conn:
                if not await self._claim(conn, sender):  # applied meanwhile by another process
                    return Turn(draft)
                if outcome.draft is None:
                    await self.storage.drafts.discard(sender.user_id, conn=conn)
                elif outcome.changed:
                    saved = await self.storage.drafts.save(outcome.draft, conn=conn, now=ctx.now)
                    outcome = replace(outcome, draft=saved)
                await self._queue(conn, sender, replies)
        except StaleDraftError:
            # Another process saved first (the router's lock only covers this one): decide again on
            # the fresh draft rather than overwrite an answer.
            if attempt >= 2:
                raise
            log.warning("stale draft of %s, retrying", pseudonym(sender.user_id))
            return await self._apply(sender, event, attempt=attempt + 1, speak=speak)
        self.on_queued()
        return outcome

    def _records(self, sender: Sender, outcome: Turn, replies: list[Reply]) -> bool:
        """Is there anything to write: a change, an update to mark, replies to queue?"""
        return (
            outcome.draft is None
            or outcome.changed
            or sender.update_id is not None
            or (self.outbox and bool(replies))
        )

    async def _applied_before(self, sender: Sender) -> bool:
        """An update delivered again (after a crash, or twice by Telegram), already applied:
        its replies are in the outbox already, sent or still to be sent."""
        if sender.update_id is None:
            return False
        applied = await self.storage.updates.applied(sender.update_id)
        if applied:
            log.info(
                "update %s of %s was applied before", sender.update_id, pseudonym(sender.user_id)
            )
        return applied

    async def _claim(self, conn: Connection, sender: Sender) -> bool:
        """Mark the update applied, inside the transaction of its change; False if it was."""
        if sender.update_id is None:
            return True
        return await self.storage.updates.claim(
            conn, sender.update_id, sender.user_id, now=self.clock()
        )

    async def _queue(
        self,
        conn: Connection,
        sender: Sender,
        replies: list[Reply],
        *,
        tag: str = "",
    ) -> None:
        if not self.outbox:
            return
        await queue_replies(
            conn,
            self.storage,
            sender.chat_id,
            replies,
            key=reply_key(sender, self.clock(), tag),
        )

    async def _submit(
        self,
        draft: Draft,
        sender: Sender,
        ctx: Context,
        replies: list[Reply],
    ) -> Turn:
        """The case, the draft's removal, the replies and every notification, in one
        transaction."""
        final = without_stale_answers(draft)
        async with self.storage.db.transaction() as conn:
            if not await self._claim(conn, sender):
                return Turn(draft)
            case = await self.storage.cases.submit(conn, final, now=ctx.now)
            await self.storage.cases.set_claimant_username(conn, case.id, sender.username)
            await self.storage.case_events.record(
                conn, case, workflow.CaseEvent.SUBMITTED, at=ctx.now
            )
            await self.storage.drafts.discard(sender.user_id, conn=conn)
            await self._queue(conn, sender, replies)
            await enqueue_submission(
                conn, self.storage, case, self.settings, username=sender.username
            )
        note(case=case.number, step="submitted")
        log.info("case submitted by %s", pseudonym(sender.user_id))
        self.on_queued()
        return Turn(None, replies, changed=True, submit=True)


def reply_key(sender: Sender, now: datetime, tag: str = "") -> str:
    """The outbox key of what answers this event: by its update, else by user and time."""
    if sender.update_id is not None:
        return f"update:{sender.update_id}{':' + tag if tag else ''}"
    return f"user:{sender.user_id}:{now.isoformat()}{':' + tag if tag else ''}"


def _offers_reuse(draft: Draft | None) -> bool:
    section = engine.expected_file_section(draft)
    return section is not None and FileSection(section) in REUSABLE_SECTIONS
