"""PostgreSQL transaction ids (issue 15, item 3): no audit row shares a participant's answer
transaction, and after the cut every answer carries the one transaction id of the cut."""

from __future__ import annotations

from sqlalchemy import text

from bot.admin import service
from storage import repo
from storage.models import Campaign
from tests.e2e.conftest import BotHarness, answer_current, press, question_of, say


async def test_no_audit_row_shares_an_answer_transaction_and_the_cut_merges_them(
    pg_harness: BotHarness,
) -> None:
    """Three people answer while a coordinator reads; xmin of answers never equals an audit
    row's; after closing, all answers and the summary's tallies have one xmin and it is not
    any answering turn's."""
    assert pg_harness.runtime is not None
    werkgroep_id, coordinator_token, _ = await pg_harness.werkgroep()
    token = repo.new_token()
    async with pg_harness.runtime.sessions.begin() as session:
        campaign = Campaign(
            werkgroep_id=werkgroep_id,
            audience="jongeren",
            step_key="stap-3",
            flow_id="armoede.stap-3.jongeren",
            token_hash=repo.hash_token(token),
        )
        session.add(campaign)
    coordinator = pg_harness.api.user(4440000)
    await say(coordinator, f"/start {coordinator_token}")
    await say(coordinator, "Co Ordinator")
    await say(coordinator, "Gemeente")
    for person in range(3):
        user = pg_harness.api.user(4440001 + person)
        (notice,) = await say(user, f"/start {token}")
        messages = await press(user, notice, "Ik doe mee")
        for _ in range(2):
            messages = await answer_current(user, question_of(messages))
        mark = coordinator.mark()
        await coordinator.send("/campagnes")
        await coordinator.wait_new(mark, 1)

    async def xmins(table: str) -> set[int]:
        assert pg_harness.runtime is not None
        async with pg_harness.runtime.database.connect() as connection:
            rows = await connection.execute(text(f"SELECT xmin::text::bigint FROM {table}"))
            return {int(value) for (value,) in rows.all()}

    answering = await xmins("answers")
    assert len(answering) >= 3
    assert not answering & await xmins("audit_log")
    chats = await xmins("chat_sessions")
    async with pg_harness.runtime.sessions.begin() as session:
        await service.close_campaign(session, campaign.id, actor="cli:test")
    after = await xmins("answers")
    assert len(after) == 1 and not after & answering
    assert not await xmins("participants") & (answering | chats)
    # The summary's tallies (kept by triggers in the answering turns) are rewritten by the
    # cut as well: no tally row keeps the transaction id of an answering turn.
    assert await xmins("answer_tallies") == after
