"""Issue 16: secrets are read from files (compose `secrets:` at /run/secrets, systemd's
`LoadCredential=` in $CREDENTIALS_DIRECTORY), not only from the environment that `docker inspect`
shows. One file per setting, named after it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config.settings import Settings
from bot.ops.check import load_settings

SECRET_NAMES = (
    "BOT_TOKEN",
    "DATABASE_URL",
    "WEBHOOK_SECRET",
    "SECRETS_DIR",
    "CREDENTIALS_DIRECTORY",
)


@pytest.fixture
def clean(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.chdir(tmp_path)  # no .env here
    for name in SECRET_NAMES:
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def test_compose_secrets_folder_named_by_secrets_dir(
    clean: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secrets = clean / "run-secrets"
    secrets.mkdir()
    (secrets / "bot_token").write_text("123:from-a-file\n")  # editors add the newline
    (secrets / "database_url").write_text("postgresql://intake_bot:pw@postgres:5432/intake")
    monkeypatch.setenv("SECRETS_DIR", str(secrets))
    settings = Settings()
    assert settings.bot_token is not None
    assert settings.bot_token.get_secret_value() == "123:from-a-file"
    assert settings.database_url == "postgresql://intake_bot:pw@postgres:5432/intake"
    assert "from-a-file" not in repr(settings)


def test_systemd_credentials_directory(clean: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    credentials = clean / "credentials"
    credentials.mkdir()
    (credentials / "bot_token").write_text("456:loaded-credential")
    (credentials / "webhook_secret").write_text("s3cret-token")
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(credentials))
    settings = Settings()
    assert settings.bot_token is not None
    assert settings.bot_token.get_secret_value() == "456:loaded-credential"
    assert settings.webhook_secret is not None
    assert settings.webhook_secret.get_secret_value() == "s3cret-token"


def test_the_environment_wins_over_a_file(clean: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secrets = clean / "s"
    secrets.mkdir()
    (secrets / "bot_token").write_text("1:file")
    monkeypatch.setenv("SECRETS_DIR", str(secrets))
    monkeypatch.setenv("BOT_TOKEN", "2:env")
    token = Settings().bot_token
    assert token is not None and token.get_secret_value() == "2:env"


def test_without_a_secrets_folder_nothing_is_read(clean: Path) -> None:
    (clean / "bot_token").write_text("9:stray file in the working directory")
    assert Settings().bot_token is None


def test_a_secrets_dir_that_is_not_a_folder_is_reported(
    clean: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SECRETS_DIR", str(clean / "missing"))
    settings, problems = load_settings()
    assert settings is None
    assert any("SECRETS_DIR" in str(problem) for problem in problems), problems
