"""The outbox: replies stored with the answer, delivered after the commit, deleted once sent.

Core statements (no unit of work): ``enqueue`` runs inside the answer's transaction on every
update. Ordering is by ``id`` (sequential), which is the commit order of one chat's updates
because updates of one user are handled one after the other.

Taking over rows (``take_over``) is what makes one sender own a chat at a time: on PostgreSQL a
transaction-scoped advisory lock lets only one replica take over at once, and it takes *all*
rows whose hold ran out (``FOR UPDATE SKIP LOCKED`` skips rows another transaction is writing),
giving each a new hold while it delivers them in order. The rows of one chat therefore never go
to two senders: fresh rows are held by the process that wrote them, stale ones by the one that
took them over. SQLite serialises writers itself (``BEGIN IMMEDIATE``) and is one process.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, delete, func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage import fast
from storage.models import OutboxEntry

TABLE: Table = OutboxEntry.__table__  # type: ignore[assignment]
# Any constant will do; it only has to differ from other advisory locks of the database.
TAKE_OVER_LOCK = 0x5A4D_0B0C

ENQUEUE = insert(TABLE).returning(TABLE.c.id)
# Built once: a delete runs after every delivered update (one row per id, all in one call).
SENT = delete(TABLE).where(TABLE.c.id == bindparam("b_id"))
TRY_LOCK = text("SELECT pg_try_advisory_xact_lock(:key)")


@dataclass(frozen=True)
class Pending:
    id: int
    chat: bytes
    body: list[Any]


async def enqueue(session: AsyncSession, chat: bytes, body: list[Any], held_until: datetime) -> int:
    """Store the replies of the update being handled (in its transaction); returns the row id."""
    result = await fast.execute(
        session, ENQUEUE, {"chat": chat, "body": body, "held_until": held_until}
    )
    return int(result.scalar_one())


async def sent(session: AsyncSession, ids: Sequence[int]) -> None:
    await fast.execute(session, SENT, [{"b_id": id_} for id_ in ids])  # none: no statement


async def take_over(
    session: AsyncSession, now: datetime, held_until: datetime, limit: int = 500
) -> list[Pending]:
    """Rows whose hold ran out (their writer crashed or failed to send), oldest first; they are
    held until ``held_until`` for the caller. Empty when another replica is taking over now."""
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres and not await session.scalar(TRY_LOCK, {"key": TAKE_OVER_LOCK}):
        return []
    statement = (
        select(TABLE.c.id, TABLE.c.chat, TABLE.c.body)
        .where(TABLE.c.held_until <= now)
        .order_by(TABLE.c.id)
        .limit(limit)
    )
    if postgres:
        statement = statement.with_for_update(skip_locked=True)
    rows = [
        Pending(int(r.id), bytes(r.chat), list(r.body)) for r in await session.execute(statement)
    ]
    if rows:
        await session.execute(
            update(TABLE)
            .where(TABLE.c.id.in_([row.id for row in rows]))
            .values(held_until=held_until)
        )
    return rows


async def count(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(TABLE)) or 0)
