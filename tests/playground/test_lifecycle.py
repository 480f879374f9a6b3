"""Starting, restarting and seeding the playground, and the command line that starts it."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from bot.admin import service
from bot.errors import ConfigError
from bot.playground.demo import DEMO_FILE, SAMPLE_RESPONDENTS
from bot.playground.server import Playground, run_playground
from storage.models import Campaign, Participant, Werkgroep
from tests.playground.conftest import PageUser, labels, text_of


async def count(playground: Playground, statement: Any) -> int:
    async with playground.runtime.sessions() as session:
        return int(await session.scalar(statement) or 0)


async def test_restart_keeps_the_demo_and_answers_at_once(tmp_path: Path) -> None:
    """A second start reuses the demo werkgroep and its links, and the bot answers the first
    message of the new run (the update ids of the old run are forgotten)."""
    data = tmp_path / "playground"
    async with run_playground(data, port=0) as first:
        demo = first.demo
    async with run_playground(data, port=0) as second:
        assert second.demo == demo
        assert await count(second, select(func.count()).select_from(Werkgroep)) == 1
        async with aiohttp.ClientSession() as http:
            user = PageUser(http, second.url, "Jongere")
            await user.send(f"/start {demo.jongeren}")
            notice = await user.wait_for(lambda m: "Ik doe mee" in labels(m))
        assert "anoniem" in text_of(notice)
    saved = json.loads((data / DEMO_FILE).read_text(encoding="utf-8"))
    assert saved["werkgroep_id"] == demo.werkgroep_id
    assert (data / DEMO_FILE).stat().st_mode & 0o077 == 0


async def test_a_closed_demo_campaign_is_replaced_on_restart(tmp_path: Path) -> None:
    """When the jongeren round was closed from the chat, the next start opens a fresh one in the
    same werkgroep and keeps the other links."""
    data = tmp_path / "playground"
    async with run_playground(data, port=0) as first:
        demo = first.demo
        async with first.runtime.sessions.begin() as session:
            closed = await session.scalar(
                select(Campaign).where(
                    Campaign.werkgroep_id == demo.werkgroep_id, Campaign.audience == "jongeren"
                )
            )
            assert closed is not None
            await service.close_campaign(session, closed.id, actor="test")
    async with run_playground(data, port=0) as second:
        assert second.demo.werkgroep_id == demo.werkgroep_id
        assert second.demo.jongeren != demo.jongeren
        assert second.demo.ouders == demo.ouders
        assert second.demo.coordinator == demo.coordinator


async def test_new_demo_has_sample_answers_above_the_minimum_group(tmp_path: Path) -> None:
    """A fresh demo werkgroep holds completed sample participants for both audiences, enough for
    the summary to show figures; none of them is linked to a chat user."""
    async with run_playground(tmp_path / "playground", port=0) as playground:
        minimum = playground.runtime.settings.min_group_size
        for audience, expected in SAMPLE_RESPONDENTS.items():
            statement = (
                select(func.count())
                .select_from(Participant)
                .join(Campaign, Campaign.id == Participant.campaign_id)
                .where(Campaign.audience == audience, Participant.completed.is_(True))
            )
            assert await count(playground, statement) == expected >= minimum
        linked = (
            select(func.count()).select_from(Participant).where(Participant.pseudonym.is_not(None))
        )
        assert await count(playground, linked) == 0


async def test_without_sample_answers_the_demo_starts_empty(tmp_path: Path) -> None:
    """--no-sample-answers makes a demo werkgroep without any participants."""
    async with run_playground(tmp_path / "p", port=0, sample_answers=False) as playground:
        assert await count(playground, select(func.count()).select_from(Participant)) == 0


# --- command line -------------------------------------------------------------------------------


@pytest.fixture
def no_token(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No token in the environment, and no .env file to find one in."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SAMENSPRAAK_TELEGRAM_TOKEN", raising=False)


def test_run_without_token_starts_the_playground(
    no_token: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`samenspraak run` without a token says so in Dutch and starts the playground on 8080."""
    from bot.cli import app
    from bot.cli import playground as command

    started: list[dict[str, Any]] = []
    monkeypatch.setattr(command, "start_playground", lambda **kwargs: started.append(kwargs))
    result = CliRunner().invoke(app, ["run"])
    assert result.exit_code == 0, result.output
    assert "Geen Telegram-token ingesteld: de speeltuin start op http://127.0.0.1:8080" in (
        result.output
    )
    assert "SAMENSPRAAK_TELEGRAM_TOKEN" in result.output
    assert started == [{"host": "127.0.0.1", "port": 8080}]


def test_playground_command_passes_its_options(
    no_token: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """`samenspraak playground --port --host --data-dir --no-sample-answers` reaches the server."""
    from bot.cli import app
    from bot.cli import playground as command

    started: list[dict[str, Any]] = []
    monkeypatch.setattr(command, "start_playground", lambda **kwargs: started.append(kwargs))
    result = CliRunner().invoke(
        app,
        [
            "playground",
            "--port",
            "9123",
            "--host",
            "0.0.0.0",
            "--data-dir",
            str(tmp_path / "d"),
            "--no-sample-answers",
        ],
    )
    assert result.exit_code == 0, result.output
    assert started == [
        {"host": "0.0.0.0", "port": 9123, "data_dir": tmp_path / "d", "sample_answers": False}
    ]


def test_taken_port_is_one_clear_error(no_token: None, tmp_path: Path) -> None:
    """A port already in use ends in a configuration error that names another port to try."""
    from bot.cli.playground import start_playground

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(ConfigError, match=f"poort {port} .* al in gebruik"):
            start_playground(port=port, data_dir=tmp_path / "d")
