"""Errors of the case API: each answered as a `Problem` JSON body with a stable code."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        headers: dict[str, str] | None = None,
        details: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}
        self.details = details


def not_found(what: str = "case") -> ApiError:
    return ApiError(404, "not_found", f"No such {what}.")
