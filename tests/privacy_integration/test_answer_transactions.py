"""No timestamped row shares a transaction with a participant's answer (issue 15, item 3).

Rows written in one transaction share its transaction id (PostgreSQL ``xmin``) and sit next to
each other in storage; a row with a time of day in the same transaction would date the answer.
Every statement the real bot sends is recorded per transaction while jongeren answer (to the
end) and a coordinator reads /campagnes and /samenvatting in between: a transaction that stores
an answer writes only participant tables, whose dates carry no time of day.
"""

from __future__ import annotations

import asyncio
import re
from collections import defaultdict

from storage import outbox, repo
from storage.models import Campaign
from tests.e2e.conftest import (
    BotHarness,
    answer_current,
    join_as_coordinator,
    press,
    question_of,
    say,
)
from tests.sql_trace import traced

WRITE = re.compile(r"^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+\"?(\w+)", re.IGNORECASE)
# Tables an answering turn may write: none of them holds a time of day.
PARTICIPANT_TABLES = {
    "answers",
    "answer_themes",
    "participants",
    "conversations",
    "chat_sessions",
    "processed_updates",
}
# The replies of the answer (issue 19): its ``held_until`` is a time, but the row is deleted as
# soon as the replies are delivered, so it dates nothing that a reader watching the tables live
# could not date anyway; that no row outlives its delivery is asserted below.
SHORT_LIVED_TABLES = {"outbox"}


async def test_an_answer_transaction_writes_no_timestamped_row(harness: BotHarness) -> None:
    """Every transaction that inserts an answer writes participant tables only."""
    assert harness.runtime is not None
    engine = harness.runtime.database.sync_engine
    open_writes: dict[int, set[str]] = defaultdict(set)
    done: list[set[str]] = []

    def record(connection: int, statement: str) -> None:
        found = WRITE.match(statement)
        if found:
            open_writes[connection].add(found.group(1).lower())

    def commit(connection: int) -> None:
        done.append(open_writes.pop(connection, set()))

    with traced(engine, record, commit):
        werkgroep_id, coordinator = await join_as_coordinator(harness, 9994001)
        token = repo.new_token()
        async with harness.runtime.sessions.begin() as session:
            session.add(
                Campaign(
                    werkgroep_id=werkgroep_id,
                    audience="jongeren",
                    step_key="stap-3",
                    flow_id="armoede.stap-3.jongeren",
                    token_hash=repo.hash_token(token),
                )
            )
        for person in range(2):
            user = harness.api.user(9994100 + person)
            (notice,) = await say(user, f"/start {token}")
            messages = await press(user, notice, "Ik doe mee")
            for turn in range(40):
                if turn == 2:
                    await say(coordinator, "/campagnes")
                    await say(coordinator, "/samenvatting stap-3")
                if any("Klaar! Dank je wel" in (m.text or "") for m in messages):
                    break
                messages = await answer_current(user, question_of(messages))
    answering = [tables for tables in done if "answers" in tables]
    assert len(answering) >= 10  # the journeys stored their answers
    assert any("audit_log" in tables for tables in done)  # the coordinator's reads were seen
    for tables in answering:
        assert tables <= PARTICIPANT_TABLES | SHORT_LIVED_TABLES, tables - PARTICIPANT_TABLES
    await harness.api.until_no_pending_updates()
    assert await _outbox_left(harness) == 0


async def _outbox_left(harness: BotHarness) -> int:
    """Outbox rows left once the handlers delivered (deletion follows delivery closely)."""
    assert harness.runtime is not None
    for _ in range(100):
        async with harness.runtime.sessions() as session:
            left = await outbox.count(session)
        if left == 0:
            break
        await asyncio.sleep(0.05)
    return left
