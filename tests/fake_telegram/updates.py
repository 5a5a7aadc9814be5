"""Delivering updates: getUpdates (long polling), setWebhook/deleteWebhook, and posting
updates to a webhook."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from collections.abc import AsyncIterator
from typing import Any

import aiohttp

from .content import Content
from .models import RecordedRequest
from .state import printable
from .validation import ApiError, RawRequest, bad_request


class Updates(Content):
    """getUpdates and the webhook, both ways of handing queued updates to the bot."""

    @contextlib.asynccontextmanager
    async def delivering_webhook(self, target: str) -> AsyncIterator[None]:
        """While the block runs, act as Telegram with a webhook set: each pending update is
        POSTed (JSON, with the registered secret token) to `target`, the bot's own server (the
        registered HTTPS URL standing for a TLS proxy in front of it), up to the registered
        `max_connections` (40) at once. An update answered 200 is done, else posted again at the
        next change. A method in the response body is performed as Telegram does: listed in
        `webhook_replies`, not in `requests` (it is no HTTP call of the bot's)."""
        async with aiohttp.ClientSession() as http:
            task = asyncio.create_task(self._deliver_webhook(http, target))
            try:
                yield
            finally:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    async def _deliver_webhook(self, http: Any, target: str) -> None:
        in_flight: dict[int, asyncio.Task[None]] = {}
        gate: asyncio.Semaphore | None = None
        try:
            while True:
                if self.webhook:
                    if gate is None:
                        gate = asyncio.Semaphore(int(self.webhook.get("max_connections") or 40))
                    for update in list(self.updates):
                        if update["update_id"] not in in_flight:
                            post = self._post_update(http, target, dict(update), gate)
                            in_flight[update["update_id"]] = asyncio.create_task(post)
                # Finished posts leave; one that failed is posted again on this round's change.
                for update_id, task in list(in_flight.items()):
                    if task.done():
                        del in_flight[update_id]
                await self._wait_change(0.5)
        finally:
            for task in list(in_flight.values()):
                task.cancel()

    async def _post_update(
        self, http: Any, target: str, update: dict[str, Any], gate: asyncio.Semaphore
    ) -> None:
        assert self.webhook is not None
        secret = self.webhook.get("secret_token")
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
        async with gate:
            try:
                async with http.post(target, json=update, headers=headers) as response:
                    if response.status != 200:
                        return  # posted again at the next change
                    reply = await _webhook_reply(response)
            except OSError:
                return
        self.updates = [u for u in self.updates if u["update_id"] != update["update_id"]]
        if reply is not None:
            name, raw = reply
            method = self.spec.method(name)
            if method is not None:
                params = self.validator.validate(method, raw)
                handler = self._handlers.get(method["name"].lower())
                if handler is not None:
                    await handler(params, raw)
                self.webhook_replies.append(RecordedRequest(method["name"], params, {}))
        self._notify()

    async def _get_updates(self, params: dict[str, Any], raw: RawRequest) -> list[dict[str, Any]]:
        if self.webhook:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use "
                "deleteWebhook to delete the webhook first",
            )
        self._poll_generation += 1
        generation = self._poll_generation
        self._notify()  # wakes an older long poll so it ends with 409 like on Telegram
        offset = params.get("offset")
        if offset is not None:
            if offset < 0:
                self.updates = self.updates[offset:]
            else:
                self.updates = [u for u in self.updates if u["update_id"] >= offset]
        if "allowed_updates" in params:
            self._allowed_updates = list(params["allowed_updates"])
        limit = min(max(params.get("limit") or 100, 1), 100)
        timeout = max(params.get("timeout") or 0, 0)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if generation != self._poll_generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; make sure that only one "
                    "bot instance is running",
                )
            if self._allowed_updates:
                allowed = set(self._allowed_updates)
                self.updates = [u for u in self.updates if allowed & (u.keys() - {"update_id"})]
            if self._redeliver:
                again, self._redeliver = self._redeliver, []
                return [dict(u) for u in again]
            if self.updates or self._closing:
                return [dict(u) for u in self.updates[:limit]]
            remaining = deadline - loop.time()
            if remaining <= 0:
                return []
            await self._wait_change(remaining)

    async def _set_webhook(self, params: dict[str, Any], raw: RawRequest) -> bool:
        url = params["url"]
        if url and not url.startswith("https://"):
            raise bad_request("bad webhook: HTTPS url must be provided for webhook")
        secret = params.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(secret)):
            raise bad_request("secret token contains unallowed characters")
        if params.get("drop_pending_updates"):
            self.updates.clear()
        self.webhook = {k: printable(v) for k, v in params.items()} if url else None
        return True

    async def _delete_webhook(self, params: dict[str, Any], raw: RawRequest) -> bool:
        self.webhook = None
        if params.get("drop_pending_updates"):
            self.updates.clear()
        return True

    async def _get_webhook_info(self, params: dict[str, Any], raw: RawRequest) -> dict[str, Any]:
        info: dict[str, Any] = {
            "url": (self.webhook or {}).get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self.updates),
        }
        if self.webhook and self.webhook.get("allowed_updates"):
            info["allowed_updates"] = self.webhook["allowed_updates"]
        return info


async def _webhook_reply(response: Any) -> tuple[str, RawRequest] | None:
    """The method a bot put in its webhook response (aiogram: a multipart form; others: JSON)."""
    if response.content_type.startswith("multipart/"):
        fields: dict[str, Any] = {}
        reader = aiohttp.MultipartReader.from_response(response)
        while (part := await reader.next()) is not None:
            assert isinstance(part, aiohttp.BodyPartReader)
            fields[part.name or ""] = await part.text()
        name = fields.pop("method", None)
        return None if name is None else (name, RawRequest(params=fields, from_form=True))
    body = await response.read()
    data = json.loads(body) if body.strip() else None
    if isinstance(data, dict) and "method" in data:
        return data.pop("method"), RawRequest(params=data)
    return None
