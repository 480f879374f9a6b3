"""From voices to plan in chat: summary, plan export, agreed answers, input at discussion."""

from __future__ import annotations

import io

import docx
from sqlalchemy import select

from storage import repo
from storage.models import Campaign, Participant, Werkgroep
from tests.e2e.conftest import (
    BotHarness,
    join_as_coordinator,
    member_at_discussion,
    say,
    tap,
)

RESPONDENTS = 24


async def _seed_voices(harness: BotHarness, werkgroep_id: str) -> None:
    """RESPONDENTS jongeren who answered the stap-3 consultation, straight into the database."""
    assert harness.runtime is not None
    async with harness.runtime.sessions.begin() as session:
        campaign = Campaign(
            werkgroep_id=werkgroep_id,
            audience="jongeren",
            step_key="stap-3",
            flow_id="armoede.stap-3.jongeren",
            token_hash=repo.new_token(),
        )
        session.add(campaign)
        await session.flush()
        for number in range(RESPONDENTS):
            participant = Participant(
                campaign_id=campaign.id, pseudonym=f"{number:064d}", completed=True
            )
            session.add(participant)
            await session.flush()
            await repo.store_participant_answer(
                session, participant, "leeftijd", "12-15", free_text=False
            )
            text = "Thuis is er geen geld voor de sportclub" if number % 2 else "Op school pesten"
            await repo.store_participant_answer(
                session,
                participant,
                "zorgen",
                text,
                free_text=True,
                themes=harness.runtime.themes("armoede", text),
            )


async def test_samenvatting_shows_counts_and_chart(harness: BotHarness) -> None:
    """/samenvatting shows the step's respondents and themes, and a chart as a photo."""
    werkgroep_id, user = await join_as_coordinator(harness, 9990001)
    await _seed_voices(harness, werkgroep_id)
    mark = user.mark()
    await user.send("/samenvatting")
    await user.wait_until(lambda u: any(m.photo for m in u.messages()[mark:]))
    messages = user.messages()[mark:]
    text = "\n".join(m.text or "" for m in messages)
    assert "Stap 3" in text and str(RESPONDENTS) in text
    assert "Geld" in text or "geld" in text
    assert any(m.photo and m.photo.startswith(b"\x89PNG") for m in messages)
    assert harness.runtime is not None
    async with harness.runtime.sessions() as session:
        from storage.models import AuditEntry

        actions = (await session.scalars(select(AuditEntry.action))).all()
    assert "summary" in actions


async def test_vastleggen_then_plan_export(harness: BotHarness) -> None:
    """An agreed answer recorded with /vastleggen appears in the Word plan from /plan."""
    _, user = await join_as_coordinator(harness, 9990002)
    (steps,) = await say(user, "/vastleggen")
    (questions,) = await tap(user, steps, steps.buttons[0][0][0])
    (prompt,) = await tap(user, questions, questions.buttons[0][0][0])
    assert "gezamenlijke antwoord" in (prompt.text or "")
    (done,) = await say(user, "Samen armoede bij kinderen zichtbaar maken.")
    assert "Vastgelegd" in (done.text or "")
    mark = user.mark()
    await user.send("/plan")
    messages = await user.wait_new(mark, 3)
    documents = {m.document.file_name: m.document.data for m in messages if m.document}
    assert set(documents) == {"plan-velsen.docx", "plan-velsen.md"}
    word = docx.Document(io.BytesIO(documents["plan-velsen.docx"]))
    text = "\n".join(paragraph.text for paragraph in word.paragraphs)
    assert "Samen armoede bij kinderen zichtbaar maken." in text
    assert "Samen armoede bij kinderen zichtbaar maken." in documents["plan-velsen.md"].decode()


async def test_member_sees_voices_at_the_discussion_question(harness: BotHarness) -> None:
    """A member working through step 3 is shown the jongeren's input before 'zorgen'."""
    werkgroep_id, _, member_token = await harness.werkgroep("armoede")
    await _seed_voices(harness, werkgroep_id)
    user = harness.api.user(9990003)
    messages = await member_at_discussion(user, member_token)
    shown = "\n".join(m.text or "" for m in messages)
    assert str(RESPONDENTS) in shown
    assert harness.runtime is not None
    async with harness.runtime.sessions() as session:
        werkgroep = await session.get(Werkgroep, werkgroep_id)
        assert werkgroep is not None
        assert await session.scalar(select(Participant.id).limit(1)) is not None
