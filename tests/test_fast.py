"""storage.fast: the hot path's statements straight to the SQLite driver, with the same results,
types, errors and transaction as ``session.execute`` (and through it on PostgreSQL)."""

from __future__ import annotations

import gc
import weakref
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import Table, bindparam, event, insert, select, update
from sqlalchemy.dialects import sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage import chat_sessions, conversations, fast, outbox, repo
from storage.models import ChatSession, ConversationRow, Participant, utcnow
from tests import sql_trace
from tests.conftest import new_participant

CHATS: Table = ChatSession.__table__  # type: ignore[assignment]
SUBJECT = "f" * 64


async def test_types_go_in_and_come_back_as_python_values(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """JSON, dates and booleans are written and read as SQLAlchemy would (its processors)."""
    async with sessions.begin() as session:
        await fast.execute(
            session,
            insert(CHATS).values(subject=bindparam("s"), updated_on=bindparam("d")),
            {"s": SUBJECT, "d": date(2026, 1, 2)},
        )
        await fast.execute(
            session,
            chat_sessions.SAVE,
            {"context": {"a": [1, "é"]}, "b_subject": SUBJECT, "updated_on": date(2026, 1, 3)},
        )
        row = (await fast.execute(session, chat_sessions.LOAD, {"subject": SUBJECT})).first()
    assert row is not None and row[4] == {"a": [1, "é"]}
    async with sessions.begin() as session:
        stored = await session.get(ChatSession, SUBJECT)
        assert stored is not None
        assert stored.context == {"a": [1, "é"]} and stored.updated_on == date(2026, 1, 3)


async def test_returning_rowcount_and_executemany(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        first = await outbox.enqueue(session, b"chat", [{"x": 1}], utcnow())
        second = await outbox.enqueue(session, b"chat", [], utcnow() + timedelta(seconds=1))
        assert second > first
        await outbox.sent(session, [first, second])
        await outbox.sent(session, [])
        assert await outbox.count(session) == 0
    async with sessions.begin() as session:
        assert await repo.claim_update(session, 77)
        assert not await repo.claim_update(session, 77)


async def test_a_value_written_into_the_statement_is_sent(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """``.values(completed=True)`` is a constant of the compiled statement, not a parameter."""
    participant_id = await _participant(sessions)
    async with sessions.begin() as session:
        await conversations.complete_participant(session, participant_id)
    async with sessions.begin() as session:
        stored = await session.get(Participant, participant_id)
        assert stored is not None and stored.completed


async def test_pending_orm_changes_are_flushed_as_session_execute_would(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """A statement on a mapped class sees a row added to the session (SQLAlchemy autoflushes,
    so it takes SQLAlchemy's path); a statement on the table does not, as through
    ``session.execute``, on both databases."""
    on_class = select(ChatSession.subject).where(ChatSession.subject == bindparam("subject"))
    async with sessions.begin() as session:
        session.add(ChatSession(subject=SUBJECT))
        on_table = await fast.execute(session, chat_sessions.LOAD, {"subject": SUBJECT})
        assert on_table.first() is None
        assert (await fast.execute(session, on_class, {"subject": SUBJECT})).first() == (SUBJECT,)
    assert fast.compiled_for(on_class, ["subject"], sessions.kw["bind"].dialect) is None


async def test_a_driver_error_is_sqlalchemys_and_rolls_the_transaction_back(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """A constraint violation raises IntegrityError (what callers catch), and nothing of the
    failed transaction stays."""
    statement = insert(CHATS).values(subject=bindparam("s"), updated_on=bindparam("d"))
    with pytest.raises(IntegrityError):
        async with fast.unit_of_work(sessions) as session:
            await repo.claim_update(session, 501)
            await fast.execute(session, statement, {"s": SUBJECT, "d": date.today()})
            await fast.execute(session, statement, {"s": SUBJECT, "d": date.today()})
    async with fast.unit_of_work(sessions) as session:
        assert await repo.claim_update(session, 501)  # the first claim was rolled back
        assert await session.get(ChatSession, SUBJECT) is None


async def test_what_it_cannot_compile_goes_through_sqlalchemy(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """A statement that needs a column default (``id``, ``started_on``) or an ``onupdate`` is
    run by SQLAlchemy's execution path, with the same outcome."""
    conversations_table: Table = ConversationRow.__table__  # type: ignore[assignment]
    without_defaults = insert(conversations_table)
    async with sessions.begin() as session:
        await fast.execute(
            session,
            without_defaults,
            {"flow_id": "f", "flow_digest": "d", "state": "q", "data": {"k": 1}},
        )
        # onupdate (updated_on) not given: SQLAlchemy sets it.
        session.add(ChatSession(subject=SUBJECT))
        await session.flush()
        await fast.execute(
            session,
            update(CHATS).where(CHATS.c.subject == bindparam("b")),
            {"b": SUBJECT, "mode": "m"},
        )
        rows = (await session.execute(select(ConversationRow.data, ConversationRow.version))).all()
        assert [tuple(r) for r in rows] == [({"k": 1}, 1)]
        chat = (await session.execute(select(CHATS.c.mode, CHATS.c.updated_on))).one()
        assert chat.mode == "m" and chat.updated_on == date.today()
    dialect = sessions.kw["bind"].dialect
    assert fast.compiled_for(without_defaults, ["flow_id"], dialect) is None


async def test_on_sqlite_the_statements_skip_sqlalchemys_execution_path(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """The point of the module: SQLAlchemy's cursor events do not see the hot statements on
    SQLite (the driver does); PostgreSQL keeps SQLAlchemy's path."""
    engine = sessions.kw["bind"].sync_engine
    seen_by_sqlalchemy: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen_by_sqlalchemy.append(statement.split()[0])

    event.listen(engine, "before_cursor_execute", record)
    try:
        with sql_trace.statements(engine) as sent:
            async with fast.unit_of_work(sessions) as session:
                assert await repo.claim_update(session, 9)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert [s.split()[0] for s in sent] == ["INSERT"]
    expected = {"sqlite": [], "postgresql": ["INSERT"]}[engine.dialect.name]
    assert seen_by_sqlalchemy == expected


def test_the_cache_is_bounded_and_goes_with_its_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    """A statement built anew on every call cannot grow the cache without end, and the forms
    of an engine thrown away go with its dialect (the test suite makes hundreds of engines)."""
    dialect = sqlite.dialect()
    monkeypatch.setattr(fast, "MAX_COMPILED", 3)
    for n in range(10):
        statement = select(CHATS.c.mode).where(CHATS.c.subject == bindparam("s"))
        plan = fast.compiled_for(statement, ["s"], dialect)
        assert (plan is not None) == (n < 3)
    assert len(fast._COMPILED[dialect]) == 3
    other = sqlite.dialect()
    assert fast.compiled_for(chat_sessions.LOAD, ["subject"], other) is not None
    gone = weakref.ref(dialect)
    del dialect
    gc.collect()
    assert gone() is None  # the cache did not keep it alive
    assert other in fast._COMPILED


async def _participant(sessions: async_sessionmaker[AsyncSession]) -> str:
    async with sessions.begin() as session:
        return (await new_participant(session)).id
