"""Invites that a forwarded message or a removed person cannot abuse (issue 15, item 12)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.admin import InvalidRequest, service
from bot.engine import Catalog
from storage import invites
from storage.invites import Refused
from storage.models import Member, utcnow

STRANGER = 777
COORDINATOR = 101


async def _werkgroep(session: AsyncSession, catalog: Catalog) -> service.NewWerkgroep:
    return await service.create_werkgroep(session, catalog, "Velsen", "proef", actor="cli:test")


async def test_a_forwarded_coordinator_link_is_refused(
    sessions: async_sessionmaker[AsyncSession], mini_catalog: Catalog
) -> None:
    """The first person becomes coordinator; the same link forwarded to a stranger does not."""
    async with sessions.begin() as session:
        made = await _werkgroep(session, mini_catalog)
    async with sessions.begin() as session:
        first = await invites.redeem(session, made.coordinator.token, COORDINATOR)
        assert isinstance(first, Member) and first.role == "coordinator"
    async with sessions.begin() as session:
        again = await invites.redeem(session, made.coordinator.token, COORDINATOR)
        assert isinstance(again, Member)  # re-opening one's own link is fine
        assert await invites.redeem(session, made.coordinator.token, STRANGER) is Refused.USED_UP
    async with sessions() as session:
        members = (await session.scalars(select(Member.telegram_user_id))).all()
    assert members == [COORDINATOR]


async def test_invites_expire_after_14_days(
    sessions: async_sessionmaker[AsyncSession], mini_catalog: Catalog
) -> None:
    """An unused invite works on day 13 and is refused on day 15."""
    async with sessions.begin() as session:
        made = await _werkgroep(session, mini_catalog)
    async with sessions.begin() as session:
        later = utcnow() + timedelta(days=15)
        assert await invites.redeem(session, made.member.token, STRANGER, now=later) is (
            Refused.EXPIRED
        )
        soon = utcnow() + timedelta(days=13)
        assert isinstance(
            await invites.redeem(session, made.member.token, STRANGER, now=soon), Member
        )


async def test_uses_allows_more_people_and_no_more(
    sessions: async_sessionmaker[AsyncSession], mini_catalog: Catalog
) -> None:
    """An invite for 2 uses lets two people in; the third is refused."""
    async with sessions.begin() as session:
        made = await _werkgroep(session, mini_catalog)
        link = await service.new_member_invite(
            session, made.id, "lid", actor="cli:test", uses=2, valid_days=3
        )
    assert link.uses == 2 and link.expires_at is not None
    async with sessions.begin() as session:
        assert isinstance(await invites.redeem(session, link.token, 1), Member)
        assert isinstance(await invites.redeem(session, link.token, 2), Member)
        assert await invites.redeem(session, link.token, 3) is Refused.USED_UP


async def test_a_removed_member_cannot_rejoin_with_any_old_link(
    sessions: async_sessionmaker[AsyncSession], mini_catalog: Catalog
) -> None:
    """Removed: every invite made before the removal is refused; a newer one lets them in."""
    async with sessions.begin() as session:
        made = await _werkgroep(session, mini_catalog)
        spare = await service.new_member_invite(session, made.id, "lid", actor="t", uses=10)
        coordinator = await service.new_member_invite(
            session, made.id, "coordinator", actor="t", uses=10
        )
    async with sessions.begin() as session:
        await invites.redeem(session, made.coordinator.token, COORDINATOR)
        joined = await invites.redeem(session, spare.token, STRANGER)
        assert isinstance(joined, Member)
        await service.remove_member(session, made.id, joined.id, actor="t")
    async with sessions.begin() as session:
        for old in (spare.token, coordinator.token, made.member.token):
            assert await invites.redeem(session, old, STRANGER) is Refused.REMOVED
        member = await session.scalar(select(Member).where(Member.telegram_user_id == STRANGER))
        assert member is not None and member.removed_at is not None
    await asyncio.sleep(0.01)  # the new invite must be made after the removal
    async with sessions.begin() as session:
        fresh = await service.new_member_invite(session, made.id, "lid", actor="t")
    async with sessions.begin() as session:
        back = await invites.redeem(session, fresh.token, STRANGER)
        assert isinstance(back, Member) and back.removed_at is None


async def test_limits_are_checked(
    sessions: async_sessionmaker[AsyncSession], mini_catalog: Catalog
) -> None:
    """Zero uses or zero days is refused before anything is written."""
    async with sessions.begin() as session:
        made = await _werkgroep(session, mini_catalog)
        with pytest.raises(InvalidRequest):
            await service.new_member_invite(session, made.id, "lid", actor="t", uses=0)
        with pytest.raises(InvalidRequest):
            await service.new_member_invite(session, made.id, "lid", actor="t", valid_days=0)


def test_admin_service_and_retention_leave_sql_to_storage() -> None:
    """bot/admin and bot/privacy/retention.py import no SQLAlchemy (SQL lives in storage/)."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    files = [*sorted((root / "bot" / "admin").glob("*.py")), root / "bot/privacy/retention.py"]
    offenders = [p.name for p in files if "sqlalchemy" in p.read_text(encoding="utf-8")]
    assert offenders == []
