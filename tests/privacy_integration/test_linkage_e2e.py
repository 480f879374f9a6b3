"""Attacks on linkage through the real bot (issue 15, items 1, 2 and 5).

A database reader without the pepper dumps every table after one person answered in two steps
and also works in the werkgroep; a coordinator opens a second link of the same step.
"""

from __future__ import annotations

import re

from sqlalchemy import MetaData, func, select

from bot.privacy.pseudonym import participant_pseudonym, pseudonymize
from storage import repo
from storage.models import Answer, AuditEntry, Campaign, ChatSession, Member, Participant
from tests.e2e.conftest import BotHarness, answer_current, press, question_of, say

USER_ID = 5550123
HEX64 = re.compile(r"\b[0-9a-f]{64}\b")


async def _campaign(harness: BotHarness, werkgroep_id: str, step: str) -> tuple[str, Campaign]:
    assert harness.runtime is not None
    token = repo.new_token()
    campaign = Campaign(
        werkgroep_id=werkgroep_id,
        audience="jongeren",
        step_key=step,
        flow_id=f"armoede.{step}.jongeren",
        token_hash=repo.hash_token(token),
    )
    async with harness.runtime.sessions.begin() as session:
        session.add(campaign)
    return token, campaign


async def _answer_two(harness: BotHarness, user_id: int, token: str) -> None:
    user = harness.api.user(user_id)
    (notice,) = await say(user, f"/start {token}")
    messages = await press(user, notice, "Ik doe mee")
    for _ in range(2):
        messages = await answer_current(user, question_of(messages))


async def _rows(harness: BotHarness) -> dict[str, list[tuple[object, ...]]]:
    assert harness.runtime is not None
    metadata = MetaData()
    async with harness.runtime.database.connect() as connection:
        await connection.run_sync(metadata.reflect)
        return {
            table.name: [tuple(row) for row in (await connection.execute(select(table))).all()]
            for table in metadata.sorted_tables
        }


async def test_a_member_answering_in_two_steps_cannot_be_joined(harness: BotHarness) -> None:
    """No 64-hex key appears in two rows; no chat key equals a pseudonym; no old pseudonym."""
    werkgroep_id, coordinator_token, _ = await harness.werkgroep()
    user = harness.api.user(USER_ID)
    await say(user, f"/start {coordinator_token}")
    await say(user, "Co Ordinator")
    await say(user, "Gemeente Velsen")
    token3, _ = await _campaign(harness, werkgroep_id, "stap-3")
    token6, _ = await _campaign(harness, werkgroep_id, "stap-6")
    await _answer_two(harness, USER_ID, token3)
    await _answer_two(harness, USER_ID, token6)

    tables = await _rows(harness)
    pseudonyms = [row[2] for row in tables["participants"]]
    assert len(pseudonyms) == 2 and len(set(pseudonyms)) == 2  # one per step, unrelated
    subjects = {row[0] for row in tables["chat_sessions"]}
    assert not subjects & set(pseudonyms)
    # The chat session names no member: no member id (or Telegram id) in any of its columns.
    member_ids = {row[0] for row in tables["members"]}
    chat_values = {str(value) for row in tables["chat_sessions"] for value in row}
    assert len(member_ids) == 1 and not member_ids & chat_values
    assert str(USER_ID) not in repr(tables["chat_sessions"])
    seen: dict[str, str] = {}
    for name, rows in tables.items():
        for row in rows:
            for value in HEX64.findall(repr(row)):
                assert value not in seen, f"{value} joins {seen[value]} and {name}"
                seen[value] = name
    assert harness.runtime is not None
    assert pseudonymize(harness.runtime.pepper, USER_ID) not in seen


async def test_a_second_link_of_the_same_step_counts_the_person_once(harness: BotHarness) -> None:
    """A coordinator's extra link for the same step and round: 'al meegedaan', no new row."""
    werkgroep_id, _, _ = await harness.werkgroep()
    first, campaign = await _campaign(harness, werkgroep_id, "stap-3")
    second, _ = await _campaign(harness, werkgroep_id, "stap-3")
    user = harness.api.user(USER_ID)
    (notice,) = await say(user, f"/start {first}")
    messages = await press(user, notice, "Ik doe mee")
    for _ in range(40):
        messages = await answer_current(user, question_of(messages))
        if any("Klaar!" in (m.text or "") for m in messages):
            break
    (reply,) = await say(user, f"/start {second}")
    assert "al meegedaan" in (reply.text or "")
    assert harness.runtime is not None
    async with harness.runtime.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Participant)) == 1
        answers = await session.scalar(select(func.count(func.distinct(Answer.participant_id))))
        assert answers == 1
        stored = await session.scalar(select(Participant.pseudonym))
    expected = participant_pseudonym(
        harness.runtime.pepper, str(USER_ID), werkgroep_id, "stap-3", campaign.round
    )
    assert stored == expected


async def test_a_second_link_resumes_an_unfinished_participation(harness: BotHarness) -> None:
    """Half-way through one link, the other link says so and offers to continue or to change
    the answers; 'Verder gaan' continues the same questions, still one participant."""
    werkgroep_id, _, _ = await harness.werkgroep()
    first, _ = await _campaign(harness, werkgroep_id, "stap-3")
    second, _ = await _campaign(harness, werkgroep_id, "stap-3")
    await _answer_two(harness, USER_ID, first)
    user = harness.api.user(USER_ID)
    (offer,) = await say(user, f"/start {second}")
    assert "al meegedaan" in (offer.text or "") and "nog niet klaar" in (offer.text or "")
    assert [row[0][0] for row in offer.buttons] == ["Verder gaan", "Antwoorden veranderen"]
    messages = await press(user, offer, "Verder gaan")
    assert "Welkom terug" in (messages[0].text or "")
    assert "Vraag 3 van" in (question_of(messages).text or "")
    assert harness.runtime is not None
    async with harness.runtime.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Participant)) == 1
        assert await session.scalar(select(func.count()).select_from(ChatSession)) == 1
        assert await session.scalar(select(func.count()).select_from(Answer)) == 2


async def test_a_second_link_offers_to_change_the_answers(harness: BotHarness) -> None:
    """After finishing, a second link says 'al meegedaan' with 'Antwoorden veranderen'; that
    starts again at question 1 with the old answers gone, and the person still counts once."""
    werkgroep_id, _, _ = await harness.werkgroep()
    first, _ = await _campaign(harness, werkgroep_id, "stap-3")
    second, _ = await _campaign(harness, werkgroep_id, "stap-3")
    user = harness.api.user(USER_ID)
    (notice,) = await say(user, f"/start {first}")
    messages = await press(user, notice, "Ik doe mee")
    for _ in range(40):
        messages = await answer_current(user, question_of(messages))
        if any("Klaar!" in (m.text or "") for m in messages):
            break
    (offer,) = await say(user, f"/start {second}")
    assert "Je hebt al meegedaan" in (offer.text or "")
    assert [row[0][0] for row in offer.buttons] == ["Antwoorden veranderen"]
    messages = await press(user, offer, "Antwoorden veranderen")
    assert "Je vorige antwoorden zijn gewist" in (messages[0].text or "")
    assert "Vraag 1 van" in (question_of(messages).text or "")
    assert harness.runtime is not None
    async with harness.runtime.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Participant)) == 1
        assert await session.scalar(select(func.count()).select_from(Answer)) == 0
        assert await session.scalar(select(Participant.completed)) is False
    await answer_current(user, question_of(messages))
    async with harness.runtime.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Participant)) == 1
        assert await session.scalar(select(func.count()).select_from(Answer)) == 1


async def test_a_forwarded_coordinator_link_makes_nobody_coordinator(harness: BotHarness) -> None:
    """The coordinator joined; a stranger opening the forwarded link is refused in the chat."""
    _, coordinator_token, _ = await harness.werkgroep()
    await say(harness.api.user(USER_ID), f"/start {coordinator_token}")
    (refused,) = await say(harness.api.user(USER_ID + 1), f"/start {coordinator_token}")
    assert "werkt niet (meer)" in (refused.text or "")
    assert harness.runtime is not None
    async with harness.runtime.sessions() as session:
        ids = list(await session.scalars(select(Member.telegram_user_id)))
    assert ids == [USER_ID]


async def test_campagnes_in_the_chat_is_audited_with_the_reader(harness: BotHarness) -> None:
    """/campagnes shows participant counts: the audit log names the coordinator who read them."""
    werkgroep_id, coordinator_token, _ = await harness.werkgroep()
    await _campaign(harness, werkgroep_id, "stap-3")
    user = harness.api.user(USER_ID)
    await say(user, f"/start {coordinator_token}")
    await say(user, "Co Ordinator")
    await say(user, "Gemeente Velsen")
    mark = user.mark()
    await user.send("/campagnes")
    await user.wait_new(mark, 1)
    assert harness.runtime is not None
    async with harness.runtime.sessions() as session:
        member_id = await session.scalar(select(Member.id))
        reads = (
            await session.execute(
                select(AuditEntry.actor, AuditEntry.werkgroep_id).where(
                    AuditEntry.action == "campaigns.read"
                )
            )
        ).all()
    assert reads == [(f"member:{member_id}", werkgroep_id)]
