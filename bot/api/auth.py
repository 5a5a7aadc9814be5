"""Who is calling: `Authorization: Bearer <key>` checked on every call, the key's scope against
the endpoint's, and a token bucket per key (429 with Retry-After past it)."""

from __future__ import annotations

import hmac
import math
import time
from collections.abc import Callable

from aiohttp import web

from bot.api.errors import ApiError
from bot.outbox.pacing import Bucket
from bot.staff.workflow import Actor, Role
from storage.api_keys import ApiKey, ApiKeys, Scope, key_hash

MAX_KEY_LENGTH = 200
ALLOWS = {Scope.READ: {Scope.READ}, Scope.DECIDE: {Scope.READ, Scope.DECIDE}}


def actor_of(key: ApiKey) -> Actor:
    """A key acts as a staff member named `api:<name>`, under the same workflow rules (a
    negative id: never a Telegram user's)."""
    return Actor(-key.id, f"api:{key.name}", Role.STAFF)


def unauthorized(message: str) -> ApiError:
    return ApiError(401, "unauthorized", message, headers={"WWW-Authenticate": "Bearer"})


class Gate:
    def __init__(
        self,
        keys: ApiKeys,
        *,
        rate: float,
        burst: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.keys = keys
        self.rate = rate
        self.burst = burst
        self.clock = clock
        self._buckets: dict[int, Bucket] = {}  # per key, in this process

    async def caller(self, request: web.Request, scope: Scope) -> ApiKey:
        """The key making the request, allowed `scope` and within its rate; else ApiError."""
        header = request.headers.get("Authorization", "")
        scheme, _, presented = header.partition(" ")
        presented = presented.strip()
        if scheme.lower() != "bearer" or not presented:
            raise unauthorized("Send the API key as `Authorization: Bearer <key>`.")
        if len(presented) > MAX_KEY_LENGTH:
            raise unauthorized("Unknown or revoked API key.")
        key = await self.keys.find(presented)
        # The lookup is by the key's SHA-256; compared again in constant time all the same.
        if key is None or not hmac.compare_digest(key_hash(presented), key.key_hash):
            raise unauthorized("Unknown or revoked API key.")
        if scope not in ALLOWS[key.scope]:
            raise ApiError(403, "forbidden", f"This key's scope ({key.scope}) cannot {scope}.")
        self._spend(key)
        return key

    def _spend(self, key: ApiKey) -> None:
        bucket = self._buckets.setdefault(key.id, Bucket(self.burst, self.rate))
        now = self.clock()
        if not bucket.take(now):
            wait = max(1, math.ceil((1 - bucket.tokens) / self.rate))
            raise ApiError(
                429,
                "rate_limited",
                f"Too many requests with this key; retry in {wait} s.",
                headers={"Retry-After": str(wait)},
            )
