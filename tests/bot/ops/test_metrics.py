"""/healthz and /metrics scraped while claimants talk to the bot (both runtimes), and the same
funnel on the console with `python -m bot stats`."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time
from pathlib import Path

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.config.derived_keys import SECRET_HEADER, webhook_secret
from bot.serving.aiogram_app import AiogramApp
from bot.serving.ptb_app import PtbApp
from tests.bot.ops.cli import bot_env, run_cli
from tests.e2e.claimant import Claimant
from tests.e2e.conftest import CLAIMANT, RunningBot, settings_for
from tests.fake_telegram import FakeTelegram

BORIS = 1002


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def scrape(port: int) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"http://127.0.0.1:{port}/metrics") as response,
    ):
        assert response.status == 200
        text = await response.text()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


async def fresh(port: int) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """A scrape whose database gauges were computed after this call (they are refreshed in
    the background, every METRICS_REFRESH_SECONDS)."""
    asked = time.time()
    deadline = asked + 10
    while True:
        samples = await scrape(port)
        if value(samples, "ipintake_database_gauges_timestamp_seconds") >= asked:
            return samples
        assert time.time() < deadline, "the database gauges were not refreshed"
        await asyncio.sleep(0.05)


def value(
    samples: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str
) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


@pytest.mark.parametrize("runtime", [AiogramApp, PtbApp])
async def test_metrics_during_a_conversation_count_updates_calls_and_the_funnel(
    fake: FakeTelegram, tmp_path: Path, runtime: type
) -> None:
    fake.add_user(BORIS, first_name="Boris", language_code="en")
    port = free_port()
    bot = RunningBot(
        fake, tmp_path / "data", runtime, metrics_port=port, metrics_refresh_seconds=0.1
    )
    await bot.start()
    try:
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"http://127.0.0.1:{port}/healthz") as response,
        ):
            assert (response.status, await response.text()) == (200, "ok\n")
        before = await scrape(port)

        anna, boris = Claimant(fake, CLAIMANT), Claimant(fake, BORIS)
        await anna.reaches("links")
        await boris.reaches("role")
        during = await fresh(port)
        handled = value(during, "ipintake_updates_total", outcome="handled")
        assert handled - value(before, "ipintake_updates_total", outcome="handled") >= 10
        sent = value(during, "ipintake_bot_api_calls_total", method="sendMessage", result="ok")
        was = value(before, "ipintake_bot_api_calls_total", method="sendMessage", result="ok")
        assert sent - was >= 10
        # The funnel: both reached the welcome and screening, one got as far as the links.
        assert value(during, "ipintake_funnel_reached", step="welcome") == 2
        assert value(during, "ipintake_funnel_reached", step="role") == 2
        assert value(during, "ipintake_funnel_reached", step="links") == 1
        assert value(during, "ipintake_funnel_stopped", step="links") == 1
        assert value(during, "ipintake_funnel_stopped", step="role") == 1
        assert value(during, "ipintake_cases", status="submitted") == 0

        review = await anna.reaches_from("links", "review")
        assert review is not None
        fake.flood("sendDocument", retry_after=1)  # the staff dossier waits, then goes
        await anna.presses("Submit", expect="Case number")
        await fake.wait_until(lambda: len([r for r in fake.calls("sendDocument") if r.ok]) >= 1, 10)
        after = await fresh(port)
        floods = value(after, "ipintake_bot_api_calls_total", method="sendDocument", result="429")
        was = value(before, "ipintake_bot_api_calls_total", method="sendDocument", result="429")
        assert floods - was == 1
        assert value(after, "ipintake_cases", status="submitted") == 1
        assert value(after, "ipintake_funnel_reached", step="submitted") == 1
        assert value(after, "ipintake_funnel_reached", step="review") == 1
        assert value(after, "ipintake_funnel_stopped", step="links") == 0
        assert value(after, "ipintake_funnel_stopped", step="role") == 1
        assert ("ipintake_outbox_backlog", ()) in after
        assert ("ipintake_outbox_oldest_age_seconds", ()) in after
    finally:
        await bot.stop()

    result = await run_cli("stats", "--since", "2020-01-01", env=bot_env(None, bot.data_dir))
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0] == "Cases since 2020-01-01: 1"
    assert any(line.split() == ["submitted", "1"] for line in lines)
    assert any(line.split() == ["role", "2", "1", "stopped", "here"] for line in lines)
    assert any(line.split()[:2] == ["links", "1"] and "stopped" not in line for line in lines)


@pytest.mark.parametrize("runtime", [AiogramApp, PtbApp])
async def test_webhook_mode_serves_health_and_stops_gracefully(
    fake: FakeTelegram, tmp_path: Path, runtime: type
) -> None:
    """aiogram answers /healthz and /metrics on the webhook's own server; PTB on METRICS_PORT
    beside it. A stop request ends the run cleanly."""
    webhook_port, metrics_port = free_port(), free_port()
    settings = settings_for(fake, tmp_path / "data").model_copy(
        update={
            "webhook_url": "https://intake.example.test",
            "webhook_port": webhook_port,
            "metrics_port": metrics_port,
            "metrics_refresh_seconds": 0.1,
        }
    )
    app = await runtime.create(settings)
    stop = asyncio.Event()
    task = asyncio.create_task(app.run(stop))
    try:
        await fake.wait_for_request("setWebhook", timeout=5)
        port = webhook_port if runtime is AiogramApp else metrics_port
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"http://127.0.0.1:{port}/healthz") as response,
        ):
            assert (response.status, await response.text()) == (200, "ok\n")
        before = await fresh(port)
        assert ("ipintake_outbox_backlog", ()) in before
        if runtime is AiogramApp:  # updates posted to the webhook are counted too
            start = fake.user_sends_text(CLAIMANT, "/start")
            async with (
                aiohttp.ClientSession() as http,
                http.post(
                    f"http://127.0.0.1:{port}/telegram",
                    json=dict(start),
                    headers={SECRET_HEADER: webhook_secret(settings)},  # as Telegram does
                ) as posted,
            ):
                assert posted.status == 200
            handled = value(await scrape(port), "ipintake_updates_total", outcome="handled")
            assert handled == value(before, "ipintake_updates_total", outcome="handled") + 1
        stop.set()
        await asyncio.wait_for(task, 10)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
