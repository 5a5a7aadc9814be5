"""The alert rules and the Grafana dashboard in deploy/ name only metrics that /metrics really
exports: the bot is started, a complaint filed (so every histogram and labelled counter has a
sample; another claimant stops half-way), a backup taken, /metrics scraped and parsed with
prometheus_client's parser; every `ipintake_…` identifier of every alert expression and
dashboard query must be among them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from tests.bot.ops.cli import REPO, bot_env, run_cli
from tests.bot.ops.test_metrics import free_port, fresh
from tests.e2e.claimant import Claimant
from tests.e2e.conftest import CLAIMANT, RunningBot
from tests.fake_telegram import FakeTelegram

ALERTS = REPO / "deploy" / "prometheus" / "alerts.yml"
DASHBOARD = REPO / "deploy" / "grafana" / "ip-intake-bot.json"
BORIS = 1002
NAME = re.compile(r"\bipintake_[a-zA-Z0-9_]+")


def alert_expressions() -> dict[str, str]:
    rules = yaml.safe_load(ALERTS.read_text())
    found = {rule["alert"]: rule["expr"] for g in rules["groups"] for rule in g["rules"]}
    assert found, "no alert rules"
    return found


def dashboard_expressions() -> dict[str, str]:
    dashboard = json.loads(DASHBOARD.read_text())
    found = {
        f"{panel['title']} / {target['refId']}": target["expr"]
        for panel in dashboard["panels"]
        for target in panel["targets"]
    }
    assert found, "no dashboard queries"
    return found


def test_the_alert_rules_cover_what_the_issue_asks() -> None:
    names = {n for expr in alert_expressions().values() for n in NAME.findall(expr)}
    for needed in (
        "ipintake_outbox_oldest_age_seconds",
        "ipintake_outbox_given_up_total",
        "ipintake_bot_api_calls_total",  # the 429 rate
        "ipintake_lease_held",
        "ipintake_case_webhook_oldest_age_seconds",
        "ipintake_backup_last_success_timestamp_seconds",
    ):
        assert needed in names, needed


async def test_every_metric_in_the_alerts_and_the_dashboard_is_exported(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    port = free_port()
    bot = RunningBot(fake, data_dir, metrics_port=port, metrics_refresh_seconds=0.1)
    await bot.start()
    try:
        fake.add_user(BORIS, first_name="Boris", language_code="en")
        await Claimant(fake, BORIS).reaches("role")  # one who stops half-way
        anna = Claimant(fake, CLAIMANT)
        await anna.reaches("review")
        fake.flood("sendMessage", retry_after=1)
        await anna.presses("Submit", expect="Case number")
        await fake.wait_until(lambda: any(r.ok for r in fake.calls("sendDocument")), 15)
        backed_up = await run_cli("backup", str(tmp_path / "backup"), env=bot_env(None, data_dir))
        assert backed_up.code == 0, backed_up.err
        exported = {name for name, _labels in await fresh(port)}
    finally:
        await bot.stop()
    queries = {**alert_expressions(), **dashboard_expressions()}
    missing = {
        f"{where}: {name}"
        for where, expr in queries.items()
        for name in NAME.findall(expr)
        if name not in exported
    }
    assert not missing, sorted(missing)
