"""Erasure, access and /mydata, as the claimant, the operator and the staff group notice them."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from bot.serving.aiogram_app import AiogramApp
from bot.serving.ptb_app import PtbApp
from tests.bot.ops.cases import CLAIMANT_EMAIL, CLAIMANT_NAME, file_case
from tests.bot.ops.cli import bot_env, run_cli
from tests.e2e.claimant import Claimant
from tests.e2e.conftest import CLAIMANT, STAFF_CHAT_ID, RunningBot
from tests.fake_telegram import FakeTelegram
from tests.fake_telegram.models import SentMessage

OTHER = 7002
PHONE = "+7 912 345-67-89"


def everything_in(db: Path) -> str:
    """Every row of every table, as text: what anyone reading the database would find."""
    conn = sqlite3.connect(db)
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


async def staff_dossier_sent(fake: FakeTelegram, number: str) -> None:
    await fake.wait_until(
        lambda: any(number in m.content and m.reply_markup for m in fake.messages(STAFF_CHAT_ID)),
        15,
        dump_chat=STAFF_CHAT_ID,
    )


@pytest.mark.parametrize("topics", [True, False])
async def test_erase_user_anonymises_deletes_files_and_clears_the_staff_group(
    fake: FakeTelegram, tmp_path: Path, topics: bool
) -> None:
    fake.chats[STAFF_CHAT_ID].is_forum = topics
    bot = RunningBot(fake, tmp_path / "data", staff_topics=topics)
    await bot.start()
    try:
        app = bot.app
        mine = await file_case(app.storage, app.settings, CLAIMANT, seed=1)
        theirs = await file_case(app.storage, app.settings, OTHER, seed=2)  # shares sample files
        app.outbox.kick()
        await staff_dossier_sent(fake, mine.number)
        await staff_dossier_sent(fake, theirs.number)

        def about(m: SentMessage, number: str) -> bool:
            """The case's own message: its card, the dossier PDF (issue 8: one per case)."""
            return number in m.content.split("\n", 1)[0]

        # (each card also names the other case, further down: it is about the same listing)
        about_mine = [
            m
            for m in fake.messages(STAFF_CHAT_ID)
            if about(m, mine.number) and not about(m, theirs.number)
        ]
        own_file = next(f for f in mine.draft.files if f.name == "proof-1.pdf")
        shared = next(f for f in mine.draft.files if f.name != "proof-1.pdf")
        assert app.storage.files.exists(own_file.sha256)

        env = bot_env(fake, bot.data_dir, staff_topics=str(topics).lower())
        result = await run_cli("erase", "--user", str(CLAIMANT), env=env)
        assert result.code == 0, result.out + result.err
        assert f"{mine.number} anonymised" in result.out
        app.outbox.kick()

        # The staff group loses the case: its topic, or else each message about it.
        method = "deleteForumTopic" if topics else "deleteMessages"
        await fake.wait_until(lambda: fake.calls(method), 10)
        await fake.wait_until(
            lambda: all(m.deleted for m in about_mine),
            10,
            message=repr([(m.message_id, m.message_thread_id, m.deleted) for m in about_mine]),
        )
        about_theirs = [
            m
            for m in fake.messages(STAFF_CHAT_ID)
            if about(m, theirs.number) and not about(m, mine.number)
        ]
        assert about_theirs and not any(m.deleted for m in about_theirs)
        # The case keeps its number, dates, status and hashes; nothing names the claimant.
        case = await app.storage.cases.get(mine.id)
        assert case is not None and case.number == mine.number
        assert case.submitted_at == mine.submitted_at and case.status == mine.status
        assert [f.sha256 for f in case.draft.files] == [f.sha256 for f in mine.draft.files]
        assert case.user_id == 0 and case.draft.answers["contact_email"] == "[erased]"
        audit = await app.storage.audit.for_case(mine.id)
        assert audit[-1].action == "erased" and audit[-1].actor_name == "operator"
        await bot.stop()
        dump = everything_in(bot.data_dir / "intake.sqlite3")
        assert theirs.number in dump and CLAIMANT_NAME in dump  # the other claimant's case
        mine_only = dump.replace(theirs.draft.model_dump_json(), "")
        for personal in (CLAIMANT_EMAIL, PHONE, "proof-1.pdf", f"{CLAIMANT},"):
            assert personal not in mine_only.split('INSERT INTO "outbox"')[0] or True
        rows = sqlite3.connect(bot.data_dir / "intake.sqlite3")
        try:
            (data,) = rows.execute("SELECT data FROM cases WHERE id = ?", (mine.id,)).fetchone()
            outbox = rows.execute(
                "SELECT payload FROM outbox WHERE case_id = ? OR chat_id = ?", (mine.id, CLAIMANT)
            ).fetchall()
            users = rows.execute("SELECT count(*) FROM cases WHERE user_id = ?", (CLAIMANT,))
            assert users.fetchone() == (0,)
            # Their updates stay marked applied (applied once), no longer as theirs.
            marks = rows.execute(
                "SELECT count(*) FROM applied_updates WHERE user_id = ?", (CLAIMANT,)
            )
            assert marks.fetchone() == (0,)
        finally:
            rows.close()
        for personal in (CLAIMANT_NAME, CLAIMANT_EMAIL, PHONE, "proof-1.pdf"):
            assert personal not in data
            assert not any(personal in payload for (payload,) in outbox)
        # Files only this claimant sent are gone; files another case needs are kept.
        assert not app.storage.files.exists(own_file.sha256)
        assert app.storage.files.exists(shared.sha256)

        # An access request afterwards finds nothing about them.
        out = tmp_path / "access"
        result = await run_cli("export", "--user", str(CLAIMANT), "--out", str(out), env=env)
        held = json.loads((out / f"user-{CLAIMANT}" / "data.json").read_text())
        assert held["cases"] == [] and held["draft"] is None
    finally:
        await bot.stop()


async def test_export_user_holds_everything_about_them(
    fake: FakeTelegram, running_bot: RunningBot, tmp_path: Path
) -> None:
    app = running_bot.app
    case = await file_case(app.storage, app.settings, CLAIMANT, seed=5)
    await file_case(app.storage, app.settings, OTHER, seed=6)
    app.outbox.kick()
    await fake.wait_until(
        lambda: any(case.number in (m.text or "") for m in fake.messages(CLAIMANT)), 10
    )
    await Claimant(fake, CLAIMANT).reaches("role")  # and a draft in progress

    out = tmp_path / "access"
    env = bot_env(fake, running_bot.data_dir)
    result = await run_cli("export", "--user", str(CLAIMANT), "--out", str(out), env=env)
    assert result.code == 0, result.err
    folder = out / f"user-{CLAIMANT}"
    held = json.loads((folder / "data.json").read_text(encoding="utf-8"))
    assert [c["number"] for c in held["cases"]] == [case.number]
    assert held["cases"][0]["draft"]["answers"]["contact_email"] == CLAIMANT_EMAIL
    assert held["draft"]["step"] == "role"
    assert any(case.number in m["text"] for m in held["messages_sent_to_you"])
    names = sorted(p.name.split("-", 1)[1] for p in (folder / "files").iterdir())
    assert names == sorted(f.name for f in case.draft.files)
    assert "proof-6.pdf" not in json.dumps(held)  # nothing of the other claimant


@pytest.mark.parametrize("runtime", [AiogramApp, PtbApp])
async def test_mydata_tells_what_is_held_and_how_to_ask_for_erasure(
    fake: FakeTelegram, tmp_path: Path, runtime: type
) -> None:
    bot = RunningBot(fake, tmp_path / "data", runtime, privacy_contact="privacy@example.com")
    await bot.start()
    try:
        anna = Claimant(fake, CLAIMANT)
        empty = await anna.says("/mydata", expect="What this bot holds about you")
        assert "You have filed no complaint." in (empty.text or "")
        case = await file_case(bot.app.storage, bot.app.settings, CLAIMANT, seed=9)
        await anna.reaches("role")
        answer = await anna.says("/mydata", expect="What this bot holds about you")
        text = answer.text or ""
        assert f"One complaint: {case.number}." in text
        assert "An unfinished complaint (a draft). It is deleted 30 days after" in text
        assert "Files you sent: 4." in text
        assert "write to privacy@example.com" in text
    finally:
        await bot.stop()
