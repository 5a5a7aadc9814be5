"""Short links are followed over HTTP to the listing they lead to, against a local server that
plays the marketplace's redirects; private addresses are refused unless the setting allows."""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from bot.claimant.short_links import ShortLinkResolver, is_public
from dialogs.validators.links import ListingLinkRules, parse_links

LISTING = "https://aliexpress.ru/item/1005001234567890.html?spm=share"


class Redirects:
    """A local short-link service: records each request's method, answers with redirects."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str]] = []
        self.base = ""

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/{path:.*}", self.handle)
        return app

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.requests.append((request.method, request.path))
        path = request.path
        if path == "/_mKx1abc":  # two hops on the short host, then the listing
            raise web.HTTPFound("/e/_hop")
        if path == "/e/_hop":
            raise web.HTTPMovedPermanently(LISTING)
        if path == "/_headless":  # HEAD refused: asked again with GET
            if request.method == "HEAD":
                raise web.HTTPMethodNotAllowed("HEAD", ["GET"])
            raise web.HTTPFound(LISTING)
        if path == "/_loop":
            raise web.HTTPFound("/_loop")
        if path == "/_slow":
            await asyncio.sleep(3)
            raise web.HTTPFound(LISTING)
        if path == "/_elsewhere":
            raise web.HTTPFound("https://evil.example/login")
        if path == "/_page":
            return web.Response(text="x" * 100_000)  # no redirect: nothing to follow
        raise web.HTTPNotFound()


@pytest.fixture
async def server() -> AsyncIterator[Redirects]:
    redirects = Redirects()
    runner = web.AppRunner(redirects.app())
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    redirects.base = f"http://127.0.0.1:{port}"
    yield redirects
    await runner.cleanup()


RULES = ListingLinkRules(short_hosts=["127.0.0.1"])


def resolver(**kwargs: object) -> ShortLinkResolver:
    options: dict[str, object] = {"timeout": 1.0, "allow_private": True, **kwargs}
    return ShortLinkResolver(RULES, **options)  # type: ignore[arg-type]


async def test_a_short_link_is_followed_to_its_listing(server: Redirects) -> None:
    link = server.base + "/_mKx1abc"
    assert await resolver().resolve(link) == LISTING
    # HEAD only, and the listing itself is never fetched (it is not a short-link host).
    assert server.requests == [("HEAD", "/_mKx1abc"), ("HEAD", "/e/_hop")]
    verdict = parse_links(link, RULES, resolved={link: LISTING})
    assert verdict.accepted == ["https://aliexpress.ru/item/1005001234567890.html"]
    assert verdict.items[0].via_short_link and verdict.items[0].raw == link


async def test_head_refused_then_get(server: Redirects) -> None:
    assert await resolver().resolve(server.base + "/_headless") == LISTING
    assert [m for m, _ in server.requests] == ["HEAD", "GET"]


@pytest.mark.parametrize("path", ["/_loop", "/_slow", "/_page", "/_missing"])
async def test_what_cannot_be_followed_is_none(server: Redirects, path: str) -> None:
    assert await resolver(max_hops=3).resolve(server.base + path) is None
    if path == "/_loop":
        assert len(server.requests) == 3  # a few hops at most


async def test_a_short_link_leading_off_the_platform_is_refused(server: Redirects) -> None:
    link = server.base + "/_elsewhere"
    target = await resolver().resolve(link)
    assert target == "https://evil.example/login"  # where it led; never fetched
    verdict = parse_links(link, RULES, resolved={link: target})
    assert verdict.accepted == []
    error = verdict.items[0].error
    assert error is not None and error.code == "err-link-short-elsewhere"
    assert error.params == {"host": "evil.example"}


async def test_private_addresses_are_refused_by_default(server: Redirects) -> None:
    assert await resolver(allow_private=False).resolve(server.base + "/_mKx1abc") is None
    assert server.requests == []  # not even asked


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("192.168.0.1", False),
        ("169.254.169.254", False),  # cloud metadata
        ("::1", False),
        ("fd00::1", False),
        ("47.246.136.10", True),
        ("2606:4700::1111", True),
    ],
)
def test_the_private_address_guard(address: str, public: bool) -> None:
    assert is_public(ipaddress.ip_address(address)) is public


def test_an_unresolved_short_link_asks_for_the_full_link() -> None:
    verdict = parse_links("https://a.aliexpress.com/_mKx1abc")
    assert verdict.accepted == [] and verdict.items[0].error is not None
    assert verdict.items[0].error.code == "err-link-short"
