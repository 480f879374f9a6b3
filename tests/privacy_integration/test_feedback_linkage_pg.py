"""Feedback opt-ins (#17.5) on PostgreSQL: written in a transaction of their own (the tap), so
no transaction id (``xmin``) pairs an opt-in with an answer, a participant or a chat session."""

from __future__ import annotations

from sqlalchemy import text

from tests.e2e.conftest import BotHarness, tap
from tests.e2e.test_feedback import YES, _campaign, _finish


async def test_no_xmin_joins_an_opt_in_to_answers_or_sessions(pg_harness: BotHarness) -> None:
    """Two participants finish and opt in; the opt-ins' xmins equal no answer's,
    participant's or chat session's."""
    werkgroep_id, _, _ = await pg_harness.werkgroep()
    token, _ = await _campaign(pg_harness, werkgroep_id)
    for user_id in (7380001, 7380002):
        user, thanks = await _finish(pg_harness, user_id, token)
        await tap(user, thanks, YES)
    assert pg_harness.runtime is not None

    async def xmins(table: str) -> set[int]:
        assert pg_harness.runtime is not None
        async with pg_harness.runtime.database.connect() as connection:
            rows = await connection.execute(text(f"SELECT xmin::text::bigint FROM {table}"))
            return {int(value) for (value,) in rows.all()}

    optins = await xmins("feedback_optins")
    assert len(optins) == 2
    for table in ("answers", "participants", "chat_sessions", "conversations", "answer_themes"):
        assert not optins & await xmins(table), table
