"""One person, one voice per (werkgroep, step, round) (issue 15, item 5), on both databases:
what the chat must call when a link is opened, and what it answers."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.privacy.pseudonym import participant_pseudonym
from storage import participants, repo
from storage.models import Campaign, ConversationRow, Participant
from storage.participants import Standing

PEPPER = b"v" * 32


async def _campaign(session: AsyncSession, werkgroep_id: str, step: str, round_: int) -> Campaign:
    campaign = Campaign(
        werkgroep_id=werkgroep_id,
        audience="jongeren",
        step_key=step,
        flow_id=f"armoede.{step}.jongeren",
        token_hash=repo.new_token(),
        round=round_,
    )
    session.add(campaign)
    await session.flush()
    return campaign


def _pseudonym(campaign: Campaign) -> str:
    return participant_pseudonym(
        PEPPER, "42", campaign.werkgroep_id, campaign.step_key, campaign.round
    )


async def test_nine_extra_links_of_one_step_count_one_person_once(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """Ten links of one step and round: one participant row; another round or step is new."""
    async with sessions.begin() as session:
        werkgroep, _, _ = await repo.create_werkgroep(session, "W", "armoede")
        links = [await _campaign(session, werkgroep.id, "stap-3", 1) for _ in range(10)]
        first = await participants.join(session, links[0], _pseudonym(links[0]))
        session.add(
            ConversationRow(
                flow_id="f", flow_digest="d", state="q1", data={}, participant_id=first.id
            )
        )
        await session.flush()
        for link in links[1:]:
            assert (await participants.join(session, link, _pseudonym(link))).id == first.id
            found = await participants.standing(session, link, _pseudonym(link))
            assert found.standing is Standing.IN_PROGRESS and found.other_link
            assert found.conversation is not None
        next_round = await _campaign(session, werkgroep.id, "stap-3", 2)
        other_step = await _campaign(session, werkgroep.id, "stap-6", 1)
        for campaign in (next_round, other_step):
            fresh = await participants.standing(session, campaign, _pseudonym(campaign))
            assert fresh.standing is Standing.NEW and fresh.participant is None
        assert await session.scalar(select(func.count()).select_from(Participant)) == 1


async def test_a_finished_participation_is_completed_through_every_link(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """After finishing, the same link and another link both report COMPLETED."""
    async with sessions.begin() as session:
        werkgroep, _, _ = await repo.create_werkgroep(session, "W", "armoede")
        one = await _campaign(session, werkgroep.id, "stap-3", 1)
        two = await _campaign(session, werkgroep.id, "stap-3", 1)
        participant = await participants.join(session, one, _pseudonym(one))
        participant.completed = True
        await session.flush()
        same = await participants.standing(session, one, _pseudonym(one))
        other = await participants.standing(session, two, _pseudonym(two))
    assert same.standing is Standing.COMPLETED and not same.other_link
    assert other.standing is Standing.COMPLETED and other.other_link
    assert other.participant is not None and other.participant.id == participant.id
