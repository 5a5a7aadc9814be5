"""Pure input validators for the intake dialogue: no I/O, no network, no Telegram.

Every validator returns either :class:`Valid` (with the normalised value) or :class:`Invalid`
(with a stable error code, a Fluent message id such as ``err-link-not-listing``, and string
params for that message). User-facing texts live in the Fluent catalogs, never here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, Literal, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Valid(Generic[T]):
    """The input is acceptable; ``value`` is its normalised form."""

    value: T
    ok: Literal[True] = field(default=True, init=False, repr=False)


@dataclass(frozen=True)
class Invalid:
    """The input is rejected: ``code`` is a Fluent message id, ``params`` its arguments."""

    code: str
    params: dict[str, str] = field(default_factory=dict)
    ok: Literal[False] = field(default=False, init=False, repr=False)


Result = Valid[T] | Invalid


def invalid(code: str, **params: object) -> Invalid:
    """Build an :class:`Invalid`, turning every param into a string (Fluent args)."""
    return Invalid(code, {k: str(v) for k, v in params.items()})


__all__ = ["Invalid", "Result", "Valid", "invalid"]
