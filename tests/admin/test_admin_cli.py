"""`samenspraak werkgroep` and `samenspraak campagne`, end to end through the command line."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import segno
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession
from typer.testing import CliRunner, Result

from bot.cli import app
from storage import repo
from storage.db import make_engine, make_sessionmaker, upgrade
from storage.models import Campaign, ConversationRow, Participant, today

BOT = "SamenspraakTestBot"


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, flows_dir: Path) -> Path:
    """Point the CLI at a data dir, the small test flows and a bot username."""
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setenv("SAMENSPRAAK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SAMENSPRAAK_FLOWS_DIR", str(flows_dir))
    monkeypatch.setenv("SAMENSPRAAK_BOT_USERNAME", BOT)
    monkeypatch.delenv("SAMENSPRAAK_DATABASE_URL", raising=False)
    monkeypatch.delenv("SAMENSPRAAK_TELEGRAM_TOKEN", raising=False)
    return tmp_path


def invoke(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def ok(*args: str) -> str:
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    return result.stdout


def in_db(url: str, work: Callable[[AsyncSession], Any]) -> Any:
    async def run() -> Any:
        engine = make_engine(url)
        try:
            async with make_sessionmaker(engine).begin() as session:
                return await work(session)
        finally:
            await engine.dispose()

    return asyncio.run(run())


@pytest.fixture(params=["sqlite", "postgresql"])
def cli_database_url(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> str:
    """SQLite is left empty (the CLI migrates it itself); PostgreSQL is reset and migrated.

    A plain fixture on purpose: the tests call the CLI, which runs its own event loops.
    """
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    else:
        url = os.environ.get("SAMENSPRAAK_TEST_DATABASE_URL", "")
        if not url:
            pytest.skip("SAMENSPRAAK_TEST_DATABASE_URL is not set (PostgreSQL tests run in CI)")
        in_db(url, _drop_everything)
        upgrade(url)
    monkeypatch.setenv("SAMENSPRAAK_DATABASE_URL", url)
    return url


async def _drop_everything(session: AsyncSession) -> None:
    await session.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
    await session.execute(text("CREATE SCHEMA public"))


def test_werkgroep_and_campaign_lifecycle(
    cli_env: Path, cli_database_url: str, qr_matrix: Callable[[bytes, int], list[list[int]]]
) -> None:
    """Create, list, show, open a campaign with QR, close it (links cut), revoke an invite."""

    created = json.loads(
        ok("werkgroep", "create", "--naam", "Armoede Velsen", "--plan", "proef", "--json")
    )
    werkgroep_id = created["id"]
    assert created["coordinator_link"] == f"https://t.me/{BOT}?start={created['coordinator_token']}"
    assert created["member_link"] == f"https://t.me/{BOT}?start={created['member_token']}"

    assert werkgroep_id in ok("werkgroep", "list") and "Armoede Velsen" in ok("werkgroep", "list")
    [listed] = json.loads(ok("werkgroep", "list", "--json"))
    assert (listed["id"], listed["plan"], listed["members"]) == (werkgroep_id, "proef", 0)

    shown = ok("werkgroep", "show", werkgroep_id)
    assert "plan: proef — Proef-stappenplan" in shown and "Leden (0):" in shown
    assert "campagne mogelijk voor: jongeren" in shown and "Campagnes (0):" in shown

    qr_file = cli_env / "poster.png"
    closes = (today() + timedelta(days=30)).isoformat()
    campaign = json.loads(
        ok("campagne", "create", "--werkgroep", werkgroep_id, "--doelgroep", "jongeren",
           "--stap", "stap-2", "--label", "OBS De Regenboog", "--sluit-op", closes,
           "--qr", str(qr_file), "--json")
    )  # fmt: skip
    assert campaign["link"] == f"https://t.me/{BOT}?start={campaign['token']}"
    # The QR code opens the browser link (issue 16): it works without Telegram and under 16.
    assert campaign["web_link"] == f"http://127.0.0.1:8081/j/{campaign['token']}"
    assert (campaign["flow_id"], campaign["sluit_op"], campaign["round"]) == (
        "proef.stap-2.jongeren",
        closes,
        1,
    )
    expected = segno.make(campaign["web_link"], error="m", micro=False).matrix
    assert qr_matrix(qr_file.read_bytes(), len(expected)) == [list(row) for row in expected]

    async def answer(session: AsyncSession) -> None:
        found = await repo.find_campaign(session, campaign["token"])
        assert found is not None
        participant = await repo.participant_for(session, found.id, "f" * 64)
        assert participant is not None
        session.add(ConversationRow(flow_id=found.flow_id, flow_digest="d", state="vaak",
                                    data={}, participant_id=participant.id))  # fmt: skip

    in_db(cli_database_url, answer)
    listing = ok("campagne", "list", "--werkgroep", werkgroep_id)
    assert campaign["id"] in listing and '"OBS De Regenboog"' in listing
    assert "deelnemers: minder dan 10, afgerond: minder dan 10" in listing
    assert f"open tot {closes}" in listing

    closed = ok("campagne", "close", campaign["id"])
    assert "is gesloten" in closed and "voorgoed verbroken" in closed

    async def after_close(session: AsyncSession) -> tuple[Any, ...]:
        pseudonyms = (await session.scalars(select(Participant.pseudonym))).all()
        conversations = (await session.scalars(select(ConversationRow.id))).all()
        row = await session.get(Campaign, campaign["id"])
        assert row is not None
        return pseudonyms, conversations, row.closed_at, row.links_cut_at

    pseudonyms, conversations, closed_at, links_cut_at = in_db(cli_database_url, after_close)
    assert pseudonyms == [None] and conversations == []
    assert closed_at is not None and links_cut_at is not None
    assert "gesloten" in ok("werkgroep", "show", werkgroep_id)

    revoked = ok("werkgroep", "revoke-invite", werkgroep_id, "--rol", "lid")
    assert "werken niet meer" in revoked
    new_link = next(line.split()[-1] for line in revoked.splitlines() if "link:" in line)
    new_token = new_link.split("start=", 1)[1]

    async def invites(session: AsyncSession) -> tuple[Any, Any]:
        return (
            await repo.find_invite(session, created["member_token"]),
            await repo.find_invite(session, new_token),
        )

    old, new = in_db(cli_database_url, invites)
    assert old is not None and old.revoked_at is not None
    assert new is not None and new.revoked_at is None and new.role == "member"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["werkgroep", "create", "--naam", "W", "--plan", "nope"], "Fout: Onbekend plan 'nope'"),
        (["werkgroep", "show", "nope"], "Fout: Geen werkgroep met id nope."),
        (["werkgroep", "revoke-invite", "{id}", "--rol", "baas"], "Fout: Rol moet lid of"),
        (["campagne", "list", "--werkgroep", "nope"], "Fout: Geen werkgroep met id nope."),
        (["campagne", "close", "nope"], "Fout: Geen campagne met id nope."),
        (["campagne", "create", "--werkgroep", "{id}", "--doelgroep", "jongeren", "--stap", "1"],
         "Fout: Stap stap-1 van proef heeft geen vragen voor jongeren."),
        (["campagne", "create", "--werkgroep", "{id}", "--doelgroep", "ouders", "--stap", "stap-2"],
         "Fout: Stap stap-2 van proef heeft geen vragen voor ouders; wel voor: jongeren."),
        (["campagne", "create", "--werkgroep", "{id}", "--doelgroep", "jongeren", "--stap", "9"],
         "Fout: Onbekende stap '9' in plan proef"),
        (["campagne", "create", "--werkgroep", "nope", "--doelgroep", "jongeren", "--stap", "2"],
         "Fout: Geen werkgroep met id nope."),
        (["campagne", "create", "--werkgroep", "{id}", "--doelgroep", "jongeren", "--stap", "2",
          "--sluit-op", "2020-01-31"], "Fout: De sluitdatum 2020-01-31 ligt in het verleden."),
        (["campagne", "create", "--werkgroep", "{id}", "--doelgroep", "jongeren", "--stap", "2",
          "--sluit-op", "31-01-2030"], "Fout: --sluit-op '31-01-2030' is geen datum"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_and_exit_code_1(
    cli_env: Path, args: list[str], message: str
) -> None:
    """Mistakes end in one 'Fout:' line on stderr and exit code 1, without a traceback."""
    werkgroep_id = json.loads(
        ok("werkgroep", "create", "--naam", "W", "--plan", "proef", "--json")
    )["id"]
    result = invoke(*(arg.replace("{id}", werkgroep_id) for arg in args))
    assert result.exit_code == 1
    assert result.stderr.startswith(message) and len(result.stderr.splitlines()) == 1
    assert "Traceback" not in result.output
    assert "campagne" not in args or "Campagne geopend" not in result.stdout


def test_without_username_links_give_a_hint_and_a_web_qr(
    cli_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a bot username the Telegram links are a hint; the QR code (of the web link)
    is still made."""
    monkeypatch.delenv("SAMENSPRAAK_BOT_USERNAME")
    out = ok("werkgroep", "create", "--naam", "W", "--plan", "proef")
    assert "link:  (zet SAMENSPRAAK_BOT_USERNAME)" in out and "token: " in out
    werkgroep_id = next(line.split()[1] for line in out.splitlines() if line.startswith("id: "))
    result = invoke("campagne", "create", "--werkgroep", werkgroep_id, "--doelgroep", "jongeren",
                    "--stap", "2", "--qr", str(cli_env / "x.png"))  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "link:  (zet SAMENSPRAAK_BOT_USERNAME)" in result.stdout
    assert "web:   http://127.0.0.1:8081/j/" in result.stdout
    assert (cli_env / "x.png").read_bytes().startswith(b"\x89PNG")
