"""Fake Telegram Bot API server for end-to-end tests (see server.FakeTelegram)."""

from .models import FakeChat, FakeUser, FileInfo, RecordedRequest, SentMessage, StoredFile
from .server import FakeTelegram
from .spec import ApiSpec, load_spec
from .state import QueuedUpdate
from .validation import ApiError

__all__ = [
    "ApiError",
    "ApiSpec",
    "FakeChat",
    "FakeTelegram",
    "FakeUser",
    "FileInfo",
    "QueuedUpdate",
    "RecordedRequest",
    "SentMessage",
    "StoredFile",
    "load_spec",
]
