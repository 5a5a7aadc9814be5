"""The runtime contract operators rely on: names of the variables, `.env`, listing-link rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config.settings import PUBLIC_API_URL, Settings
from dialogs.validators import Invalid
from dialogs.validators.links import check_link


def test_defaults_run_the_terminal_intake_against_the_public_api(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env here
    for name in ("BOT_TOKEN", "TELEGRAM_API_URL", "STAFF_CHAT_ID", "DATA_DIR", "RUNTIME"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert settings.bot_token is None
    assert settings.telegram_api_url == PUBLIC_API_URL
    assert settings.data_dir == Path("data")
    assert settings.runtime == "aiogram" and settings.webhook_url is None


def test_environment_and_dotenv(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text(
        "BOT_TOKEN=123:abc\nSTAFF_CHAT_ID=-1001\nDATA_DIR=/srv/intake\n", encoding="utf-8"
    )
    monkeypatch.setenv("TELEGRAM_API_URL", "http://127.0.0.1:8081")
    monkeypatch.setenv("STAFF_CHAT_ID", "-1002")  # the environment wins over .env
    settings = Settings()
    assert settings.bot_token is not None and settings.bot_token.get_secret_value() == "123:abc"
    assert "123:abc" not in repr(settings)  # the token never lands in a log line
    assert settings.telegram_api_url == "http://127.0.0.1:8081"
    assert settings.staff_chat_id == -1002
    assert settings.data_dir == Path("/srv/intake")


def test_listing_link_rules_are_a_setting(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(
        "LISTING_LINKS",
        '{"hosts": ["market.example"], "path_patterns": ["^/p/(?P<id>\\\\d+)$"],'
        ' "canonical_template": "https://market.example/p/{id}"}',
    )
    rules = Settings().listing_links
    accepted = check_link("http://www.market.example/p/42?ref=ad", rules)
    assert not isinstance(accepted, Invalid) and accepted.value == "https://market.example/p/42"
    refused = check_link("https://aliexpress.ru/item/1005001.html", rules)
    assert isinstance(refused, Invalid) and refused.code == "err-link-other-site"


def test_descriptions_fit_telegrams_limits_in_both_languages() -> None:
    from bot.claimant.commands import descriptions

    described = descriptions("AliExpress Россия и СНГ")
    assert [code for code, _, _ in described] == [None, "ru"]
    for _, description, short in described:
        assert 0 < len(description) <= 512 and 0 < len(short) <= 120


def test_case_events_are_never_sent_unsigned(monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 17 review: a case webhook without its secret fails at start, not signs with ''."""
    monkeypatch.chdir(Path("/"))  # no .env from the working folder
    monkeypatch.setenv("CASE_WEBHOOK_URL", "https://cases.example/hook")
    with pytest.raises(ValueError, match="CASE_WEBHOOK_SECRET"):
        Settings()
    monkeypatch.setenv("CASE_WEBHOOK_SECRET", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
    assert Settings().case_webhook_url == "https://cases.example/hook"
