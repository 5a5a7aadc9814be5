"""Issue 16, metrics that scale with the service: a scrape costs the same with thousands of cases
stored; Bot API calls timed and counted by result on both runtimes (aiogram's errors other than
429 too); Submit → receipt and → card; outbox sent / given up; the lease holder; and a
/healthz that turns 503 when a loop that must run is dead or stalled (both runtimes)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.serving.aiogram_app import AiogramApp
from bot.serving.ptb_app import PtbApp
from bot.telemetry.health import HEALTH
from storage import Storage
from tests.bot.ops.seed import seed
from tests.bot.ops.test_metrics import free_port, fresh, scrape, value
from tests.e2e.claimant import Claimant
from tests.e2e.conftest import CLAIMANT, RunningBot
from tests.fake_telegram import FakeTelegram

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]
RUNTIMES = [pytest.param(AiogramApp, id="aiogram"), pytest.param(PtbApp, id="ptb")]


async def probe(port: int, path: str) -> tuple[int, str]:
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"http://127.0.0.1:{port}{path}") as response,
    ):
        return response.status, await response.text()


async def started(fake: FakeTelegram, tmp_path: Path, runtime: type, **settings: Any) -> RunningBot:
    bot = RunningBot(fake, tmp_path / "data", runtime, metrics_port=free_port(), **settings)
    await bot.start()
    return bot


def port_of(bot: RunningBot) -> int:
    return int(bot.settings["metrics_port"])


def calls(samples: Samples, method: str, result: str) -> float:
    return value(samples, "ipintake_bot_api_calls_total", method=method, result=result)


async def test_a_scrape_does_not_grow_with_the_cases_stored(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    """Before: every scrape parsed every case and draft on the event loop (seconds with tens
    of thousands); now the database gauges come from memory."""
    storage = await Storage.open(tmp_path / "data")
    try:
        await seed(storage, 20_000, 2_000)
    finally:
        await storage.close()
    bot = await started(fake, tmp_path, AiogramApp, metrics_refresh_seconds=0.5)
    try:
        samples = await fresh(port_of(bot))  # the gauges are there, counted by the database
        assert value(samples, "ipintake_funnel_reached", step="submitted") == 20_000
        assert sum(value(samples, "ipintake_cases", status=s) for s in ("submitted",)) > 0
        durations = []
        for _ in range(5):
            began = time.perf_counter()
            await scrape(port_of(bot))
            durations.append(time.perf_counter() - began)
        assert max(durations) < 0.5, durations
    finally:
        await bot.stop()


@pytest.mark.parametrize("runtime", RUNTIMES)
async def test_bot_api_calls_are_timed_and_counted_by_result(
    fake: FakeTelegram, tmp_path: Path, runtime: type
) -> None:
    bot = await started(fake, tmp_path, runtime)
    port = port_of(bot)
    try:
        before = await scrape(port)
        anna = Claimant(fake, CLAIMANT)
        fake.fail_next("sendMessage", error_code=500)  # retried, then delivered
        await anna.says("/start")
        fake.drop_next("sendMessage", after_delivery=False)  # no answer: retried
        await anna.says("/start")
        fake.fail_next("sendMessage", error_code=400)  # refused for good: given up
        fake.user_sends_text(CLAIMANT, "/start")
        await fake.wait_until(
            lambda: any(r.error_code == 400 for r in fake.calls("sendMessage")), 10
        )
        await asyncio.sleep(0.3)
        after = await scrape(port)
        for result in ("5xx", "network", "400"):
            delta = calls(after, "sendMessage", result) - calls(before, "sendMessage", result)
            assert delta == 1, result
        assert calls(after, "sendMessage", "ok") - calls(before, "sendMessage", "ok") >= 2
        timed = value(after, "ipintake_bot_api_call_seconds_count", method="sendMessage")
        was = value(before, "ipintake_bot_api_call_seconds_count", method="sendMessage")
        assert timed - was >= 5  # every call, whatever its result
        given_up = value(after, "ipintake_outbox_given_up_total", lane="private")
        assert given_up - value(before, "ipintake_outbox_given_up_total", lane="private") == 1
        sent = value(after, "ipintake_outbox_sent_total", lane="private")
        assert sent - value(before, "ipintake_outbox_sent_total", lane="private") >= 2
        handled = value(after, "ipintake_update_handling_seconds_count")
        assert handled - value(before, "ipintake_update_handling_seconds_count") == 3
    finally:
        await bot.stop()


@pytest.mark.parametrize("runtime", RUNTIMES)
async def test_submit_to_receipt_and_card_and_who_holds_the_sender(
    fake: FakeTelegram, tmp_path: Path, runtime: type
) -> None:
    bot = await started(fake, tmp_path, runtime)
    port = port_of(bot)
    try:
        anna = Claimant(fake, CLAIMANT)
        await anna.reaches("review")
        before = await scrape(port)  # the histograms count for the whole process
        fake.flood("sendMessage", retry_after=1)  # the receipt waits a second
        await anna.presses("Submit", expect="Case number")
        await fake.wait_until(lambda: any(r.ok for r in fake.calls("sendDocument")), 15)
        await asyncio.sleep(0.3)  # the card's mark commits just after Telegram's answer
        samples = await scrape(port)

        def delta(name: str) -> float:
            return value(samples, name) - value(before, name)

        assert delta("ipintake_submit_to_receipt_seconds_count") == 1
        assert delta("ipintake_submit_to_receipt_seconds_sum") >= 0.9
        assert delta("ipintake_submit_to_card_seconds_count") == 1
        held = [k for k in samples if k[0] == "ipintake_lease_held"]
        assert [dict(labels)["lease"] for _, labels in held] == ["sender"]
        assert samples[held[0]] == 1
        polled = value(samples, "ipintake_last_success_timestamp_seconds", job="polling")
        assert time.time() - polled < 30
    finally:
        await bot.stop()


@pytest.mark.parametrize("runtime", RUNTIMES)
async def test_healthz_fails_when_the_sender_dies(
    fake: FakeTelegram, tmp_path: Path, runtime: type
) -> None:
    bot = await started(fake, tmp_path, runtime)
    port = port_of(bot)
    try:
        assert await probe(port, "/healthz") == (200, "ok\n")
        assert await probe(port, "/readyz") == (200, "ok\n")
        (sender,) = [t for t in asyncio.all_tasks() if t.get_name() == "outbox"]
        sender.cancel()  # a bug, say, that ends the loop
        await asyncio.sleep(0.05)
        status, text = await probe(port, "/healthz")
        assert status == 503
        assert "outbox/private: stopped" in text
    finally:
        await bot.stop()
    assert not HEALTH.beats()  # a stopped bot leaves nothing behind


@pytest.mark.parametrize("runtime", RUNTIMES)
async def test_healthz_fails_while_telegram_stalls_the_sender(
    fake: FakeTelegram, tmp_path: Path, runtime: type
) -> None:
    bot = await started(fake, tmp_path, runtime, liveness_seconds=1.0)
    port = port_of(bot)
    try:
        release = fake.stall("sendMessage")
        fake.user_sends_text(CLAIMANT, "/start")
        await fake.wait_for_request("sendMessage", timeout=5)
        await asyncio.sleep(1.5)
        status, text = await probe(port, "/healthz")
        assert status == 503
        assert "outbox/private: no tick" in text
        release.set()
        await fake.wait_for_message(CLAIMANT, timeout=10)
        await asyncio.sleep(0.2)
        assert await probe(port, "/healthz") == (200, "ok\n")
    finally:
        await bot.stop()


async def test_a_component_adds_a_health_check(fake: FakeTelegram, tmp_path: Path) -> None:
    """How another component (say, a token Telegram refused) makes /healthz or /readyz fail."""
    bot = await started(fake, tmp_path, AiogramApp)
    port = port_of(bot)
    problem: list[str] = []

    async def check() -> str | None:
        return problem[0] if problem else None

    remove = HEALTH.add("telegram", check, probe="ready")
    try:
        assert await probe(port, "/readyz") == (200, "ok\n")
        problem.append("token refused (401)")
        assert await probe(port, "/readyz") == (503, "telegram: token refused (401)\n")
        assert await probe(port, "/healthz") == (200, "ok\n")  # readiness only
    finally:
        remove()
        await bot.stop()
