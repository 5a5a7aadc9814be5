"""Short links from the marketplace app's Share button, resolved by following their redirects.

`a.aliexpress.com/_mKx1abc` or `s.click.aliexpress.com/e/…` hide the listing behind one or more
HTTP redirects. They are followed here, before the engine judges the link: HEAD first (GET
without reading the body where HEAD is refused), a few hops at most, a short timeout, and only
between the configured short-link hosts — the first hop that leaves them is where the link
landed, and is never fetched. No hop may go to a private, loopback or link-local address (a
setting the tests relax: their redirect server is on 127.0.0.1).
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
from collections.abc import Iterable
from dataclasses import dataclass, replace

import aiohttp
from yarl import URL

from dialogs.inputs import Context, Input, LinkList, Typed
from dialogs.model import Draft
from dialogs.progress import current_step
from dialogs.steps import Kind
from dialogs.validators.links import ListingLinkRules, is_short_link, short_links_in

log = logging.getLogger(__name__)

REDIRECTS = (301, 302, 303, 307, 308)
MAX_SHORT_LINKS_PER_MESSAGE = 20


class Unsafe(Exception):
    """A hop to an address the bot must not reach (private network, loopback…)."""


@dataclass(frozen=True)
class ShortLinkResolver:
    rules: ListingLinkRules
    max_hops: int = 5
    timeout: float = 5.0
    allow_private: bool = False  # only for tests: their redirect server is on 127.0.0.1

    async def resolve(self, link: str) -> str | None:
        """Where a short link leads (the first address off the short-link hosts), or None when
        it cannot be followed (error, timeout, too many hops, a private address, no redirect)."""
        url = URL(link if "://" in link else "https://" + link)
        timeout = aiohttp.ClientTimeout(total=self.timeout)
        try:
            async with (
                asyncio.timeout(self.timeout),
                aiohttp.ClientSession(timeout=timeout) as session,
            ):
                for _ in range(self.max_hops):
                    if not is_short_link(str(url), self.rules):
                        return str(url)
                    await self._check_address(url)
                    location = await self._location(session, url)
                    if location is None:
                        return None
                    url = url.join(URL(location))
        except (aiohttp.ClientError, TimeoutError, Unsafe, ValueError, OSError) as error:
            log.info("short link %s not resolved: %r", link, error)
        return None

    async def resolve_all(self, links: Iterable[str]) -> dict[str, str | None]:
        unique = list(dict.fromkeys(links))[:MAX_SHORT_LINKS_PER_MESSAGE]
        targets = await asyncio.gather(*(self.resolve(link) for link in unique))
        return dict(zip(unique, targets, strict=True))

    async def _location(self, session: aiohttp.ClientSession, url: URL) -> str | None:
        """The Location of a redirect answer to HEAD (or to GET, body unread), else None."""
        for method in ("HEAD", "GET"):
            async with session.request(method, url, allow_redirects=False) as response:
                if response.status in REDIRECTS:
                    return response.headers.get("Location")
                if method == "HEAD" and response.status in (403, 404, 405, 501):
                    continue  # some servers answer HEAD differently: ask with GET
                return None
        return None

    async def _check_address(self, url: URL) -> None:
        if self.allow_private:
            return
        host = url.raw_host or ""
        try:
            addresses = [ipaddress.ip_address(host)]
        except ValueError:
            infos = await asyncio.get_running_loop().getaddrinfo(
                host, url.port, type=socket.SOCK_STREAM
            )
            addresses = [ipaddress.ip_address(info[4][0]) for info in infos]
        for address in addresses:
            if not is_public(address):
                raise Unsafe(f"{host} is {address}")


def is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_reserved
        or address.is_multicast
        or address.is_unspecified
    )


async def with_short_links(
    ctx: Context, draft: Draft | None, event: Input, resolver: ShortLinkResolver | None
) -> Context:
    """The context with the short links of a message at the links step resolved (the engine
    stays free of I/O: it only reads where each led)."""
    if resolver is None or draft is None or not isinstance(event, Typed | LinkList):
        return ctx
    if current_step(draft).kind is not Kind.LINKS:
        return ctx
    links = short_links_in(event.text, ctx.link_rules)
    if not links:
        return ctx
    return replace(ctx, resolved_links=await resolver.resolve_all(links))
