"""Issue 8: several staff groups (STAFF_CHAT_IDS, STAFF_ROUTES) and the card as a caption."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.config.settings import Settings
from bot.outbox.messages import (
    AlbumItem,
    Button,
    CardEdit,
    Resolved,
    StaffCard,
    Upload,
    bot_call,
)
from bot.staff.card import card_keyboard
from bot.staff.files_on_demand import files_message
from bot.staff.routing import route_case
from dialogs.i18n import texts
from dialogs.model import Case, CaseStatus, Draft, FileSection, StoredFile

A, B, C = -1001, -1002, -1003
NOW = datetime(2026, 11, 26, tzinfo=UTC)


def case(case_id: int, right: str | None = "trademark", files: int = 0) -> Case:
    stored = [
        StoredFile(
            sha256=f"{i:064x}",
            name=f"f{i}.pdf",
            mime="application/pdf",
            size=10,
            section=FileSection.EVIDENCE,
        )
        for i in range(files)
    ]
    draft = Draft(user_id=7, chat_id=7, step="done", answers={"right_type": right} if right else {})
    return Case(
        id=case_id,
        number=f"IP-2026-{case_id:06d}",
        user_id=7,
        chat_id=7,
        lang="en",
        status=CaseStatus.SUBMITTED,
        draft=draft.model_copy(update={"files": stored}),
        submitted_at=NOW,
    )


def settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


def test_staff_chat_id_alone_keeps_working() -> None:
    one = settings(staff_chat_id=A)
    assert one.staff_chats == (A,)
    assert {route_case(case(i), one) for i in range(1, 5)} == {A}
    assert route_case(case(1), settings()) is None


def test_groups_in_turn_and_by_right_type(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STAFF_CHAT_IDS", f"{A}, {B}")
    monkeypatch.setenv("STAFF_ROUTES", f"patent:{C}")
    routed = settings()
    assert routed.staff_chat_ids == [A, B] and routed.staff_routes == {"patent": C}
    assert routed.staff_chats == (A, B, C)
    assert [route_case(case(i), routed) for i in (1, 2, 3, 4)] == [B, A, B, A]  # in turn
    assert route_case(case(5, "patent"), routed) == C  # its route
    assert route_case(case(6, None), routed) == A  # no right type yet: in turn
    monkeypatch.setenv("STAFF_CHAT_IDS", f"[{A}]")
    monkeypatch.setenv("STAFF_ROUTES", f'{{"trademark": {A}}}')  # JSON works too
    only_routes = settings()
    assert only_routes.staff_chats == (A,)
    assert route_case(case(3, "copyright"), only_routes) == A  # the routed groups, in turn


def test_the_card_is_sent_as_the_pdf_caption_and_edited_as_one() -> None:
    keyboard = [[Button(text="🙋 Take", callback_data="st:take:")]]
    pdf = AlbumItem(sha256="a" * 64, filename="IP-2026-000001.pdf")
    card = StaffCard(chat_id=A, case_id=1, text="<b>Case</b>", keyboard=keyboard, document=pdf)
    call = bot_call(card, Resolved(thread_id=5))
    assert call.method == "sendDocument"
    assert call.params["document"] == Upload(pdf.sha256, pdf.filename)
    assert call.params["caption"] == "<b>Case</b>" and call.params["parse_mode"] == "HTML"
    assert call.params["message_thread_id"] == 5
    assert call.params["reply_markup"] == {"inline_keyboard": [[keyboard[0][0].model_dump()]]}
    edit = CardEdit(chat_id=A, case_id=1, text="<b>Case</b> · in review", keyboard=keyboard)
    assert bot_call(edit, Resolved(card_message_id=9, card_is_caption=True)).method == (
        "editMessageCaption"
    )
    assert bot_call(edit, Resolved(card_message_id=9)).method == "editMessageText"  # old cards


def test_files_button_only_while_something_can_be_done() -> None:
    labels = [b.text for row in card_keyboard(case(1), "en") for b in row]
    assert labels[-1] == "📎 Files"
    decided = case(1).model_copy(update={"status": CaseStatus.REJECTED})
    assert card_keyboard(decided, "en") == []


@pytest.mark.parametrize(("files", "kind"), [(1, "document"), (4, "album"), (10, "album")])
def test_files_on_demand_in_one_message(files: int, kind: str) -> None:
    message = files_message(case(1, files=files), A, texts("en"), None)
    assert message.kind == kind
    assert message.chat_id == A
    assert message.reply_to_card_of == 1 and message.topic_of == 1


def test_more_than_ten_files_or_refused_ones_come_as_the_zip() -> None:
    message = files_message(case(1, files=11), A, texts("en"), "c" * 64)
    assert message.kind == "document"
    assert message.filename == "IP-2026-000001.zip"
    assert "11 files in one ZIP" in (message.caption or "")
