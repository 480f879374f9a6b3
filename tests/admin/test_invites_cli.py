"""Invite options on the command line, and the upgrade of old invites (issue 15, item 12)."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text

from storage import invites, repo
from storage.db import make_engine, make_sessionmaker, upgrade
from storage.invites import Refused
from storage.models import AuditEntry, Invite, Member, utcnow
from tests.admin.test_admin_cli import invoke, ok


def test_cli_invite_options_and_os_user_in_the_audit(
    cli_env: Path, cli_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`werkgroep invite --uses 3 --geldig 2` stores 3 uses, 2 days; the audit names the user."""
    monkeypatch.setenv("USER", "beheerder-anna")
    monkeypatch.setenv("LOGNAME", "beheerder-anna")
    out = ok("werkgroep", "create", "--naam", "Velsen", "--plan", "proef", "--json")
    werkgroep_id = json.loads(out)["id"]
    ok("werkgroep", "invite", werkgroep_id, "--rol", "lid", "--uses", "3", "--geldig", "2")
    assert invoke("werkgroep", "invite", werkgroep_id, "--uses", "0").exit_code == 1

    async def check() -> None:
        engine = make_engine(cli_database_url)
        try:
            async with make_sessionmaker(engine)() as session:
                newest = await session.scalar(
                    select(Invite).order_by(Invite.created_at.desc()).limit(1)
                )
                assert newest is not None and newest.uses_left == 3
                expires = newest.expires_at.replace(tzinfo=None)
                created = newest.created_at.replace(tzinfo=None)
                assert timedelta(days=1, hours=23) < expires - created <= timedelta(days=2)
                actors = set(await session.scalars(select(AuditEntry.actor)))
                assert "cli:beheerder-anna" in actors
        finally:
            await engine.dispose()

    asyncio.run(check())


def test_migration_0003_keeps_data_and_limits_old_invites(tmp_path: Path) -> None:
    """A database at 0002 with a werkgroep, invite and an answer upgrades with all of it kept;
    old invites work once more; chat sessions lose their member id column."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0002")

    async def seed() -> None:
        engine = make_engine(url)
        try:
            async with engine.begin() as connection:
                now = utcnow().isoformat()
                await connection.execute(
                    text(
                        "INSERT INTO werkgroepen (id, naam, template_id, created_at) "
                        "VALUES ('w1', 'Oud', 'proef', :now)"
                    ),
                    {"now": now},
                )
                await connection.execute(
                    text(
                        "INSERT INTO invites (id, werkgroep_id, role, token_hash, created_at) "
                        "VALUES ('i1', 'w1', 'coordinator', :hash, :now)"
                    ),
                    {"hash": repo.hash_token("oude-link"), "now": now},
                )
                await connection.execute(
                    text(
                        "INSERT INTO campaigns (id, werkgroep_id, audience, step_key, flow_id, "
                        "token_hash, round, created_at) VALUES ('c1', 'w1', 'jongeren', "
                        "'stap-2', 'proef.stap-2.jongeren', 'h', 1, :now)"
                    ),
                    {"now": now},
                )
                await connection.execute(
                    text(
                        "INSERT INTO participants (id, campaign_id, pseudonym, created_on, "
                        "completed) VALUES ('p1', 'c1', :p, '2026-12-01', 1)"
                    ),
                    {"p": "a" * 64},
                )
                await connection.execute(
                    text(
                        "INSERT INTO answers (id, campaign_id, participant_id, question_id, "
                        "value_text, crisis, answered_on) VALUES ('a1', 'c1', 'p1', 'q', "
                        "'meer licht in het park', 0, '2026-12-01')"
                    )
                )
        finally:
            await engine.dispose()

    asyncio.run(seed())
    upgrade(url)

    async def check() -> None:
        engine = make_engine(url)
        try:
            async with make_sessionmaker(engine).begin() as session:
                invite = await session.get(Invite, "i1")
                assert invite is not None and invite.uses_left == 1
                assert invite.werkgroep_id == "w1" and invite.role == "coordinator"
                first = await invites.redeem(session, "oude-link", 1)
                assert isinstance(first, Member)
                assert await invites.redeem(session, "oude-link", 2) is Refused.USED_UP
                kept = await session.execute(text("SELECT value_text FROM answers"))
                assert kept.scalars().all() == ["meer licht in het park"]
                cut = await session.execute(text("SELECT id, pseudonym FROM participants"))
                assert cut.all() == [("p1", None)]  # the unscoped pseudonym joined steps
                columns = await session.execute(text("PRAGMA table_info(chat_sessions)"))
                names = {row[1] for row in columns.all()}
                assert "member_ref" in names and "member_id" not in names
                assert await invites.redeem(
                    session, "oude-link", 3, now=utcnow() + timedelta(days=15)
                ) in (Refused.EXPIRED, Refused.USED_UP)
        finally:
            await engine.dispose()

    asyncio.run(check())


def test_cli_reads_are_audited_with_the_os_user(
    cli_env: Path, cli_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`campagne list` and `werkgroep show` show counts: each run is audited as cli:<user>."""
    monkeypatch.setenv("USER", "beheerder-bo")
    monkeypatch.setenv("LOGNAME", "beheerder-bo")
    werkgroep_id = json.loads(
        ok("werkgroep", "create", "--naam", "V", "--plan", "proef", "--json")
    )["id"]
    ok("campagne", "list", "--werkgroep", werkgroep_id)
    ok("werkgroep", "show", werkgroep_id)

    async def check() -> None:
        engine = make_engine(cli_database_url)
        try:
            async with make_sessionmaker(engine)() as session:
                rows = (await session.execute(select(AuditEntry.action, AuditEntry.actor))).all()
        finally:
            await engine.dispose()
        assert ("campaigns.read", "cli:beheerder-bo") in rows
        assert ("werkgroep.read", "cli:beheerder-bo") in rows

    asyncio.run(check())
