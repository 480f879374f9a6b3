"""Campaign response counts a coordinator sees: coarse and released in steps of k (issue 15,
item 6).

The attack: a coordinator looks at a campaign's counts, waits until one more person answered
and looks again; a change dates that person's arrival (and, with the summary, their answers).
Here one more person answers and the view stays byte for byte the same, in the service, in
``samenspraak campagne list`` and in ``samenspraak werkgroep show``.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from typer.testing import CliRunner

from bot.admin import service
from bot.admin.counts import Counts, gated, release
from bot.cli import app
from bot.engine import Catalog
from storage.db import make_engine, make_sessionmaker, upgrade_async
from storage.models import Participant

Sessions = async_sessionmaker[AsyncSession]


def test_release_moves_only_after_k() -> None:
    """A release stays until started or finished moved by k; a change of k opens nothing."""
    first = release(Counts(19, 4), None, 10)
    assert first == {"v": 1, "participants": 19, "completed": 4, "k": 10}
    assert release(Counts(20, 5), first, 10) is None
    assert release(Counts(28, 13), first, 10) is None
    assert release(Counts(29, 4), first, 10) == {
        "v": 1,
        "participants": 29,
        "completed": 4,
        "k": 10,
    }
    assert release(Counts(19, 14), first, 10) is not None  # ten more finished
    assert release(Counts(28, 4), first, 5) is None  # the larger k of the two holds
    assert gated(first, 10).participants == 10 and gated(first, 10).completed == 0


async def _add(sessions: Sessions, campaign_id: str, people: int, completed: int) -> None:
    async with sessions.begin() as session:
        for index in range(people):
            session.add(
                Participant(campaign_id=campaign_id, pseudonym=None, completed=index < completed)
            )


async def _look(sessions: Sessions, werkgroep_id: str) -> list[tuple[int, int]]:
    async with sessions.begin() as session:
        shown = await service.list_campaigns(session, werkgroep_id, actor="cli:t", k=10)
    return [(c.participants, c.completed) for c in shown]


async def test_one_more_respondent_changes_no_count(
    sessions: Sessions, mini_catalog: Catalog
) -> None:
    """4 started, 3 finished, then a fifth: the same view; 19 then 20: the same view."""
    async with sessions.begin() as session:
        made = await service.create_werkgroep(session, mini_catalog, "V", "proef", actor="cli")
        small = await service.create_campaign(
            session, mini_catalog, made.id, "jongeren", "stap-2", actor="cli", label="A"
        )
        large = await service.create_campaign(
            session, mini_catalog, made.id, "jongeren", "stap-2", actor="cli", label="B"
        )
    await _add(sessions, small.id, 4, 3)
    await _add(sessions, large.id, 19, 19)
    before = await _look(sessions, made.id)
    assert before == [(0, 0), (10, 10)]  # "minder dan 10", and 19 as "10 of meer"
    await _add(sessions, small.id, 1, 1)
    await _add(sessions, large.id, 1, 1)  # 20: a raw count or a rounding alone would change
    assert await _look(sessions, made.id) == before
    await _add(sessions, large.id, 8, 8)  # 28: still fewer than k since the release
    assert await _look(sessions, made.id) == before
    await _add(sessions, large.id, 1, 1)  # 29: k more than released
    assert await _look(sessions, made.id) == [(0, 0), (20, 20)]


def _cli(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


async def test_cli_list_and_show_do_not_change_after_one_more_respondent(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, flows_dir: Path, mini_catalog: Catalog
) -> None:
    """`campagne list` and `werkgroep show` print the same counts after one more answer."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SAMENSPRAAK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SAMENSPRAAK_FLOWS_DIR", str(flows_dir))
    for name in ("DATABASE_URL", "MIN_GROUP_SIZE", "TELEGRAM_TOKEN"):
        monkeypatch.delenv(f"SAMENSPRAAK_{name}", raising=False)
    url = f"sqlite+aiosqlite:///{tmp_path / 'data' / 'samenspraak.db'}"
    (tmp_path / "data").mkdir()
    await upgrade_async(url)
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    try:
        async with sessions.begin() as session:
            made = await service.create_werkgroep(session, mini_catalog, "V", "proef", actor="t")
            campaign = await service.create_campaign(
                session, mini_catalog, made.id, "jongeren", "stap-2", actor="t"
            )
        await _add(sessions, campaign.id, 19, 4)

        async def views() -> tuple[str, str]:
            listing = await asyncio.to_thread(_cli, "campagne", "list", "--werkgroep", made.id)
            shown = await asyncio.to_thread(_cli, "werkgroep", "show", made.id)
            return listing, shown.split("Campagnes")[1]

        before = await views()
        assert "deelnemers: 10 of meer, afgerond: minder dan 10" in before[0]
        assert "deelnemers: 10 of meer, afgerond: minder dan 10" in before[1]
        await _add(sessions, campaign.id, 1, 1)
        assert await views() == before
    finally:
        await engine.dispose()
