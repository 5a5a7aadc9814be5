"""State objects of the fake: users, chats, stored files, messages the bot sent, requests."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any


@dataclass
class FakeUser:
    """A Telegram user who has started the bot (so a private chat with id == user id exists)."""

    id: int
    first_name: str = "Ann"
    language_code: str | None = "en"
    username: str | None = None
    last_name: str | None = None
    blocked_bot: bool = False

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        if self.language_code:
            data["language_code"] = self.language_code
        return data


@dataclass
class FakeChat:
    """A private chat, group or supergroup (optionally a forum) known to the fake."""

    id: int
    type: str  # "private" | "group" | "supergroup"
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    is_forum: bool = False
    members: dict[int, str] = field(default_factory=dict)  # user id -> ChatMember status
    topics: dict[int, dict[str, Any]] = field(default_factory=dict)  # thread id -> ForumTopic
    menu_button: dict[str, Any] | None = None
    migrated_to: int | None = None  # a group upgraded to this supergroup: calls here refused

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": self.type}
        if self.title:
            data["title"] = self.title
        if self.username:
            data["username"] = self.username
        if self.first_name:
            data["first_name"] = self.first_name
        if self.is_forum:
            data["is_forum"] = True
        return data


@dataclass
class StoredFile:
    """A file known to the fake server (sent by a user or uploaded by the bot)."""

    file_id: str
    file_unique_id: str
    kind: str  # document | photo | sticker | ...
    data: bytes
    file_name: str | None = None
    mime_type: str | None = None
    declared_size: int | None = None
    width: int | None = None
    height: int | None = None
    file_path: str | None = None

    @property
    def size(self) -> int:
        return self.declared_size if self.declared_size is not None else len(self.data)


@dataclass
class FileInfo:
    """What a bot message carried as document/photo (bytes included for assertions)."""

    file_id: str
    file_unique_id: str
    file_name: str | None
    mime_type: str | None
    file_size: int
    data: bytes | None
    uploaded: bool  # True: bytes came in this request; False: an existing file_id was reused


@dataclass
class SentMessage:
    """A message the bot sent (sendMessage/sendDocument/copyMessage/...), with edit history."""

    chat_id: int
    message_id: int
    method: str
    date: int
    text: str | None = None
    caption: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    parse_mode: str | None = None
    raw_text: str | None = None  # text/caption as the bot sent it (before entity parsing)
    reply_markup: dict[str, Any] | None = None
    document: FileInfo | None = None
    photo: FileInfo | None = None
    sticker: dict[str, Any] | None = None
    message_thread_id: int | None = None
    reply_to_message_id: int | None = None
    media_group_id: str | None = None
    forward_from_chat_id: int | None = None
    params: dict[str, Any] = field(default_factory=dict)
    edits: list[dict[str, Any]] = field(default_factory=list)  # previous states, oldest first
    edit_date: int | None = None
    deleted: bool = False

    @property
    def content(self) -> str:
        """Text or caption (empty string for captionless media)."""
        return self.text if self.text is not None else (self.caption or "")

    @property
    def buttons(self) -> list[list[tuple[str, str | None]]]:
        """Inline keyboard as rows of (text, callback_data or url)."""
        if not self.reply_markup or "inline_keyboard" not in self.reply_markup:
            return []
        return [
            [(b.get("text", ""), b.get("callback_data", b.get("url"))) for b in row]
            for row in self.reply_markup["inline_keyboard"]
        ]

    @property
    def button_texts(self) -> list[str]:
        return [text for row in self.buttons for text, _ in row]

    @property
    def callback_datas(self) -> list[str]:
        if not self.reply_markup:
            return []
        return [
            b["callback_data"]
            for row in self.reply_markup.get("inline_keyboard", [])
            for b in row
            if "callback_data" in b
        ]

    def find_button(
        self, *, text: str | None = None, callback_data: str | None = None
    ) -> dict[str, Any]:
        """Return the inline button matching text and/or callback_data, or raise AssertionError."""
        for row in (self.reply_markup or {}).get("inline_keyboard", []):
            for button in row:
                if text is not None and button.get("text") != text:
                    continue
                if callback_data is not None and button.get("callback_data") != callback_data:
                    continue
                return button
        raise AssertionError(
            f"no button text={text!r} callback_data={callback_data!r} in message "
            f"{self.message_id} (chat {self.chat_id}); buttons: {self.buttons}"
        )

    def short(self) -> str:
        """One-line summary used in timeout dumps."""
        kind = "doc" if self.document else "photo" if self.photo else self.method
        flags = " [deleted]" if self.deleted else ""
        flags += f" [edited x{len(self.edits)}]" if self.edits else ""
        buttons = f" buttons={self.button_texts}" if self.button_texts else ""
        return f"#{self.message_id} {kind}{flags}: {self.content[:200]!r}{buttons}"


@dataclass
class RecordedRequest:
    """One API call as the fake saw it."""

    method: str
    params: dict[str, Any]
    files: dict[str, str]  # part name -> filename
    time: float = field(default_factory=time.time)
    ok: bool = True
    error_code: int | None = None
    description: str | None = None
    result: Any = None

    def short(self) -> str:
        status = "ok" if self.ok else f"{self.error_code} {self.description}"
        return f"{self.method}({', '.join(sorted(self.params))}) -> {status}"


@dataclass
class InjectedFailure:
    """One injected fault. `drop` says what happens to the HTTP connection instead of an error
    answer: "before" (closed unperformed), "after" (performed, then closed unanswered: the
    client cannot know it was delivered)."""

    error_code: int
    description: str
    parameters: dict[str, Any] | None
    remaining: int
    drop: str | None = None
