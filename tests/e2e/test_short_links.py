"""A short link from the app's Share button, pasted at the links step, through both runtimes:
followed over HTTP (a local server plays the redirects), judged where it landed, kept beside
its canonical form for the staff."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from aiohttp import web

from tests.e2e.claimant import Claimant
from tests.e2e.conftest import CLAIMANT, RunningBot
from tests.fake_telegram import FakeTelegram

LISTING = "https://aliexpress.ru/item/1005009876543210.html"


@pytest.fixture
async def short_host() -> AsyncIterator[str]:
    async def share(request: web.Request) -> web.StreamResponse:
        if request.path == "/_mKx1abc":
            raise web.HTTPFound(LISTING + "?spm=a2g0o.share")
        raise web.HTTPNotFound()

    app = web.Application()
    app.router.add_route("*", "/{path:.*}", share)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    await runner.cleanup()


async def test_a_pasted_short_link_becomes_its_listing(
    fake: FakeTelegram, start_either_runtime: Callable[..., Awaitable[RunningBot]], short_host: str
) -> None:
    running = await start_either_runtime(
        short_link_hosts=["127.0.0.1"],
        short_link_allow_private=True,  # the redirect server is local
        short_link_timeout=2.0,
    )
    anna = Claimant(fake, CLAIMANT)
    await anna.reaches("links")
    short = short_host + "/_mKx1abc"
    missing = short_host + "/_gone"
    saved = await anna.says(f"{short}\n{missing}", expect="Links saved: 1")
    text = saved.text or ""
    assert f"✅ {LISTING} (from the short link {short})" in text
    assert f"❌ {missing} — this short link could not be opened" in text
    assert "send the full listing address" in text

    app = running.app
    draft = await app.storage.drafts.load(CLAIMANT)
    assert draft.links == [LISTING]
    assert draft.link_sources == {LISTING: short}
    review = await anna.reaches_from("links", "review")
    assert f"{LISTING} ← {short}" in (review.text or "")  # staff and claimant see both
