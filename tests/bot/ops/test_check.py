"""`python -m bot check` against the fake Bot API: what an operator reads before going live."""

from __future__ import annotations

from pathlib import Path

from tests.bot.ops.cli import bot_env, run_cli
from tests.e2e.conftest import STAFF_CHAT_ID
from tests.fake_telegram import FakeTelegram


async def test_a_ready_installation_passes(fake: FakeTelegram, tmp_path: Path) -> None:
    result = await run_cli("check", env=bot_env(fake, tmp_path / "data"))
    assert result.code == 0, result.out + result.err
    assert "the bot is @intake_test_bot" in result.out
    assert "the bot is an administrator of “IP team” with the rights it needs" in result.out
    assert "Telegram holds 0 update(s) not yet delivered" in result.out
    assert result.out.strip().endswith("ready to serve")
    assert fake.calls("getMe")


async def test_a_bot_that_is_not_admin_and_no_topics_are_told(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    fake.set_member_status(STAFF_CHAT_ID, fake.bot_id, "member")
    env = bot_env(fake, tmp_path / "data", staff_topics="true")
    result = await run_cli("check", env=env)
    assert result.code == 1
    assert "STAFF_TOPICS=true but topics are not enabled in “IP team”" in result.out
    assert "the bot is not an administrator of the staff group “IP team” (it is member)" in (
        result.out
    )
    assert "2 problem(s) to fix" in result.out
    assert "Traceback" not in result.err


async def test_a_wrong_token_a_missing_group_and_a_bad_setting(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    wrong = bot_env(fake, tmp_path / "data", bot_token="999:WRONG")
    result = await run_cli("check", env=wrong)
    assert result.code == 1
    assert "the Bot API refused BOT_TOKEN (Unauthorized)" in result.out

    missing = bot_env(fake, tmp_path / "data", staff_chat_id="-100999")
    result = await run_cli("check", env=missing)
    assert result.code == 1
    assert "the staff group -100999 cannot be seen by the bot" in result.out

    invalid = bot_env(fake, tmp_path / "data", staff_topics="perhaps")
    result = await run_cli("check", env=invalid)
    assert result.code == 1
    assert "setting STAFF_TOPICS: Input should be a valid boolean" in result.out
    assert "Traceback" not in result.err
    serving = await run_cli("stats", env=invalid)  # every command says it so
    assert serving.code == 2 and "setting STAFF_TOPICS" in serving.err
    assert "Traceback" not in serving.err


async def test_an_unreachable_api_is_said_plainly(tmp_path: Path) -> None:
    env = bot_env(
        None,
        tmp_path / "data",
        bot_token="1:X",
        staff_chat_id="-1001",
        telegram_api_url="http://127.0.0.1:9",
    )
    result = await run_cli("check", env=env)
    assert result.code == 1
    assert "cannot reach the Bot API at http://127.0.0.1:9" in result.out
