"""Issue 16: the deployment files work as written. Docker is not on these machines, so every
compose file is checked against the Compose specification (the `compose-spec` package's strict
parser) and, where the `docker-compose` command is installed, by `docker-compose config` run
exactly as the documentation types it; every systemd unit by `systemd-analyze verify`; every
variable they use is in `.env.example`; the secrets script makes what the files expect."""

from __future__ import annotations

import json
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from compose_spec import PyCompose

from bot.config.settings import Settings
from dialogs.validators import Invalid
from dialogs.validators.links import ListingLinkRules, check_link
from tests.bot.ops.cli import REPO

COMPOSE_FILES = [REPO / "compose.yaml", REPO / "deploy" / "compose.cluster.yaml"]
UNITS = sorted([*(REPO / "deploy").glob("*.service"), *(REPO / "deploy").glob("*.timer")])
EXAMPLE = (REPO / ".env.example").read_text(encoding="utf-8")
VARIABLE = re.compile(r"\$\{(\w+)(?:(:?[-?])([^}]*))?\}")
DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]


def example_value(name: str) -> str | None:
    """NAME's value in .env.example, commented out or not (None: not there)."""
    found = re.search(rf"^#? ?{name}=(.*)$", EXAMPLE, re.M)
    return found.group(1) if found else None


def interpolate(text: str) -> str:
    """Compose's `${NAME}`, `${NAME:-default}`, `${NAME:?error}` and `$$`, with the values of
    .env.example (a stand-in where it leaves one empty)."""

    def value(match: re.Match[str]) -> str:
        name, operator, default = match.groups()
        given = example_value(name) or ""
        if operator in (":-", "-"):
            return given or default
        return given or f"example-{name.lower()}"

    return VARIABLE.sub(value, text).replace("$$", "$")


def compose_model(path: Path) -> dict[str, Any]:
    model = yaml.safe_load(interpolate(path.read_text(encoding="utf-8")))
    assert isinstance(model, dict)
    return model


@pytest.mark.parametrize("path", COMPOSE_FILES, ids=lambda p: p.name)
def test_compose_file_follows_the_compose_specification(path: Path) -> None:
    model = compose_model(path)
    PyCompose.from_json(json.dumps(model))  # raises on an unknown key or a wrong type
    services = model["services"]
    for name, service in services.items():
        image = service.get("image", "")
        assert image, f"{name}: no image"
        if "build" not in service:  # pulled: pinned to a version, never latest
            tag = image.rsplit(":", 1)[-1] if ":" in image else ""
            assert re.search(r"\d", tag) and tag != "latest", f"{name}: {image} is not pinned"
        assert "minio" not in image, f"{name}: MinIO's images are no longer published"
        assert "logging" in service and service["logging"]["options"]["max-size"], name
        for other in service.get("depends_on", []):
            assert other in services, f"{name} depends on unknown {other}"
        for secret in service.get("secrets", []):
            assert secret in model.get("secrets", {}), f"{name}: undeclared secret {secret}"
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            if source.startswith("."):  # relative to the project folder: the repository
                assert (REPO / source).exists(), f"{name}: {source} is not in the repository"
            else:
                assert source in model.get("volumes", {}), f"{name}: undeclared volume {source}"
        if "build" in service:
            assert service.get("init") is True, f"{name}: no init process (Python as PID 1)"
    for secret in model.get("secrets", {}).values():
        assert secret["file"].startswith("./secrets/"), secret


def test_the_compose_files_point_where_they_are_used_from() -> None:
    """Paths are relative to the project folder, which every documented command sets to the
    repository's root (`--project-directory .`): `build: .`, `./deploy/…`, `.env`."""
    cluster = compose_model(REPO / "deploy" / "compose.cluster.yaml")
    assert cluster["services"]["worker"]["build"] == "."
    assert cluster["services"]["worker"]["env_file"] == ".env"
    single = compose_model(REPO / "compose.yaml")
    api = single["services"]["telegram-bot-api"]
    assert "env_file" not in api, "the local Bot API server must not get the whole .env"
    assert set(api["environment"]) == {"TELEGRAM_API_ID", "TELEGRAM_API_HASH", "TELEGRAM_LOCAL"}
    assert "long polling" in (REPO / "compose.yaml").read_text().lower()
    assert single["services"]["bot"]["volumes"][0] == "data:/data"


def documented_compose_commands() -> list[str]:
    commands = []
    for path in [*DOCS, *COMPOSE_FILES]:
        for line in path.read_text(encoding="utf-8").splitlines():
            found = re.search(r"docker[ -]compose .*", line)
            if found:
                commands.append(found.group(0))
    return commands


def test_every_documented_cluster_command_sets_the_project_folder() -> None:
    commands = [c for c in documented_compose_commands() if "compose.cluster.yaml" in c]
    assert len(commands) >= 4, commands  # up, exec … check, --scale, in the docs and the file
    for command in commands:
        assert "--project-directory ." in command, f"finds no .env as typed: {command}"


def test_every_variable_of_the_deployment_files_is_in_env_example() -> None:
    used = set()
    for path in COMPOSE_FILES:
        used |= {name for name, *_ in VARIABLE.findall(path.read_text(encoding="utf-8"))}
    used |= set(re.findall(r"\{\$(\w+)\}", (REPO / "deploy" / "Caddyfile").read_text()))
    for unit in UNITS:
        used |= set(re.findall(r"\$\{?([A-Z_]+)", unit.read_text()))
    used -= {"CREDENTIALS_DIRECTORY"}  # set by systemd itself
    assert {"WEBHOOK_DOMAIN", "WORKERS"} <= used
    missing = sorted(name for name in used if example_value(name) is None)
    assert not missing, f"not in .env.example: {missing}"


def compose_command() -> list[str] | None:
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    docker = shutil.which("docker")
    if (
        docker
        and subprocess.run([docker, "compose", "version"], capture_output=True).returncode == 0
    ):
        return [docker, "compose"]
    return None


@pytest.fixture
def operator_folder(tmp_path: Path) -> Path:
    """The repository's deployment files as an operator has them: .env from .env.example with
    WEBHOOK_DOMAIN set, and secrets/ made by the script."""
    for name in ("compose.yaml", "Dockerfile", ".env.example"):
        shutil.copy(REPO / name, tmp_path / name)
    shutil.copytree(REPO / "deploy", tmp_path / "deploy")
    (tmp_path / ".env").write_text(EXAMPLE + "\nWEBHOOK_DOMAIN=bot.example.com\n")
    subprocess.run(
        ["sh", "deploy/make-secrets.sh"],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "BOT_TOKEN": "123:abc"},
        check=True,
        capture_output=True,
    )
    return tmp_path


def test_docker_compose_config_accepts_the_documented_commands(operator_folder: Path) -> None:
    compose = compose_command()
    if compose is None:
        pytest.skip("neither docker-compose nor `docker compose` is installed here")
    for file in ("compose.yaml", "deploy/compose.cluster.yaml"):
        ran = subprocess.run(
            [*compose, "--project-directory", ".", "-f", file, "config"],
            cwd=operator_folder,
            capture_output=True,
            text=True,
        )
        assert ran.returncode == 0, ran.stderr
        assert "bot.example.com" in ran.stdout or file == "compose.yaml"
    # what the issue saw: without the project folder, the root .env is not read
    ran = subprocess.run(
        [*compose, "-f", "deploy/compose.cluster.yaml", "config"],
        cwd=operator_folder,
        capture_output=True,
        text=True,
    )
    assert ran.returncode != 0 and "WEBHOOK_DOMAIN" in ran.stderr


def test_the_secrets_script_makes_matching_files_once(operator_folder: Path) -> None:
    secrets = operator_folder / "secrets"
    assert stat.S_IMODE(secrets.stat().st_mode) == 0o700
    declared = compose_model(REPO / "deploy" / "compose.cluster.yaml")["secrets"]
    for secret in declared.values():
        assert (operator_folder / secret["file"]).is_file(), secret
    password = (secrets / "bot_db_password").read_text()
    assert (secrets / "database_url").read_text() == (
        f"postgresql://intake_bot:{password}@postgres:5432/intake"
    )
    assert (secrets / "postgres_password").read_text() != password
    seeded = dict(
        line.split("=", 1) for line in (secrets / "garage.env").read_text().splitlines() if line
    )
    key, secret_key = seeded["GARAGE_DEFAULT_ACCESS_KEY"], seeded["GARAGE_DEFAULT_SECRET_KEY"]
    assert re.fullmatch(r"GK[0-9a-f]{24}", key) and re.fullmatch(r"[0-9a-f]{64}", secret_key)
    credentials = (secrets / "s3_credentials").read_text()
    assert f"aws_access_key_id = {key}" in credentials
    assert f"aws_secret_access_key = {secret_key}" in credentials
    before = {path.name: path.read_text() for path in secrets.iterdir()}
    subprocess.run(
        ["sh", "deploy/make-secrets.sh"], cwd=operator_folder, check=True, capture_output=True
    )
    assert {path.name: path.read_text() for path in secrets.iterdir()} == before
    sql = (REPO / "deploy" / "postgres-init" / "10-bot-role.sql").read_text()
    assert "/run/secrets/bot_db_password" in sql and "OWNER TO intake_bot" in sql


def test_the_bot_reads_the_cluster_secrets_as_mounted(
    operator_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worker's secrets, as compose mounts them, are the bot's settings."""
    mounted = operator_folder / "run-secrets"
    mounted.mkdir()
    worker = compose_model(REPO / "deploy" / "compose.cluster.yaml")["services"]["worker"]
    declared = compose_model(REPO / "deploy" / "compose.cluster.yaml")["secrets"]
    for name in worker["secrets"]:
        shutil.copy(operator_folder / declared[name]["file"], mounted / name)
    monkeypatch.chdir(operator_folder / "deploy")  # no .env here
    for name in ("BOT_TOKEN", "DATABASE_URL", "WEBHOOK_SECRET", "CREDENTIALS_DIRECTORY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SECRETS_DIR", str(mounted))
    settings = Settings()
    assert settings.bot_token is not None and settings.bot_token.get_secret_value() == "123:abc"
    assert settings.database_url is not None
    assert settings.database_url.startswith("postgresql://intake_bot:")
    assert settings.webhook_secret is not None
    assert worker["environment"]["SECRETS_DIR"] == "/run/secrets"


def test_systemd_units_verify(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed here (apt-get install systemd)")
    for unit in UNITS:  # the venv's python as on a server: here, this test's interpreter
        text = unit.read_text().replace("/opt/ip-intake-bot/venv/bin/python", sys.executable)
        (tmp_path / unit.name).write_text(text)
    for unit in UNITS:
        ran = subprocess.run(
            [analyze, "verify", str(tmp_path / unit.name)], capture_output=True, text=True
        )
        assert ran.returncode == 0 and not (ran.stdout + ran.stderr).strip(), (
            unit.name,
            ran.stdout + ran.stderr,
        )


def test_the_units_keep_the_state_private_and_report_failure() -> None:
    for name in ("ip-intake-bot.service", "ip-intake-bot@.service", "ip-intake-bot-backup.service"):
        text = (REPO / "deploy" / name).read_text()
        assert re.search(r"^UMask=0077$", text, re.M), name
        assert re.search(r"^StateDirectoryMode=0700$", text, re.M), name
        assert "env $(cat" not in text, name  # broke on the comment lines of .env
    backup = (REPO / "deploy" / "ip-intake-bot-backup.service").read_text()
    assert re.search(r"^OnFailure=ip-intake-bot-failed@%n\.service$", backup, re.M)
    assert (REPO / "deploy" / "ip-intake-bot-failed@.service").is_file()
    for name in ("ip-intake-bot.service", "ip-intake-bot@.service"):
        text = (REPO / "deploy" / name).read_text()
        assert re.search(r"^LoadCredential=bot_token:", text, re.M), name


def test_listing_links_example_means_the_same_to_systemd() -> None:
    """EnvironmentFile= removes backslashes: the example has none, and still works."""
    example = next(line[2:] for line in EXAMPLE.splitlines() if line.startswith('# {"hosts"'))
    assert "\\" not in example and "'" not in example
    rules = ListingLinkRules.model_validate(json.loads(example))
    accepted = check_link("https://aliexpress.ru/item/1005001234567.html", rules)
    assert not isinstance(accepted, Invalid)
    assert isinstance(check_link("https://aliexpress.ru/item/12ab.html", rules), Invalid)


def test_the_image_installs_the_lock_and_leaves_out_local_files() -> None:
    dockerfile = (REPO / "Dockerfile").read_text()
    assert not re.search(r"^VOLUME", dockerfile, re.M)  # one anonymous volume per replica
    assert "--require-hashes -r /tmp/requirements.lock" in dockerfile
    assert "pip install --no-cache-dir --no-deps /wheels/*.whl" in dockerfile
    for base in re.findall(r"^FROM (\S+)", dockerfile, re.M):
        assert re.search(r":\d+\.\d+\.\d+", base), f"{base} is not pinned to a version"
    ignored = (REPO / ".dockerignore").read_text().split()
    for entry in (".git", ".venv", "data/", ".env", "secrets/"):
        assert entry in ignored, entry


def test_the_locks_pin_every_dependency_with_hashes() -> None:
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    for lock, extras in (("requirements.lock", ["all"]), ("requirements-dev.lock", ["dev"])):
        text = (REPO / lock).read_text()
        pinned = {
            re.sub(r"[-_.]+", "-", name).lower()
            for name in re.findall(r"^([A-Za-z0-9_.-]+)==", text, re.M)
        }
        blocks = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2])
        for block in blocks:
            assert "--hash=sha256:" in block, f"{lock}: no hash for {block.splitlines()[0]}"
        wanted = list(project["dependencies"])
        for extra in extras:
            wanted += project["optional-dependencies"][extra]
        for extra in ("ptb", "postgres", "s3"):
            wanted += project["optional-dependencies"][extra]
        for requirement in wanted:
            name = re.split(r"[\[<>=!~ ]", requirement, maxsplit=1)[0]
            if name == "ip-intake-bot":
                continue
            assert re.sub(r"[-_.]+", "-", name).lower() in pinned, f"{lock} lacks {name}"
    makefile = (REPO / "Makefile").read_text()
    assert "--require-hashes -r requirements-dev.lock" in makefile
    dev = project["optional-dependencies"]["dev"]
    for tool in ("ruff", "mypy"):
        assert any(re.fullmatch(rf"{tool}==[\d.]+", entry) for entry in dev), tool
