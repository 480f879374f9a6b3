"""The deployment files hold together without a Docker engine: docker-compose.yml runs real CLI
commands in the right order with health checks, keeps secrets in .env, documents every variable,
and the Dockerfile builds a non-root image without dev tools."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

import bot.cli.db
import bot.telegram.app
import bot.web.serve
from bot.cli import app as cli
from bot.config import Settings

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
ENV_EXAMPLE = ROOT / ".env.example"

# ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?error}, ${NAME?error}; $$ is a literal $.
INTERPOLATION = re.compile(
    r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}"
)
SAMPLES = {"SAMENSPRAAK_WEBHOOK_URL": "https://bot.example.nl"}
SECRET_WORDS = ("TOKEN", "PEPPER", "SECRET", "PASSWORD", "PASSWD", "KEY")
# Read by docker compose itself, not by the bot.
COMPOSE_ONLY = {"SAMENSPRAAK_WEBHOOK_URL"}
WEBHOOK_PORT = "8443"
WEB_OPTIONS = ("host", "port", "behind_proxy")


def compose() -> dict[str, Any]:
    loaded = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def services() -> dict[str, dict[str, Any]]:
    return compose()["services"]


def interpolate(value: str) -> str:
    """What docker compose makes of a value when .env sets only what has no default."""

    def one(match: re.Match[str]) -> str:
        if match["op"] in (":-", "-"):
            return match["arg"]
        return SAMPLES.get(match["name"], "sample")

    return INTERPOLATION.sub(one, value).replace("$$", "$")


def variables_used() -> set[str]:
    """Every variable the deployment reads: ${...} in compose, environment keys, ENV lines."""
    text = COMPOSE.read_text(encoding="utf-8")
    names = {match["name"] for match in INTERPOLATION.finditer(text)}
    for service in services().values():
        environment = service.get("environment") or {}
        names |= set(environment) if isinstance(environment, dict) else set()
    names |= set(re.findall(r"\b(SAMENSPRAAK_[A-Z_]+)=", DOCKERFILE.read_text(encoding="utf-8")))
    return names


def samenspraak_commands() -> list[tuple[str, list[str]]]:
    found = []
    for name, service in services().items():
        command = service.get("command")
        if command is None:
            continue
        assert isinstance(command, list), f"{name}: write the command as a list (exec form)"
        if command[0] == "samenspraak":
            found.append((name, [interpolate(str(part)) for part in command[1:]]))
    return found


def command_path(args: list[str]) -> list[str]:
    path = []
    for arg in args:
        if arg.startswith("-"):
            break
        path.append(arg)
    return path


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    logical: list[str] = []
    current = ""
    for line in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if stripped.startswith("#") or (not stripped and not current):
            continue
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        logical.append(current + stripped)
        current = ""
    pairs = []
    for entry in logical:
        instruction, _, rest = entry.partition(" ")
        pairs.append((instruction.upper(), rest.strip()))
    return pairs


# --- docker-compose.yml -----------------------------------------------------------------------


def test_compose_has_postgres_migrate_and_both_bot_modes() -> None:
    """The services are postgres, migrate, bot (webhook) and bot-polling, in separate profiles."""
    found = services()
    assert {"postgres", "migrate", "bot", "bot-polling"} <= set(found)
    assert found["postgres"]["image"] == "postgres:16"
    assert found["bot"]["profiles"] == ["webhook"]
    assert found["bot-polling"]["profiles"] == ["polling"]
    assert "profiles" not in found["postgres"] and "profiles" not in found["migrate"]
    assert "version" not in compose(), "the Compose specification has no version key"


@pytest.mark.parametrize(
    "path", sorted({tuple(command_path(args)) for _, args in samenspraak_commands()})
)
def test_every_compose_command_exists_in_the_cli(path: tuple[str, ...]) -> None:
    """`samenspraak <command> --help` succeeds for every command a service runs."""
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0, result.output


def test_compose_commands_parse_with_their_options(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Each service command, options included, reaches the code it should with those values."""
    monkeypatch.chdir(tmp_path)  # no developer .env is read
    monkeypatch.setenv("SAMENSPRAAK_TELEGRAM_TOKEN", "123456:compose-test-token-abcdefghij")
    calls: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr(
        bot.telegram.app, "run_bot", lambda settings, **kwargs: calls.append(("run", kwargs))
    )
    monkeypatch.setattr(bot.cli.db, "apply_migrations", lambda url: calls.append(("db", {})))
    monkeypatch.setattr(
        bot.web.serve,
        "run_web",
        lambda settings, **kwargs: calls.append(
            ("web", {k: v for k, v in kwargs.items() if k in WEB_OPTIONS})
        ),
    )
    by_service = {}
    for service, args in samenspraak_commands():
        before = len(calls)
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 0, f"{service}: {args}: {result.output}"
        assert len(calls) == before + 1, f"{service}: {args} did not reach its code"
        by_service[service] = calls[-1]
    assert by_service["migrate"] == ("db", {})
    assert by_service["bot"] == (
        "run",
        {"webhook": True, "listen": "0.0.0.0", "port": 8443, "url": "https://bot.example.nl"},
    )
    assert by_service["bot-polling"] == (
        "run",
        {"webhook": False, "listen": "0.0.0.0", "port": 8443, "url": None},
    )
    assert by_service["web"] == ("web", {"host": "0.0.0.0", "port": 8081, "behind_proxy": True})


def test_start_order_waits_for_healthy_database_and_finished_migrations() -> None:
    """migrate waits for a healthy postgres; the bot also waits until migrate exited 0."""
    found = services()
    assert found["migrate"]["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    assert found["migrate"]["restart"] == "no"
    for name in ("bot", "bot-polling"):
        assert found[name]["depends_on"] == {
            "postgres": {"condition": "service_healthy"},
            "migrate": {"condition": "service_completed_successfully"},
        }
        assert found[name]["restart"] == "unless-stopped"
        assert found[name]["env_file"] == ".env"


def test_health_checks_use_pg_isready_and_the_bot_probe() -> None:
    """postgres is probed with pg_isready, the bot with `python -m bot.ops` (/healthz)."""
    found = services()
    postgres_check = " ".join(found["postgres"]["healthcheck"]["test"])
    assert "pg_isready" in postgres_check
    for name in ("bot", "bot-polling"):
        check = found[name]["healthcheck"]
        assert check["test"] == ["CMD", "python", "-m", "bot.ops"]
        assert {"interval", "timeout", "retries", "start_period"} <= set(check)
    assert found["migrate"]["healthcheck"] == {"disable": True}
    assert importlib.util.find_spec("bot.ops.__main__") is not None


def test_postgres_keeps_its_data_in_a_named_volume() -> None:
    """The database lives in the named volume pgdata, declared at the top level."""
    assert "pgdata:/var/lib/postgresql/data" in services()["postgres"]["volumes"]
    assert "pgdata" in compose()["volumes"]


def test_webhook_port_matches_and_is_not_published_to_the_world() -> None:
    """The webhook listens on the port it exposes; published ports bind to 127.0.0.1 only, and
    the ops port (9090) is never published."""
    bot_service = services()["bot"]
    args = [interpolate(str(part)) for part in bot_service["command"]]
    assert args[args.index("--port") + 1] == WEBHOOK_PORT
    assert WEBHOOK_PORT in [str(port) for port in bot_service["expose"]]
    for name, service in services().items():
        for published in service.get("ports", []):
            assert str(published).startswith("127.0.0.1:"), f"{name}: {published}"
            assert ":9090" not in str(published)


def test_no_secret_is_written_in_the_compose_file() -> None:
    """Tokens, peppers, secrets and passwords appear only as ${VARIABLE} references."""
    for name, service in services().items():
        environment = service.get("environment") or {}
        assert isinstance(environment, dict), f"{name}: use a mapping for environment"
        secrets = {
            k: str(v) for k, v in environment.items() if any(w in k.upper() for w in SECRET_WORDS)
        }
        inline = [key for key, text in secrets.items() if not INTERPOLATION.fullmatch(text)]
        assert inline == [], f"{name}: written inline"
        passwords = {
            key: found["password"]
            for key, value in environment.items()
            if (found := re.search(r"://[^:/@\s]+:(?P<password>[^@\s]+)@", str(value)))
        }
        inline = [
            key for key, password in passwords.items() if not INTERPOLATION.fullmatch(password)
        ]
        assert inline == [], f"{name}: password written inline in a URL"
    raw = COMPOSE.read_text(encoding="utf-8")
    assert not re.search(r"\d{5,}:[A-Za-z0-9_-]{30,}", raw), "a bot token in docker-compose.yml"


def test_every_variable_is_documented_in_env_example() -> None:
    """Each variable the deployment reads appears in .env.example (set or commented out)."""
    documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", ENV_EXAMPLE.read_text(), re.M))
    wanted = {
        name
        for name in variables_used()
        if name.startswith("SAMENSPRAAK_") or name.startswith("POSTGRES_")
    } | {"COMPOSE_PROFILES"}
    assert sorted(wanted - documented) == []


def test_every_samenspraak_variable_is_a_setting() -> None:
    """SAMENSPRAAK_* variables given to the bot are settings it reads (no silent typos)."""
    fields = {f"SAMENSPRAAK_{name.upper()}" for name in Settings.model_fields}
    given = {name for name in variables_used() if name.startswith("SAMENSPRAAK_")}
    assert sorted(given - fields - COMPOSE_ONLY) == []


# --- Dockerfile and .dockerignore --------------------------------------------------------------


def test_dockerfile_builds_a_slim_non_root_image_without_dev_extras() -> None:
    """python:3.11-slim, runtime dependencies and the built wheel (not an editable checkout),
    a numeric non-root USER, `samenspraak run`."""
    instructions = dockerfile_instructions()
    stages = [args for instruction, args in instructions if instruction == "FROM"]
    assert stages == ["python:3.11-slim AS wheel", "python:3.11-slim"]
    users = [args for instruction, args in instructions if instruction == "USER"]
    assert users, "no USER: the bot would run as root"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0") and user.isdigit()
    runs = " ".join(args for instruction, args in instructions if instruction == "RUN")
    assert "pip install" in runs
    assert "[dev]" not in runs and "dev]" not in runs and "requirements-dev" not in runs
    assert "pip wheel --no-deps" in runs
    assert "pip install --no-deps /tmp/wheels/*.whl" in runs
    assert " -e " not in runs
    assert ("COPY", "--from=wheel /wheels /tmp/wheels") in instructions
    assert ("CMD", '["samenspraak", "run"]') in instructions
    exposed = {port for i, args in instructions if i == "EXPOSE" for port in args.split()}
    assert {WEBHOOK_PORT, "9090"} <= exposed


def test_the_image_fills_the_start_up_caches_as_the_bot_user() -> None:
    """The caches of compiled crisis patterns and parsed catalogs live in the runtime user's
    home: filled after USER, a new container's first start does not compile them."""
    instructions = dockerfile_instructions()
    last_user = max(i for i, (instruction, _) in enumerate(instructions) if instruction == "USER")
    warm = [
        i
        for i, (instruction, args) in enumerate(instructions)
        if instruction == "RUN" and "load_lexicon()" in args and "translator(" in args
    ]
    assert warm and warm[0] > last_user


def test_build_context_has_what_the_image_copies_and_no_secrets() -> None:
    """Every COPY source exists and is not ignored; .env and local data never enter the image."""
    ignored = [
        line.strip().rstrip("/")
        for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#") and not line.startswith("!")
    ]
    sources = [
        part
        for instruction, args in dockerfile_instructions()
        if instruction == "COPY" and not args.startswith("--from=")
        for part in args.split()[:-1]
        if not part.startswith("--")
    ]
    assert {"bot", "storage", "tgstub", "flows", "locales", "pyproject.toml"} <= set(sources)
    for source in sources:
        assert (ROOT / source).exists(), f"COPY {source}: not in the repository"
        assert source not in ignored, f"COPY {source}: excluded by .dockerignore"
    assert {".env", "data", ".git", ".venv", "tests"} <= set(ignored)
